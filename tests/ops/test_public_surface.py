"""What the public sees: security headers under the production settings on every public URL,
`check --deploy` clean, and no subscriber, internal event or staff member in any response."""

from __future__ import annotations

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from bills import services
from tests.ops.public_urls import has_placeholder, is_embeddable, public_urls
from tests.ops.records import (
    INTERNAL_TEXT,
    STAFF_NAMES,
    SUBSCRIBER_EMAIL,
    build_private_data,
    build_record,
)

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_MODULES = ("tracker.settings.base", "tracker.settings.production")
SECURITY_PREFIXES = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_")


def _production_env() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
        "DATABASE_URL": "postgres://tracker@127.0.0.1:5432/tracker",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp://127.0.0.1:1025",
        "DJANGO_CLIENT_IP_HEADER": "X-Forwarded-For",
    }


@pytest.fixture
def production_security(settings, monkeypatch):
    """The security settings of tracker.settings.production, applied to the test settings."""
    for name, value in _production_env().items():
        monkeypatch.setenv(name, value)
    # A fresh import of base too, as in a production process: it reads REDIS_URL etc.
    saved = {name: sys.modules.pop(name, None) for name in PRODUCTION_MODULES}
    try:
        production = importlib.import_module("tracker.settings.production")
    finally:
        sys.modules.update({name: mod for name, mod in saved.items() if mod is not None})
    for name in dir(production):
        if name.startswith(SECURITY_PREFIXES):
            setattr(settings, name, getattr(production, name))
    return production


@pytest.fixture
def record(db):
    bill = build_record().bill
    # In a family, so that the walk covers the family pages and feeds with the record's internal
    # note and staff edits in place.
    family, _ = services.family_upsert(slug="lgbt-propaganda", name="LGBT propaganda bans")
    services.bill_update(bill=bill, data={"family": family, "lineage": "Follows Russia's law."})
    build_private_data(bill)
    bill.refresh_from_db()
    return bill


def test_production_security_settings(production_security):
    assert production_security.DEBUG is False
    assert production_security.SECURE_SSL_REDIRECT is True
    assert production_security.SECURE_HSTS_SECONDS >= 31536000
    assert production_security.SESSION_COOKIE_SECURE is True
    assert production_security.CSRF_COOKIE_SECURE is True
    assert production_security.SESSION_COOKIE_HTTPONLY is True


def test_plain_http_is_redirected_to_https(record, production_security):
    response = Client().get("/", headers={"host": "testserver"})
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_every_public_response_carries_the_security_headers(record, production_security):
    client = Client()
    urls = public_urls(record)
    checked = embeddable = 0
    for url in urls:
        response = client.get(url, secure=True)
        if has_placeholder(url):
            assert response.status_code < 500, url
        else:
            assert response.status_code == 200, f"{url}: {response.status_code}"
        hsts = response["Strict-Transport-Security"]
        assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert "camera=()" in response["Permissions-Policy"], url
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp, url
        if is_embeddable(url):
            # Framed by other sites on purpose (web.views.embeddable), and so free of cookies.
            assert "X-Frame-Options" not in response, url
            assert "frame-ancestors *" in csp, url
            assert not response.cookies, url
            embeddable += 1
        else:
            assert response["X-Frame-Options"] == "DENY", url
            assert "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        for cookie in response.cookies.values():
            assert cookie["secure"], f"{url}: cookie {cookie.key} without Secure"
            assert cookie["samesite"], f"{url}: cookie {cookie.key} without SameSite"
        checked += 1
    assert checked >= 10
    assert embeddable == 6  # card and badge, in three languages


def test_the_csrf_cookie_is_secure_and_strict(record, production_security):
    client = Client()
    # A page with a form (the subscribe form) sets the CSRF cookie.
    response = client.get(f"/bills/{record.slug}/", secure=True)
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"


def test_no_public_response_reveals_private_data(record):
    client = Client()
    secrets_ = [SUBSCRIBER_EMAIL, SUBSCRIBER_EMAIL.split("@")[0], INTERNAL_TEXT, *STAFF_NAMES]
    secrets_.append("zhanar@staff.example")
    responses = 0
    for url in public_urls(record):
        response = client.get(url)
        if response.status_code >= 300:
            continue
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        for secret in secrets_:
            assert secret not in text, f"{url} reveals {secret!r}"
        responses += 1
    assert responses >= 10


def test_privacy_page_says_what_is_stored_and_for_how_long(record):
    text = Client().get("/privacy/").content.decode()
    for stored in ("e-mail address", "language", "one bill or a whole jurisdiction", "7 days"):
        assert stored in text


def test_check_deploy_is_clean_under_production_settings():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(_production_env(), DJANGO_SETTINGS_MODULE="tracker.settings.production")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_rotated_secret_key_still_verifies_links_already_mailed(settings):
    from django.core import signing

    settings.SECRET_KEY = "old-" + "k" * 60
    token = signing.dumps(42, salt="events.unsubscribe")
    settings.SECRET_KEY = "new-" + "n" * 60
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="events.unsubscribe")
    settings.SECRET_KEY_FALLBACKS = ["old-" + "k" * 60]
    assert signing.loads(token, salt="events.unsubscribe") == 42
