"""The family page in a real browser: in English, Russian and Kazakh on a 360-pixel phone, the
members' table, the aligned timelines and the map render, nothing is wider than the screen and
nothing loads from outside our origin."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from bills.models import Bill
from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = "/families/lgbt-propaganda/"
HEADINGS = {"": "Final approval", "/ru": "Окончательное одобрение", "/kk": "Түпкілікті мақұлдау"}


def test_the_family_page_at_360_px_in_three_languages(live_server, seeded, page_factory, tmp_path):
    # One test for the three languages: the seeds (every member's file) load once.
    for prefix in HEADINGS:
        check_the_page(live_server, page_factory(PHONE), tmp_path, prefix)


def check_the_page(live_server, page, tmp_path, prefix: str) -> None:
    origin = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def watch(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob") and parts.netloc != origin:
            outside.append(request.url)

    page.on("request", watch)
    response = page.goto(live_server.url + prefix + PAGE)
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == (prefix[1:] or "en")

    # The members' table: one row per member bill at least, each linking its bill page; on a
    # phone its rows are cards whose cells are labelled by the column heads.
    rows = page.locator("table.members tbody tr")
    assert rows.count() == Bill.objects.filter(family__slug="lgbt-propaganda").count() >= 1
    assert rows.first.locator("a[href*='/bills/']").is_visible()
    label = (
        rows.first.locator("td").nth(3).evaluate("td => getComputedStyle(td, '::before').content")
    )
    assert HEADINGS[prefix] in label
    # The map and its legend, and the aligned timelines, drawn with real size.
    status_map = page.locator("svg.status-map")
    assert status_map.is_visible()
    box = status_map.bounding_box()
    assert box is not None and 200 < box["width"] <= PHONE["width"] and box["height"] > 50
    assert page.locator("svg.status-map path.map-member").count() >= 1
    assert page.locator(".map-legend dt").count() >= 1
    assert page.locator("svg.timeline-row").count() >= 1
    assert page.locator("svg.timeline-row line.tl-mark").count() >= 2

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{prefix or '/'}: {width}px wide, wider than the phone"
    shot = tmp_path / f"family{prefix.replace('/', '-') or '-en'}-360.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert outside == [], f"{prefix or '/'}: requests left the app's origin: {outside}"
