"""The page cache: cached fragments until the record changes; CSRF-bearing parts never cached."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache, caches
from django.test import Client

from bills import services
from bills.models import Classification, Visibility
from tests.bills.factories import EventFactory
from tests.record import source
from tests.web.conftest import INTERNAL_TEXT
from web import page_cache

pytestmark = pytest.mark.django_db

DETAIL = "/bills/kz-lgbt-propaganda-ban/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.WEB_CACHE_SECONDS = 300
    cache.clear()
    caches["pages"].clear()
    yield
    cache.clear()
    caches["pages"].clear()


def _count(client, url, django_assert_max_num_queries) -> tuple[int, str]:
    with django_assert_max_num_queries(10) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize(
    ("url", "cached_queries"),
    [("/", 0), ("/bills/?status=awaiting-signature", 0), (DETAIL, 0), ("/ru" + DETAIL, 0)],
)
def test_second_view_is_served_from_the_cache(
    client, kz_open, django_assert_max_num_queries, url, cached_queries
):
    first, first_body = _count(client, url, django_assert_max_num_queries)
    second, second_body = _count(client, url, django_assert_max_num_queries)
    assert first > cached_queries
    assert second == cached_queries
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", first_body) == strip.sub("", second_body)


def test_a_change_to_the_record_shows_at_once(client, kz_open, django_capture_on_commit_callbacks):
    assert "Press conference after the vote" not in client.get(DETAIL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(
            bill=kz_open.bill,
            order=10,
            classification=Classification.PRESS_CONFERENCE,
            description="Press conference after the vote",
        )
    assert "Press conference after the vote" in client.get(DETAIL).content.decode()
    # An internal event changes the version too, but never appears.
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(
            bill=kz_open.bill,
            order=11,
            description=INTERNAL_TEXT + " (2)",
            visibility=Visibility.INTERNAL,
        )
    assert INTERNAL_TEXT not in client.get(DETAIL).content.decode()


def test_a_deleted_bill_is_gone_at_once(client, kz_open, django_capture_on_commit_callbacks):
    assert client.get(DETAIL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        kz_open.bill.delete()
    assert client.get(DETAIL).status_code == 404


def test_the_version_is_kept_in_process_for_a_moment(
    client, kz_open, settings, monkeypatch, django_assert_max_num_queries
):
    clock = [1000.0]
    monkeypatch.setattr(page_cache, "_monotonic", lambda: clock[0])
    settings.WEB_VERSION_MEMO_SECONDS = 1
    page_cache._remember(None)
    assert _count(client, DETAIL, django_assert_max_num_queries)[0] > 0
    # Another process starts a new version: within the second, this one serves what it has.
    cache.set(page_cache.VERSION_KEY, "another-process", timeout=None)
    clock[0] += 0.5
    assert _count(client, DETAIL, django_assert_max_num_queries)[0] == 0
    # After it, the page is rendered under the new version.
    clock[0] += 0.6
    assert _count(client, DETAIL, django_assert_max_num_queries)[0] > 0
    assert page_cache.record_version() == "another-process"


def test_this_process_own_edit_shows_at_once_under_the_memo(
    client, kz_open, settings, django_capture_on_commit_callbacks
):
    settings.WEB_VERSION_MEMO_SECONDS = 60
    page_cache._remember(None)
    before = page_cache.record_version()
    assert "Bulk-renamed" not in client.get(DETAIL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.bill_update(bill=kz_open.bill, data={"short_title": "Bulk-renamed"})
    assert page_cache.record_version() != before
    assert "Bulk-renamed" in client.get(DETAIL).content.decode()


def test_languages_are_cached_apart(client, kz_open):
    assert "Signing window" in client.get(DETAIL).content.decode()
    assert "Срок подписания" in client.get("/ru" + DETAIL).content.decode()
    assert "Signing window" in client.get(DETAIL).content.decode()


def test_each_visitor_gets_a_working_csrf_token_from_a_cached_page(client, kz_open):
    client.get(DETAIL)  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    body = visitor.get(DETAIL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    response = visitor.post(
        "/i18n/setlang/", {"language": "ru", "next": DETAIL, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ru" + DETAIL


def test_pages_are_kept_in_process_memory_and_only_the_version_is_shared(client, kz_open):
    client.get(DETAIL)
    client.get("/bills/?q=anything-at-all")
    shared_keys = [key for key in cache._cache if "web:page:" in key]
    local_keys = [key for key in caches["pages"]._cache if "web:page:" in key]
    assert shared_keys == []
    assert len(local_keys) == 2


@pytest.mark.parametrize("url", ["/", "/bills/", DETAIL, "/ru" + DETAIL])
def test_a_repeated_request_gets_a_304(client, kz_open, url):
    first = client.get(url)
    assert first.status_code == 200
    assert "Last-Modified" in first and "ETag" in first
    assert set(first["Cache-Control"].split(", ")) == {"private", "no-cache"}

    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304
    assert by_date.content == b""
    by_tag = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert by_tag.status_code == 304
    # The copy the browser keeps holds its token: only a copy fetched with the same CSRF cookie
    # is revalidated (web.page_cache).
    assert "Cookie" in by_tag["Vary"]


def test_a_change_to_the_record_answers_a_revalidation_with_a_fresh_200(
    client, kz_open, django_capture_on_commit_callbacks, monkeypatch
):
    first = client.get(DETAIL)
    later = page_cache._now() + 5
    monkeypatch.setattr(page_cache, "_now", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(
            bill=kz_open.bill,
            order=10,
            classification=Classification.PRESS_CONFERENCE,
            description="Press conference after the vote",
        )
    for validator in (
        {"If-Modified-Since": first["Last-Modified"]},
        {"If-None-Match": first["ETag"]},
    ):
        again = client.get(DETAIL, headers=validator)
        assert again.status_code == 200, validator
        assert "Press conference after the vote" in again.content.decode()
        assert again["Last-Modified"] != first["Last-Modified"]
        assert again["ETag"] != first["ETag"]


def test_an_internal_edit_changes_no_etag(client, kz_open, django_capture_on_commit_callbacks):
    first = client.get(DETAIL)
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(
            bill=kz_open.bill, order=11, description=INTERNAL_TEXT, visibility=Visibility.INTERNAL
        )
    assert client.get(DETAIL, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_a_change_to_a_family_shows_at_once(
    client, family_record, django_capture_on_commit_callbacks
):
    """Families are not among the backup's models, but their pages are cached like the rest:
    a new name, or a source added to a bill's lineage, starts a new record version."""
    page = "/families/lgbt-propaganda/"
    assert "Propaganda laws, renamed" not in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.family_update(
            family=family_record.family, data={"name": "Propaganda laws, renamed"}
        )
    assert "Propaganda laws, renamed" in client.get(page).content.decode()
    added = source("Another lineage source", publisher="Lineage Weekly")
    with django_capture_on_commit_callbacks(execute=True):
        services.bill_update(
            bill=family_record.kz.bill,
            data={"lineage_sources": [family_record.lineage_source, added]},
        )
    assert "Lineage Weekly" in client.get(page).content.decode()


