"""Pages, feeds and API answers go out compressed to clients that accept it (zstd, brotli or
gzip, by django-compression-middleware), and every answer carries the Permissions-Policy."""

from __future__ import annotations

import gzip

import brotli
import pytest
from django.test import Client

from tests.record import UNKNOWN, kz_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    return kz_record(senate_approved=UNKNOWN)


def _urls(record) -> list[str]:
    return [
        "/",
        "/bills/",
        f"/bills/{record.bill.slug}/",
        "/ru/bills/",
        "/feeds/changes.atom",
        f"/bills/{record.bill.slug}/changes.atom",
        "/feeds/deadlines.ics",
        "/api/v1/bills/",
        f"/api/v1/bills/{record.bill.slug}/",
    ]


@pytest.mark.parametrize(
    ("accept", "encoding", "decompress"),
    [("gzip", "gzip", gzip.decompress), ("gzip, deflate, br", "br", brotli.decompress)],
)
def test_compressed_when_the_client_accepts_it(record, accept, encoding, decompress):
    client = Client()
    for url in _urls(record):
        plain = client.get(url)
        packed = client.get(url, headers={"accept-encoding": accept})
        assert plain.status_code == packed.status_code == 200, url
        assert "Content-Encoding" not in plain, url
        assert packed["Content-Encoding"] == encoding, url
        assert "Accept-Encoding" in packed["Vary"], url
        assert len(packed.content) < len(plain.content), url
        body = decompress(packed.content)
        # The same document (a page's CSRF token is masked afresh in every answer).
        assert (
            body.split(b"csrfmiddlewaretoken")[0] == plain.content.split(b"csrfmiddlewaretoken")[0]
        )


def test_not_compressed_when_the_client_does_not_say_so(record):
    response = Client().get("/", headers={"accept-encoding": "identity"})
    assert "Content-Encoding" not in response


def test_a_revalidation_works_through_the_compressed_etag(record):
    client = Client()
    first = client.get("/api/v1/bills/", headers={"accept-encoding": "gzip"})
    # The middleware marks a compressed body's ETag weak (RFC 9110 §8.8.1); sent back, it
    # still matches.
    assert first["ETag"].startswith('W/"')
    again = client.get(
        "/api/v1/bills/", headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]}
    )
    assert again.status_code == 304


def test_every_answer_carries_a_deny_all_permissions_policy(record):
    client = Client()
    for url in [
        *_urls(record),
        "/api/v1/openapi.json",
        "/data/",
        "/nothing-here/",
        "/admin/login/",
    ]:
        policy = client.get(url)["Permissions-Policy"]
        features = dict(part.strip().split("=") for part in policy.split(","))
        assert features["camera"] == features["geolocation"] == features["microphone"] == "()"
        assert set(features.values()) == {"()"}, url


def test_the_admin_and_the_subscription_pages_stay_uncompressed(record):
    # BREACH: there an address or a token could share a body with a reflected search term.
    client = Client()
    for url in ("/admin/login/", "/ru/admin/login/", "/alerts/subscribe/sent/"):
        response = client.get(url, headers={"accept-encoding": "gzip, br"})
        assert "Content-Encoding" not in response, url
