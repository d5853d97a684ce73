"""The embeddable status card and badge: other sites may frame them, nothing else on the site;
no cookie, no script, public data only; in English, Russian and Kazakh; ETag and 304."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.cache import cache, caches

from bills import services, timeline
from bills.models import Classification, Visibility
from tests.record import bill_at
from tests.web.conftest import INTERNAL_TEXT, RU_DAYS_LEFT

pytestmark = pytest.mark.django_db

SLUG = "kz-lgbt-propaganda-ban"
EMBED = f"/bills/{SLUG}/embed/"
BADGE = f"/bills/{SLUG}/badge.svg"
PREFIXES = ("", "/ru", "/kk")
SVG = "{http://www.w3.org/2000/svg}"


def csp(response) -> dict[str, str]:
    parts = (p.strip() for p in response["Content-Security-Policy"].split(";"))
    return dict([*part.split(" ", 1), ""][:2] for part in parts if part)


def badge_texts(response) -> list[str]:
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_the_card_in_three_languages(client, kz_open):
    days = kz_open.extra["days_left"]
    english = client.get(EMBED).content.decode()
    assert '<html lang="en">' in english
    assert "LGBT propaganda ban" in english
    assert "Awaiting signature" in english
    assert f"{days} days left" in english
    assert "Passed (Senate)" in english  # the last action
    russian = client.get("/ru" + EMBED).content.decode()
    assert '<html lang="ru">' in russian
    assert "Запрет «пропаганды ЛГБТ»" in russian
    assert "Ожидает подписи" in russian
    assert RU_DAYS_LEFT[days] in russian
    assert "Источники, голосования и вся хронология" in russian
    kazakh = client.get("/kk" + EMBED).content.decode()
    assert '<html lang="kk">' in kazakh
    assert "Қол қоюды күтуде" in kazakh
    assert f"{days} күн қалды" in kazakh
    # The link back opens the bill page (in the card's language) outside the frame.
    assert f'href="{settings.SITE_URL}/ru/bills/{SLUG}/" target="_blank"' in russian


def test_the_badge_in_three_languages(client, kz_open):
    days = kz_open.extra["days_left"]
    expected = {
        "": ["Awaiting signature", f"{days} days left"],
        "/ru": ["Ожидает подписи", RU_DAYS_LEFT[days]],
        "/kk": ["Қол қоюды күтуде", f"{days} күн қалды"],
    }
    for prefix, texts in expected.items():
        response = client.get(prefix + BADGE)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert badge_texts(response) == texts


def test_the_badge_without_an_open_window_shows_the_status_only(client, kz_record):
    # The Mäjilis passed it; the Senate has not: no window.
    response = client.get(BADGE)
    assert badge_texts(response) == ["Passed lower house"]
    assert "days left" not in client.get(EMBED).content.decode()


def test_the_badge_escapes_text_and_loads_nothing(client, kz_open):
    services.bill_update(bill=kz_open.bill, data={"short_title": 'Ban <b>"this"</b> & that'})
    response = client.get(BADGE)
    root = ET.fromstring(response.content)  # noqa: S314 (our own response): well-formed still
    assert root.find(f"{SVG}title").text.startswith('Ban <b>"this"</b> & that: ')
    body = response.content.decode()
    assert "<b>" not in body
    for reference in ("href", "@import", "url(", "<script", "<style", "<image", "<font"):
        assert reference not in body


def test_no_cookie_and_no_vary_on_cookie(client, kz_open):
    # A visitor who has been on the site (a CSRF cookie, a language cookie) and whose browser
    # asks for Russian gets the card the URL names, with no cookie set or refreshed.
    client.get(f"/bills/{SLUG}/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    for prefix in PREFIXES:
        for url in (prefix + EMBED, prefix + BADGE):
            response = client.get(url, headers={"accept-language": "ru"})
            assert response.status_code == 200, url
            assert "Set-Cookie" not in response.headers, url
            assert not response.cookies, url
            assert "Cookie" not in response.get("Vary", ""), url
    assert '<html lang="en">' in client.get(EMBED).content.decode()


def test_the_card_and_badge_vary_on_nothing_the_browser_sends(client, kz_open):
    # A shared cache may keep one copy per URL: the language is the URL's.
    for prefix in PREFIXES:
        for url in (prefix + EMBED, prefix + BADGE):
            response = client.get(url, headers={"accept-language": "kk"})
            assert "Accept-Language" not in response.get("Vary", ""), url
            assert response["Content-Language"] == (prefix.strip("/") or "en"), url
    # Every other English page depends on it (a Russian browser is sent to /ru/).
    assert "Accept-Language" in client.get(f"/bills/{SLUG}/")["Vary"]


def test_the_card_has_no_script_form_or_inline_style(client, kz_open):
    body = client.get(EMBED).content.decode()
    for absent in ("<script", "<form", "<style", "csrfmiddlewaretoken", "<iframe"):
        assert absent not in body
    assert not re.search(r"\s(style|on[a-z]+)=", body)
    for attr in re.findall(r'<(?:link|img|script|source)\b[^>]*\b(?:href|src)="([^"]+)"', body):
        assert attr.startswith(("/", "data:")), attr


def test_only_the_card_and_badge_may_be_framed(client, kz_open):
    for prefix in PREFIXES:
        for url in (prefix + EMBED, prefix + BADGE):
            response = client.get(url)
            assert csp(response)["frame-ancestors"] == "*", url
            assert "X-Frame-Options" not in response, url
            # The rest of the policy stays as strict as everywhere.
            assert csp(response)["default-src"] == "'self'"
            assert "unsafe-inline" not in response["Content-Security-Policy"]
    for url in ("/", f"/bills/{SLUG}/", "/ru/bills/", "/privacy/", f"/bills/{SLUG}/embed/x/"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert csp(response)["frame-ancestors"] == "'none'", url


@pytest.mark.parametrize("url", [EMBED, "/kk" + EMBED, BADGE, "/ru" + BADGE])
def test_etag_and_304(client, kz_open, url):
    first = client.get(url)
    assert first.status_code == 200
    assert "max-age=300" in first["Cache-Control"] and "public" in first["Cache-Control"]
    etag = first["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert csp(again)["frame-ancestors"] == "*"
    assert client.get(url, headers={"if-none-match": '"stale"'}).status_code == 200


def test_the_etag_follows_the_record(client, kz_open):
    before = client.get(BADGE)["ETag"]
    services.bill_update(bill=kz_open.bill, data={"short_title": "Another title"})
    assert client.get(BADGE, headers={"if-none-match": before}).status_code == 200


def test_unknown_bill_is_404(client, kz_open):
    for prefix in PREFIXES:
        assert client.get(f"{prefix}/bills/no-such-bill/embed/").status_code == 404
        assert client.get(f"{prefix}/bills/no-such-bill/badge.svg").status_code == 404


def test_internal_events_are_not_shown(client, kz_open):
    # An internal act later on the timeline than every public one: not the card's last action.
    timeline.event_record(
        bill=kz_open.bill,
        classification=Classification.EXECUTIVE_RECEIPT,
        description=INTERNAL_TEXT,
        visibility=Visibility.INTERNAL,
        date=kz_open.approval.date,
    )
    for prefix in PREFIXES:
        for url in (prefix + EMBED, prefix + BADGE):
            assert INTERNAL_TEXT not in client.get(url).content.decode(), url
    body = client.get(EMBED).content.decode()
    assert "Passed (Senate)" in body
    assert "Received by the executive" not in body


def test_a_closed_window_shows_its_outcome(client, kz_record):
    bill = bill_at(kz_record, "enacted", slug="signed-bill", title="Signed bill")
    assert badge_texts(client.get("/bills/signed-bill/badge.svg")) == ["Enacted"]
    body = client.get("/bills/signed-bill/embed/").content.decode()
    assert "Enacted" in body and "Signed by the executive" in body
    assert bill.slug in body


def test_the_bill_page_gives_the_code_to_copy(client, kz_open):
    body = client.get(f"/ru/bills/{SLUG}/").content.decode()
    snippets = re.findall(r"<textarea[^>]*readonly[^>]*>(.*?)</textarea>", body, flags=re.S)
    assert len(snippets) == 2
    card, badge = (html.unescape(s) for s in snippets)
    assert card.startswith(f'<iframe src="{settings.SITE_URL}/ru/bills/{SLUG}/embed/"')
    assert 'title="Запрет «пропаганды ЛГБТ»"' in card
    assert f'<img src="{settings.SITE_URL}/ru/bills/{SLUG}/badge.svg"' in badge
    assert f'<a href="{settings.SITE_URL}/ru/bills/{SLUG}/">' in badge
    assert "<details" in body and "<script" not in body


@pytest.mark.parametrize("url", [EMBED, "/ru" + BADGE])
def test_from_the_page_cache_the_same_bytes_headers_and_304(
    client, kz_open, settings, django_assert_num_queries, url
):
    settings.WEB_CACHE_SECONDS = 300
    cache.clear()
    caches["pages"].clear()
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert csp(second)["frame-ancestors"] == "*" and "X-Frame-Options" not in second
    assert not second.cookies
    with django_assert_num_queries(0):
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    caches["pages"].clear()