API_LIST = "/api/v1/bills/"
API_DETAIL = "/api/v1/bills/kz-lgbt-propaganda-ban/"


@pytest.mark.parametrize("url", [API_LIST, API_LIST + "?status=awaiting-signature", API_DETAIL])
def test_api_answers_are_kept_until_the_record_changes(
    client, kz_open, django_assert_max_num_queries, django_capture_on_commit_callbacks, url
):
    def count() -> tuple[int, str]:
        with django_assert_max_num_queries(20) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries), response.content.decode()

    first, first_body = count()
    second, second_body = count()
    assert first > 0 and second == 0
    assert second_body == first_body
    with django_capture_on_commit_callbacks(execute=True):
        services.bill_update(bill=kz_open.bill, data={"title": "A renamed bill"})
    third, third_body = count()
    assert third > 0 and "A renamed bill" in third_body


def test_a_kept_api_answer_keeps_its_validators_and_answers_a_304(client, kz_open):
    first = client.get(API_DETAIL)
    kept = client.get(API_DETAIL)
    assert kept["ETag"] == first["ETag"] and kept["Last-Modified"] == first["Last-Modified"]
    assert kept["Content-Type"] == first["Content-Type"] == "application/json"
    assert client.get(API_DETAIL, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_kept_api_answers_are_still_rate_limited(client, kz_open, settings):
    settings.RATELIMIT_API = "2/m"
    statuses = [client.get(API_LIST).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_a_bad_api_request_is_never_kept(client, kz_open):
    assert client.get(API_LIST + "?page_size=0").status_code == 400
    assert client.get(API_LIST + "?page_size=0").status_code == 400
    assert not [key for key in caches["pages"]._cache if "web:api:" in key]
