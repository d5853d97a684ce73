"""An organisation registers its webhook at /webhooks/: the secret is shown once (never cached
or compressed), private targets are refused, bad input changes nothing, posts are limited."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from events.models import Webhook
from events.webhooks import webhook_challenge
from tests.record import UNKNOWN, kz_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    return kz_record(senate_approved=UNKNOWN)


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _post(client: Client, **data):
    return client.post(
        "/webhooks/", {"owner_email": "ops@example.org", **data}, headers={"accept-encoding": "br"}
    )


def test_the_form_registers_a_pending_webhook_and_shows_its_secret_once(record, receiver, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # the receiver is on 127.0.0.1
    client = Client()
    assert client.get("/webhooks/").status_code == 200
    response = _post(client, target_url=receiver.url, bill=record.bill.slug)
    assert response.status_code == 200
    webhook = Webhook.objects.get()
    assert webhook.status == Webhook.Status.PENDING and webhook.bill == record.bill
    assert webhook.owner_email == "ops@example.org"
    page = response.content.decode()
    assert page.count(webhook.secret) == 1
    assert "no-store" in response["Cache-Control"]
    assert "Content-Encoding" not in response  # a secret beside reflected input: no BREACH
    # Then the challenge, as the task does it, makes it active.
    assert webhook_challenge(webhook_id=webhook.pk) == "active"


def test_a_russian_reader_registers_a_russian_webhook(record, receiver, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    response = Client().post(
        "/ru/webhooks/", {"owner_email": "ops@example.org", "target_url": receiver.url}
    )
    assert response.status_code == 200
    assert "Вебхук зарегистрирован" in response.content.decode()
    webhook = Webhook.objects.get()
    assert webhook.language == "ru" and webhook.bill is None and webhook.jurisdiction is None


@pytest.mark.parametrize(
    "data",
    [
        {"target_url": "http://127.0.0.1:9/hook"},  # private, with the setting off
        {"target_url": "http://169.254.169.254/latest/meta-data/"},
        {"target_url": "not a url"},
        {"target_url": "https://example.org/x", "owner_email": "not an address"},
        {"target_url": "https://example.org/x", "bill": "no-such-bill"},
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(record, data):
    response = _post(Client(), **data)
    assert response.status_code == 400
    assert not Webhook.objects.exists()
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "169.254.169.254/latest" not in page.split("<form")[0]  # not echoed in the message


def test_a_bill_and_a_jurisdiction_together_are_refused(record):
    response = _post(
        Client(),
        target_url="https://example.org/x",
        bill=record.bill.slug,
        jurisdiction=record.jurisdiction.code,
    )
    assert response.status_code == 400
    assert "neither (everything)" in response.content.decode()
    assert not Webhook.objects.exists()


def test_registrations_are_limited_per_client(record, settings):
    settings.RATELIMIT_SUBSCRIBE = "2/m"
    client = Client()
    for _ in range(2):
        _post(client, target_url="http://10.0.0.1/x")
    refused = _post(client, target_url="http://10.0.0.1/x")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert client.get("/webhooks/").status_code == 200
