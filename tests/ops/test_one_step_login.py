"""The admin's login takes password and code in one submit (tracker/admin_login.py), and the
authenticator app shows whose code it is (the otpauth URI's issuer)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        "editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


def _submit(client, token: str):
    return client.post(
        "/admin/login/",
        {"username": "editor", "password": PASSWORD, "otp_token": token, "next": "/admin/"},
    )


def test_password_and_code_in_one_submit_open_the_admin(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    response = _submit(client, f"{totp(device.bin_key):06d}")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_backup_code_works_in_one_submit_next_to_an_authenticator(client, staff):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    backup = StaticDevice.objects.create(user=staff, name="backup", confirmed=True)
    backup.token_set.create(token="k7m2q9xw")
    response = _submit(client, "k7m2q9xw")
    assert response.status_code == 302
    assert not backup.token_set.exists()  # used once


def test_a_wrong_code_still_fails_and_the_password_is_not_written_back(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    wrong = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"
    response = _submit(client, wrong)
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302
    assert PASSWORD not in response.content.decode()


def test_the_otpauth_uri_names_the_site_as_issuer(staff, settings):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    query = parse_qs(urlparse(device.config_url).query)
    assert query["issuer"] == [settings.OTP_TOTP_ISSUER]
    assert settings.OTP_TOTP_ISSUER.startswith("Bill tracker (")
    assert "Bill%20tracker" in device.config_url.split("?")[0]  # the label, too
