"""The JSON API: every endpoint's content, filters, pagination, 304 on a repeated request, 429
under a burst, CORS for GET, and never an internal event, a subscriber or a staff name."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from bills import services, timeline
from bills.models import Classification
from tests.events.factories import SubscriptionFactory
from tests.record import INTERNAL_TEXT, act, bill_at, kz_record
from web.data import FILES

pytestmark = pytest.mark.django_db
D = datetime.date
SUBSCRIBER = "hidden.reader@example.org"
STAFF = ("editor-aigerim", "Aigerim", "Staffova")


@pytest.fixture
def record():
    record = kz_record(senate_approved=timezone.localdate() - datetime.timedelta(days=5))
    timeline.vote_update(
        vote=record.vote,
        data={"unanimous": False, "yes_count": 2, "no_count": 0},
        member_votes=[("Deputy A", "yes"), ("Deputy B", "yes")],
    )
    SubscriptionFactory(email=SUBSCRIBER, bill=record.bill)
    username, first, last = STAFF
    staff = get_user_model().objects.create_user(
        username, first_name=first, last_name=last, is_staff=True
    )
    record.bill._history_user = staff
    services.bill_update(bill=record.bill, data={"summary": record.bill.summary + " (edited)"})
    return record


def get(path: str, **headers):
    return Client().get(path, **headers)


def test_jurisdictions_with_chambers_executive_and_rule_in_force(record):
    data = get("/api/v1/jurisdictions/").json()
    kz = next(j for j in data if j["code"] == "KZ")
    assert kz["name"] == {"en": "Kazakhstan", "ru": "Казахстан", "kk": "Қазақстан"}
    assert kz["executive_title"]["en"] == "President"
    assert {c["classification"] for c in kz["chambers"]} == {"lower", "upper"}
    assert kz["signing_rule"]["code"] == "KZ"
    assert [s["unit"] for s in kz["signing_rule"]["steps"]] == ["calendar-days", "calendar-months"]
    assert get("/api/v1/jurisdictions/KZ/").json()["code"] == "KZ"
    assert get("/api/v1/jurisdictions/XX/").status_code == 404


def test_bill_detail_has_timeline_with_sources_votes_windows_and_subjects(record):
    data = get(f"/api/v1/bills/{record.bill.slug}/").json()
    assert data["status"] == "awaiting-signature"
    assert data["title"]["en"] == record.bill.title
    assert [s["slug"] for s in data["subjects"]] == ["lgbtqi-rights"]
    classifications = [e["classification"] for e in data["timeline"]]
    assert classifications == ["introduction", "passage", "statement", "passage"]
    passage = data["timeline"][1]
    assert passage["id"] == str(record.passage.public_id)
    assert passage["sources"][0]["publisher"] == "CIVICUS"
    assert passage["vote"]["yes_count"] == 2
    assert {m["member_name"] for m in passage["vote"]["member_votes"]} == {"Deputy A", "Deputy B"}
    [window] = data["windows"]
    assert window["status"] == "open" and window["rule"] == "KZ"
    assert window["closes_earliest"] <= window["closes_latest"]
    assert data["open_window"]["closes_earliest"] == window["closes_earliest"]
    assert get("/api/v1/bills/no-such-bill/").status_code == 404


def test_bill_list_filters_search_and_pages(record):
    for n in range(3):
        bill_at(record, "enacted", slug=f"enacted-{n}")
    listed = get("/api/v1/bills/", QUERY_STRING="status=enacted&page_size=2").json()
    assert listed["count"] == 3 and len(listed["results"]) == 2 and listed["next"]
    second = get("/api/v1/bills/", QUERY_STRING="status=enacted&page_size=2&page=2").json()
    assert len(second["results"]) == 1
    assert {b["status"] for b in listed["results"] + second["results"]} == {"enacted"}
    found = get("/api/v1/bills/", QUERY_STRING="q=propaganda").json()
    assert [b["slug"] for b in found["results"]] == [record.bill.slug]
    closing = get("/api/v1/bills/", QUERY_STRING="closing_within=60").json()
    assert [b["slug"] for b in closing["results"]] == [record.bill.slug]
    bad = get("/api/v1/bills/", QUERY_STRING="status=nonsense")
    assert bad.status_code == 400 and "status" in bad.json()


def test_signing_rules_and_open_windows(record):
    rules = get("/api/v1/signing-rules/").json()
    assert {r["code"] for r in rules} >= {"KZ", "RU", "US", "US-CA"}
    kz = get("/api/v1/signing-rules/KZ/").json()
    assert kz["legal_source"] and kz["steps"][0]["ends_with_receipt"] is True
    other = bill_at(
        record,
        "awaiting-signature",
        slug="older",
        acted_on=timezone.localdate() - datetime.timedelta(days=20),
    )
    windows = get("/api/v1/windows/open/").json()["results"]
    assert [w["bill"] for w in windows] == [other.slug, record.bill.slug]  # soonest first


def test_changes_since_lists_the_bills_whose_public_record_changed(record):
    since = timezone.now()
    other = bill_at(record, "introduced", slug="quiet")
    quiet = get("/api/v1/changes/", QUERY_STRING=f"since={timezone.now().isoformat()}").json()
    # An internal note changes nothing the public can see: not listed.
    timeline.event_record(
        bill=other, classification=Classification.OTHER, description="staff", visibility="internal"
    )
    after = get("/api/v1/changes/", QUERY_STRING=f"since={quiet['until']}").json()
    assert after["bills"] == []
    act(record, Classification.EXECUTIVE_SIGNATURE, timezone.localdate())
    changed = get("/api/v1/changes/", QUERY_STRING=f"since={after['until']}").json()
    assert [b["slug"] for b in changed["bills"]] == [record.bill.slug]
    assert changed["bills"][0]["api_url"].endswith(f"/api/v1/bills/{record.bill.slug}/")
    everything = get("/api/v1/changes/", QUERY_STRING=f"since={since.isoformat()}").json()
    assert {b["slug"] for b in everything["bills"]} == {record.bill.slug, "quiet"}
    services.bill_delete(bill=other)
    deleted = get("/api/v1/changes/", QUERY_STRING=f"since={changed['until']}").json()
    assert deleted["bills"] == [
        {
            "slug": "quiet",
            "changed_at": deleted["bills"][0]["changed_at"],
            "deleted": True,
            "api_url": None,
        }
    ]
    for bad in ("", "yesterday", "2026-13-45T00:00:00Z"):
        response = get("/api/v1/changes/", QUERY_STRING=f"since={bad}")
        assert response.status_code == 400 and "since" in response.json()


def test_a_repeated_request_gets_304(record):
    for path in ("/api/v1/bills/", f"/api/v1/bills/{record.bill.slug}/", "/api/v1/jurisdictions/"):
        first = get(path)
        assert first.status_code == 200 and first["ETag"]
        again = get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, path
        assert again.content == b""
    detail = get(f"/api/v1/bills/{record.bill.slug}/")
    since = get(
        f"/api/v1/bills/{record.bill.slug}/", HTTP_IF_MODIFIED_SINCE=detail["Last-Modified"]
    )
    assert since.status_code == 304


def test_a_burst_gets_429_with_retry_after(record, settings):
    from django.core.cache import cache

    settings.RATELIMIT_API = "3/m"
    cache.clear()  # the requests of other tests
    client = Client()
    statuses = [client.get("/api/v1/signing-rules/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/signing-rules/")
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"]


def test_cors_open_for_get_and_nothing_else(record):
    answer = get("/api/v1/bills/", HTTP_ORIGIN="https://news.example")
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in answer
    preflight = Client().options(
        "/api/v1/bills/",
        HTTP_ORIGIN="https://news.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "POST" not in preflight.get("Access-Control-Allow-Methods", "")
    assert Client().post("/api/v1/bills/", {}).status_code == 405
    page = get("/bills/", HTTP_ORIGIN="https://news.example")
    assert "Access-Control-Allow-Origin" not in page  # the site's pages are not shared


def test_no_endpoint_shows_an_internal_event_a_subscriber_or_a_staff_name(record):
    from web.api.docs import endpoints

    paths = set()
    for endpoint in endpoints():
        path = endpoint["path"]
        if any(p["required"] and p["where"] == "query" for p in endpoint["parameters"]):
            continue  # /changes/ needs `since`: added below
        paths.add(path.replace("{code}", "KZ").replace("{slug}", record.bill.slug))
    paths.add(f"/api/v1/changes/?since={(timezone.now() - datetime.timedelta(days=1)).isoformat()}")
    paths |= {"/api/v1/openapi.json", "/api/v1/", "/data/", *(f"/data/{n}" for n in FILES)}
    assert len(paths) >= 17
    for path in sorted(paths):
        if "?" in path:
            base, query = path.split("?", 1)
            response = get(base, QUERY_STRING=query.replace("+", "%2B"))
        else:
            response = get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        for secret in (INTERNAL_TEXT, SUBSCRIBER, *STAFF, str(record.internal.public_id)):
            assert secret not in text, (path, secret)


def test_the_openapi_document_and_its_page(record):
    schema = get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/bills/{slug}/" in schema["paths"]
    page = get("/api/v1/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/changes/" in html and "<script" not in html
    assert D(2025, 1, 1)  # dates in the record are plain ISO dates
