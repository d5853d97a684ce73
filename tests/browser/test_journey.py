"""A new user's journey in a real browser; and nothing may load from outside our origin."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from bills.models import Bill
from events.models import Subscription
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KZ_SLUG = "kz-lgbt-propaganda-ban"


def test_new_user_journey(live_server, seeded, page_factory):
    page = page_factory(PHONE)
    bill = Bill.objects.get(slug=KZ_SLUG)

    # The dashboard: windows, recent bills, the board.
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Signing windows closing soonest"
    assert page.get_by_role("heading", name="Bills by stage").is_visible()
    screenshot(page, "dashboard-360")

    # Filter the list by jurisdiction and status, as a shareable URL.
    page.get_by_role("link", name="All bills").first.click()
    page.get_by_text("Filter and sort").click()
    page.get_by_label("Jurisdiction").select_option("KZ")
    page.get_by_label("Status").select_option(bill.status)
    page.get_by_role("button", name="Apply filters").click()
    assert f"status={bill.status}" in page.url and "jurisdiction=KZ" in page.url
    assert page.locator(".results-count").inner_text() == "1 bill"
    screenshot(page, "bill-list-360")

    # An invalid filter: a message, not an error page.
    page.goto(live_server.url + "/bills/?closing_within=soon")
    assert page.get_by_role("alert").is_visible()

    # Open the Kazakhstan bill: its Mäjilis vote (unanimous) and its signing window.
    page.goto(live_server.url + f"/bills/?jurisdiction=KZ&status={bill.status}")
    page.get_by_role("link", name=bill.display_title()).click()
    assert page.url.endswith(f"/bills/{KZ_SLUG}/")
    votes = page.locator("section.votes")
    assert "Mäjilis" in votes.inner_text()
    assert "Unanimous" in votes.inner_text()
    assert votes.locator("svg[role=img]").count() >= 1
    window = page.locator("section.signing")
    assert window.get_by_role("heading", name="Signing window").is_visible()
    assert window.locator(".countdown").count() >= 1
    screenshot(page, "bill-360")

    # Subscribe to alerts for the bill.
    page.get_by_label("E-mail address").fill("advocate@example.org")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url(re.compile(r"/alerts/subscribe/sent/"))
    screenshot(page, "subscribe-sent-360")
    assert Subscription.objects.filter(bill=bill, status="pending").count() == 1

    # Switch to Russian: the same bill page, in Russian, at /ru/.
    page.goto(live_server.url + f"/bills/{KZ_SLUG}/")
    page.get_by_role("button", name="Русский").click()
    page.wait_for_url(re.compile(rf"/ru/bills/{KZ_SLUG}/$"))
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", name="Срок подписания").is_visible()
    assert "Мажилис" in page.locator("section.votes").inner_text()
    screenshot(page, "bill-ru-360")

    # The choice sticks: the English URL now sends this browser to the Russian page...
    page.goto(live_server.url + "/bills/")
    assert urlsplit(page.url).path == "/ru/bills/"
    # ...until English is chosen again.
    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(r"/bills/$"))
    assert urlsplit(page.url).path == "/bills/"
    assert page.locator("html").get_attribute("lang") == "en"


def test_browser_language_selects_the_interface(live_server, seeded, page_factory):
    page = page_factory(DESKTOP, locale="kk-KZ")
    page.goto(live_server.url + "/")
    assert urlsplit(page.url).path == "/kk/"
    assert page.locator("html").get_attribute("lang") == "kk"


def test_desktop_screenshots_and_no_request_leaves_the_origin(live_server, seeded, page_factory):
    page = page_factory(DESKTOP)
    origin = urlsplit(live_server.url).netloc
    outside: list[str] = []
    requested: list[str] = []

    def watch(request) -> None:
        requested.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob") and parts.netloc != origin:
            outside.append(request.url)

    page.on("request", watch)
    pages = {
        "dashboard": "/",
        "bill-list": "/bills/?q=propaganda",
        "bill": f"/bills/{KZ_SLUG}/",
        "bill-ru": f"/ru/bills/{KZ_SLUG}/",
        "bill-kk": f"/kk/bills/{KZ_SLUG}/",
        "privacy": "/privacy/",
    }
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        screenshot(page, f"{name}-desktop")
    assert any(re.search(r"/static/css/site\.[0-9a-f]{12}\.css$", url) for url in requested)
    assert outside == [], f"requests left the app's origin: {outside}"
    # Subresources (the stylesheet) loaded: the page is styled, not bare HTML.
    header_bg = page.locator("header.site-header").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert header_bg == "rgb(27, 31, 36)"


def test_keyboard_and_labels(live_server, seeded, page_factory):
    page = page_factory(DESKTOP)
    for path in ("/", "/bills/", f"/bills/{KZ_SLUG}/"):
        page.goto(live_server.url + path)
        # The first Tab reaches the skip link, which moves focus to the main content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        # Every visible form control has a label; every chart has an accessible name.
        unlabelled = page.evaluate(
            """[...document.querySelectorAll('input, select, textarea')]
                .filter(el => el.type !== 'hidden' && el.labels.length === 0)
                .map(el => el.name)"""
        )
        assert unlabelled == [], path
        unnamed = page.evaluate(
            """[...document.querySelectorAll('svg[role=img]')]
                .filter(svg => !svg.getAttribute('aria-labelledby')
                    || !document.getElementById(svg.getAttribute('aria-labelledby')))
                .length"""
        )
        assert unnamed == 0, path
