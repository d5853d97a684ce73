"""The admin: password plus a TOTP code from an enrolled device (django-otp), and a lockout after
repeated failed logins (django-axes)."""

from __future__ import annotations

import base64
import re
from io import StringIO
from urllib.parse import parse_qs, urlparse

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        "editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


def _enrol(username: str) -> bytes:
    """Enrol through the management command; return the key from the printed otpauth URI."""
    out = StringIO()
    call_command("totp_enroll", username, stdout=out)
    uri = re.search(r"otpauth://\S+", out.getvalue()).group(0)
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    device = TOTPDevice.objects.get(user__username=username)
    assert device.confirmed
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    return device.bin_key


def _login(client, *, password: str = PASSWORD, token: str | None = None, device=None):
    data = {"username": "editor", "password": password, "next": "/admin/"}
    if token is not None:
        data["otp_token"] = token
        data["otp_device"] = device.persistent_id
    return client.post("/admin/login/", data)


def test_password_alone_does_not_open_the_admin(client, staff):
    _enrol("editor")
    response = _login(client)
    assert response.status_code == 200  # the login form again, with an error
    assert client.get("/admin/").status_code == 302
    assert "/admin/login/" in client.get("/admin/")["Location"]


def test_a_wrong_code_does_not_open_the_admin(client, staff):
    key = _enrol("editor")
    device = TOTPDevice.objects.get()
    wrong = f"{(totp(key) + 500_000) % 1_000_000:06d}"
    _login(client, token=wrong, device=device)
    assert client.get("/admin/").status_code == 302


def test_password_and_a_real_totp_code_open_the_admin(client, staff):
    key = _enrol("editor")
    device = TOTPDevice.objects.get()
    response = _login(client, token=f"{totp(key):06d}", device=device)
    assert response.status_code == 302, response.content[:2000]
    page = client.get("/admin/")
    assert page.status_code == 200
    assert b"Site administration" in page.content


def test_a_logged_in_user_without_a_device_is_not_let_in(client, staff):
    client.force_login(staff)  # authenticated, but not verified by any device
    assert client.get("/admin/").status_code == 302


def test_repeated_failed_logins_lock_the_account_out(client, staff, settings):
    key = _enrol("editor")
    device = TOTPDevice.objects.get()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, password="wrong password").status_code == 200
    # The failure that reaches the limit is answered with the lockout.
    assert _login(client, password="wrong password").status_code == 429
    locked = _login(client, token=f"{totp(key):06d}", device=device)
    assert locked.status_code == 429
    # Even the right password and code are refused while locked out.
    assert client.get("/admin/").status_code == 302
    assert AccessAttempt.objects.filter(username="editor").exists()


def test_a_stranger_cannot_lock_an_admin_out_from_elsewhere(client, staff, settings):
    """Behind the proxy, the lockout keys on the admin's name and the client's own address
    (web.ratelimit.client_ip), not on the proxy's address, which every visitor shares."""
    settings.CLIENT_IP_HEADER, settings.TRUSTED_PROXIES = "X-Forwarded-For", 1
    key = _enrol("editor")
    device = TOTPDevice.objects.get()
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        client.post(
            "/admin/login/",
            {"username": "editor", "password": "guess", "next": "/admin/"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.66",
        )
    assert AccessAttempt.objects.get(username="editor").ip_address == "203.0.113.66"
    response = client.post(
        "/admin/login/",
        {
            "username": "editor",
            "password": PASSWORD,
            "otp_token": f"{totp(key):06d}",
            "otp_device": device.persistent_id,
            "next": "/admin/",
        },
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert response.status_code == 302, response.content[:1000]
    assert client.get("/admin/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_enrol_command_refuses_unknown_and_non_staff_users(staff):
    get_user_model().objects.create_user("reader", password=PASSWORD)
    with pytest.raises(CommandError, match="no user"):
        call_command("totp_enroll", "nobody")
    with pytest.raises(CommandError, match="not staff"):
        call_command("totp_enroll", "reader")
    _enrol("editor")
    with pytest.raises(CommandError, match="already has a device"):
        call_command("totp_enroll", "editor", stdout=StringIO())
    call_command("totp_enroll", "editor", "--replace", stdout=StringIO())
    assert TOTPDevice.objects.filter(user=staff).count() == 1
