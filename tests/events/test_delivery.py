"""The outbox: one mail per delivery, never twice; retries with backoff; the sweeper."""

from __future__ import annotations

import datetime
import re
import socket

import pytest
from django.core import mail
from django.utils import timezone

from bills.models import Classification, SigningWindow
from events.alerts import deadlines_scan
from events.delivery import (
    LEASE,
    MAX_ATTEMPTS,
    MAX_RETRY_DELAY,
    SWEEP_GRACE,
    delivery_send,
    outbox_due,
    retry_delay,
)
from events.models import Delivery, Subscription
from events.tasks import send_delivery, sweep_outbox
from events.tokens import subscription_from_unsubscribe_token
from tests.events.fixtures import D, subscribe
from tests.record import KzRecord, act, approve


@pytest.fixture
def delivery(kz_record: KzRecord) -> Delivery:
    """One pending delivery: the '3 days' alert of the KZ window to one confirmed subscriber."""
    approve(kz_record, D(2025, 12, 18))
    subscribe("reader@example.org", bill=kz_record.bill, language="ru")
    deadlines_scan(as_of=D(2026, 1, 15))
    return Delivery.objects.get(alert__window__isnull=False)


@pytest.fixture
def smtp_down(settings):
    """SMTP to a local port nothing listens on: a real connection failure."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    return settings


def test_sends_one_mail_with_list_headers_in_the_subscribers_language(delivery):
    assert delivery_send(delivery_id=delivery.pk).status == "sent"
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    # A random Message-ID, chosen once for the delivery: no row id in it.
    delivery.refresh_from_db()
    assert message.extra_headers["Message-ID"] == delivery.message_id
    assert re.fullmatch(r"<[^@<>]+@127\.0\.0\.1>", delivery.message_id)
    assert f"-{delivery.pk}@" not in delivery.message_id
    # The link's token names this subscription (and nothing else: no id, no address).
    prefix = "http://127.0.0.1:8000/ru/alerts/unsubscribe/"
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith(f"<{prefix}") and header.endswith("/>")
    unsubscribe = header[1:-1]
    token = unsubscribe.removeprefix(prefix).rstrip("/")
    assert subscription_from_unsubscribe_token(token) == delivery.subscription
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Content-Language"] == "ru"
    assert unsubscribe in message.body
    assert "/ru/bills/kz-lgbt-propaganda-ban/" in message.body
    assert "2026-01-18" in message.body and "2026-01-28" in message.body
    # The rendered message carries the headers as sent.
    raw = message.message()
    assert raw["Message-ID"] == delivery.message_id
    assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert delivery.sent_at is not None


def test_never_sends_a_sent_delivery_twice(delivery):
    assert delivery_send(delivery_id=delivery.pk).status == "sent"
    later = timezone.now() + datetime.timedelta(days=1)
    assert delivery_send(delivery_id=delivery.pk, now=later).status == "skipped"
    assert send_delivery.apply(args=(delivery.pk,)).get() == {"skipped": 1}
    assert len(mail.outbox) == 1


def test_a_claimed_delivery_is_not_sent_by_a_second_worker_during_its_lease(delivery):
    from events.delivery import _claim

    now = timezone.now()
    assert _claim([delivery.pk], now) == [delivery.pk]  # worker A is sending
    assert delivery_send(delivery_id=delivery.pk, now=now).status == "skipped"  # worker B
    assert mail.outbox == []
    # Worker A died: after the lease, the delivery is due again.
    assert delivery.pk in outbox_due(now=now + LEASE + datetime.timedelta(seconds=1))


def test_smtp_failure_is_retried_with_backoff_then_given_up(delivery, smtp_down):
    now = timezone.now()
    outcome = delivery_send(delivery_id=delivery.pk, now=now)
    assert outcome.status == "retry" and outcome.retry_in == datetime.timedelta(minutes=1)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error == "ConnectionRefusedError"
    assert "@" not in delivery.last_error
    assert delivery.next_attempt_at == now + datetime.timedelta(minutes=1)
    # Not due yet: a redelivered task does nothing.
    assert delivery_send(delivery_id=delivery.pk, now=now).status == "skipped"
    for _attempt in range(2, MAX_ATTEMPTS + 1):
        delivery.refresh_from_db()
        now = delivery.next_attempt_at
        outcome = delivery_send(delivery_id=delivery.pk, now=now)
    assert outcome.status == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, MAX_ATTEMPTS)


def test_retry_after_a_failure_sends_once_smtp_is_back(delivery, smtp_down, settings):
    now = timezone.now()
    assert delivery_send(delivery_id=delivery.pk, now=now).status == "retry"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = now + datetime.timedelta(minutes=1)
    assert delivery_send(delivery_id=delivery.pk, now=later).status == "sent"
    assert len(mail.outbox) == 1


def test_backoff_never_exceeds_the_visibility_timeout():
    delays = [retry_delay(n) for n in range(1, 20)]
    assert delays[:3] == [datetime.timedelta(minutes=m) for m in (1, 2, 4)]
    assert max(delays) == MAX_RETRY_DELAY < datetime.timedelta(seconds=3600)


def test_unsubscribed_before_sending_cancels(delivery):
    Subscription.objects.filter(pk=delivery.subscription_id).update(status="unsubscribed")
    assert delivery_send(delivery_id=delivery.pk).status == "cancelled"
    assert mail.outbox == []
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.CANCELLED


# --- The sweeper ------------------------------------------------------------------------------


def test_sweeper_finds_deliveries_whose_publish_was_lost(delivery):
    now = timezone.now()
    assert outbox_due(now=now) == []  # fresh: left to the task enqueued on commit
    assert outbox_due(now=now + SWEEP_GRACE + datetime.timedelta(seconds=1)) == [delivery.pk]


def test_sweeper_task_sends_what_is_due_once(delivery, eager):
    Delivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - SWEEP_GRACE - datetime.timedelta(minutes=1)
    )
    assert sweep_outbox.apply().get() == 1
    assert len(mail.outbox) == 1
    assert sweep_outbox.apply().get() == 0
    assert len(mail.outbox) == 1


def test_sweeper_ignores_sent_failed_and_cancelled(delivery):
    later = timezone.now() + datetime.timedelta(days=1)
    for status in ("sent", "failed", "cancelled"):
        Delivery.objects.filter(pk=delivery.pk).update(status=status, sent_at=timezone.now())
        assert outbox_due(now=later) == []


def test_closing_the_window_does_not_cancel_a_raised_alert(delivery, kz_record):
    """The alert was true when raised; its mail still goes (it states the dates)."""
    act(kz_record, Classification.EXECUTIVE_SIGNATURE, D(2026, 1, 16))
    assert SigningWindow.objects.get(bill=kz_record.bill).status == "signed"
    assert delivery_send(delivery_id=delivery.pk).status == "sent"


def test_a_delivery_claimed_too_often_without_finishing_is_given_up(delivery):
    """Workers that die mid-send do not make a delivery circulate for ever."""
    from events.delivery import _claim

    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        assert _claim([delivery.pk], now) == [delivery.pk]
        now += LEASE + datetime.timedelta(seconds=1)
    assert delivery_send(delivery_id=delivery.pk, now=now).status == "failed"
    assert mail.outbox == []
    assert outbox_due(now=now + datetime.timedelta(days=1)) == []


def test_overdue_mail_states_the_lapse_effect(kz_record):
    approve(kz_record, D(2025, 12, 18))
    subscribe("reader@example.org", bill=kz_record.bill)
    deadlines_scan(as_of=D(2026, 2, 1))
    overdue = Delivery.objects.get(alert__kind="window-overdue")
    assert delivery_send(delivery_id=overdue.pk).status == "sent"
    [message] = mail.outbox
    assert message.subject == "LGBT propaganda ban: the signing deadline has passed"
    assert "2026-01-28, has passed" in message.body
    assert "when the time runs out: no legal effect." in message.body


def test_new_action_mail_states_the_window_it_opened_or_fixed(kz_record):
    subscribe("reader@example.org", bill=kz_record.bill)
    approve(kz_record, D(2025, 12, 18))
    assert delivery_send(delivery_id=Delivery.objects.get().pk).status == "sent"
    act(kz_record, Classification.EXECUTIVE_RECEIPT, D(2025, 12, 22))
    receipt_delivery = Delivery.objects.get(status="pending")
    assert delivery_send(delivery_id=receipt_delivery.pk).status == "sent"
    approval, receipt = mail.outbox
    assert "New on the record: passed." in approval.body
    assert "closes no earlier than 2026-01-18 and no later than 2026-01-28" in approval.body
    assert "must sign or return the bill by 2026-01-22" in receipt.body


def test_mail_subjects_are_plain_text_not_html_escaped(kz_record):
    from bills import services

    services.bill_update(
        bill=kz_record.bill, data={"short_title": 'Kazakhstan "LGBT propaganda" ban'}
    )
    subscribe("reader@example.org", bill=kz_record.bill)
    approve(kz_record, D(2025, 12, 18))
    delivery = Delivery.objects.get(
        alert__kind="new-action", alert__event__classification="passage"
    )
    assert delivery_send(delivery_id=delivery.pk).status == "sent"
    [message] = mail.outbox
    assert message.subject == 'Kazakhstan "LGBT propaganda" ban: passed'
    assert "&quot;" not in message.subject and "&quot;" not in message.body
