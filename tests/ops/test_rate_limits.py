"""Rate limits on the subscribe form's POST and on the feeds: over the limit, 429 with a reason
and Retry-After; nothing stored from a refused request."""

from __future__ import annotations

import time
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core.cache import cache

from events.models import Subscription
from tests.ops.public_urls import public_urls
from tests.ops.records import build_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters(monkeypatch):
    # The limits count in fixed windows (a minute, an hour): a test whose requests straddled a
    # window's end would see the count start again. The clock stands still at a window's start.
    start = int(time.time()) // 3600 * 3600 + 1
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: start))
    cache.clear()
    yield
    cache.clear()


def test_subscribe_posts_are_limited_per_client(client, settings):
    settings.RATELIMIT_SUBSCRIBE = "3/m"
    bill = build_record().bill
    for number in range(3):
        response = client.post(
            "/alerts/subscribe/",
            {"email": f"person{number}@example.org", "bill": bill.slug, "language": "en"},
        )
        assert response.status_code in (200, 302, 400), response.status_code
    stored = Subscription.objects.count()
    refused = client.post(
        "/alerts/subscribe/", {"email": "fourth@example.org", "bill": bill.slug, "language": "en"}
    )
    assert refused.status_code == 429
    assert b"Too many requests" in refused.content
    assert int(refused["Retry-After"]) >= 1
    assert Subscription.objects.count() == stored
    assert not Subscription.objects.filter(email="fourth@example.org").exists()
    # Reading the form is not limited; another client is not limited.
    assert client.get("/alerts/subscribe/").status_code == 200
    other = client.post(
        "/alerts/subscribe/",
        {"email": "other@example.org", "bill": bill.slug, "language": "en"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code != 429


def test_feeds_are_limited_per_client(client, settings):
    settings.RATELIMIT_FEEDS = "5/m"
    bill = build_record().bill
    feeds = [
        url
        for url in public_urls(bill, ("en",))
        if url.endswith((".atom", ".ics")) and "/families/" not in url  # the bill has no family
    ]
    assert len(feeds) >= 4
    statuses = [client.get(feeds[n % len(feeds)]).status_code for n in range(5)]
    assert statuses == [200] * 5
    refused = client.get(feeds[0])
    assert refused.status_code == 429
    assert b"Too many requests" in refused.content
    # Pages are not feeds: still served.
    assert client.get(f"/bills/{bill.slug}/").status_code == 200


def test_behind_a_proxy_each_client_has_its_own_limit(client, settings):
    settings.RATELIMIT_FEEDS = "2/m"
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    build_record()
    for address in ("203.0.113.7", "203.0.113.8"):
        for _ in range(2):
            assert client.get("/feeds/changes.atom", HTTP_X_REAL_IP=address).status_code == 200
    assert client.get("/feeds/changes.atom", HTTP_X_REAL_IP="203.0.113.7").status_code == 429
    # A forged, malformed header falls back to the peer address: a limit, never a 500.
    statuses = {
        client.get("/feeds/changes.atom", HTTP_X_REAL_IP="not an address").status_code
        for _ in range(3)
    }
    assert statuses <= {200, 429} and 429 in statuses
