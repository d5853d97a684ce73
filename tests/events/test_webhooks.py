"""Webhooks through the outbox, against a real local HTTP receiver (tests/events/receiver.py):
the challenge before anything is sent, signed JSON, a retry after the receiver fails, no second
delivery after a success, disabling after repeated failures (the owner is mailed), and the
refusal of private targets while settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS is off."""

from __future__ import annotations

import datetime
import io
import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from events.alerts import deadlines_scan
from events.delivery import MAX_ATTEMPTS, SWEEP_GRACE, delivery_send, outbox_due
from events.models import Alert, Delivery, Webhook
from events.tasks import sweep_outbox
from events.webhook_mail import webhook_disabled_notice_send
from events.webhooks import (
    ChallengeFailed,
    target_resolve,
    webhook_challenge,
    webhook_register,
)
from tests.events import receiver as local
from tests.events.factories import WebhookFactory
from tests.events.fixtures import D, subscribe
from tests.record import KzRecord, act, approve


@pytest.fixture
def allow_local(settings):
    """The local receiver is on 127.0.0.1: allowed only because this test says so."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    return settings


def active_webhook(receiver, **scope) -> Webhook:
    """Registered as an organisation does it, then confirmed by answering the challenge."""
    webhook = webhook_register(owner_email="Ops@Example.org", target_url=receiver.url, **scope)
    assert webhook.status == Webhook.Status.PENDING
    assert webhook_challenge(webhook_id=webhook.pk) == "active"
    webhook.refresh_from_db()
    return webhook


def test_the_challenge_confirms_the_url_before_anything_is_sent(kz_record, receiver, allow_local):
    webhook = webhook_register(
        owner_email="ops@example.org", target_url=receiver.url, bill=kz_record.bill
    )
    # Pending: an alert now reaches nobody through it.
    approve(kz_record, D(2025, 12, 18))
    assert not Delivery.objects.filter(webhook=webhook).exists()
    assert receiver.requests == []

    assert webhook_challenge(webhook_id=webhook.pk) == "active"
    [challenge] = receiver.requests
    assert challenge.json["type"] == "challenge" and len(challenge.json["challenge"]) >= 32
    assert challenge.headers["X-Tracker-Event"] == "challenge"
    assert challenge.signed_by(webhook.secret)
    assert challenge.path == "/hooks/tracker"
    webhook.refresh_from_db()
    assert webhook.status == Webhook.Status.ACTIVE and webhook.confirmed_at is not None
    # Run twice (a redelivered task): nothing more.
    assert webhook_challenge(webhook_id=webhook.pk) == "nothing to do"
    assert len(receiver.requests) == 1


def test_a_url_that_does_not_echo_the_challenge_stays_pending(kz_record, receiver, allow_local):
    receiver.echo_challenge = False
    webhook = webhook_register(owner_email="ops@example.org", target_url=receiver.url)
    with pytest.raises(ChallengeFailed, match="no echo"):
        webhook_challenge(webhook_id=webhook.pk)
    webhook.refresh_from_db()
    assert (webhook.status, webhook.challenge_attempts) == (Webhook.Status.PENDING, 1)


def test_an_alert_is_posted_signed_retried_after_a_failure_and_never_twice(
    kz_record: KzRecord, receiver, allow_local, caplog
):
    caplog.set_level(logging.DEBUG)
    webhook = active_webhook(receiver, bill=kz_record.bill)
    receiver.statuses = [500]  # the receiver fails once, then accepts
    approve(kz_record, D(2025, 12, 18))  # the Senate's approval: a 'new action' alert
    delivery = Delivery.objects.get(webhook=webhook, alert__kind=Alert.Kind.NEW_ACTION)
    assert delivery.subscription is None and delivery.alert.kind == Alert.Kind.NEW_ACTION

    now = timezone.now()
    outcome = delivery_send(delivery_id=delivery.pk, now=now)
    assert outcome.status == "retry" and outcome.retry_in == datetime.timedelta(minutes=1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 500")
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 1
    # Not due yet: nothing is sent before the backoff has passed.
    assert delivery_send(delivery_id=delivery.pk, now=now).status == "skipped"
    assert len(receiver.deliveries) == 1

    assert delivery_send(delivery_id=delivery.pk, now=delivery.next_attempt_at).status == "sent"
    first, second = receiver.deliveries
    for request in (first, second):
        assert request.signed_by(webhook.secret)
        assert request.headers["Content-Type"] == "application/json"
        assert not request.signed_by("another secret")
    # The same opaque delivery id on the retry, so the receiver can tell a repeat.
    assert first.headers["X-Tracker-Delivery"] == second.headers["X-Tracker-Delivery"]
    assert str(delivery.pk) != second.headers["X-Tracker-Delivery"]
    payload = second.json
    assert payload["id"] == second.headers["X-Tracker-Delivery"]
    assert payload["type"] == "new-action" == second.headers["X-Tracker-Event"]
    assert payload["bill"]["slug"] == kz_record.bill.slug
    assert payload["bill"]["jurisdiction"] == "KZ"
    assert payload["bill"]["url"] == f"http://127.0.0.1:8000/bills/{kz_record.bill.slug}/"
    assert payload["event"]["classification"] == "passage"
    assert payload["event"]["date"] == "2025-12-18"
    delivery.refresh_from_db()
    webhook.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
    assert webhook.consecutive_failures == 0

    # After the success: never again, whoever asks (a redelivered task, the sweeper, later).
    later = timezone.now() + datetime.timedelta(days=1)
    assert delivery_send(delivery_id=delivery.pk, now=later).status == "skipped"
    assert delivery.pk not in outbox_due(now=later)
    assert sweep_outbox.apply().get() == 0
    assert len(receiver.deliveries) == 2
    # Neither the URL nor the owner's address nor the secret in any log line.
    for record in caplog.records:
        text = record.getMessage()
        assert receiver.url not in text and "127.0.0.1" not in text
        assert "ops@example.org" not in text.lower() and webhook.secret not in text


def test_threshold_alerts_reach_bill_jurisdiction_and_everything_webhooks(
    kz_record: KzRecord, receiver, allow_local
):
    approve(kz_record, D(2025, 12, 18))
    for_bill = active_webhook(receiver, bill=kz_record.bill)
    for_kz = active_webhook(receiver, jurisdiction=kz_record.bill.jurisdiction)
    for_all = active_webhook(receiver)
    other = WebhookFactory()  # another bill's (and pending)
    subscribe("reader@example.org", bill=kz_record.bill)
    report = deadlines_scan(as_of=D(2026, 1, 15))
    assert report.deliveries == 4  # one mail, three webhooks
    alert = Alert.objects.get(kind=Alert.Kind.WINDOW_THRESHOLD)
    hooks = set(alert.deliveries.exclude(webhook=None).values_list("webhook", flat=True))
    assert hooks == {for_bill.pk, for_kz.pk, for_all.pk} and other.pk not in hooks
    for delivery in alert.deliveries.all():
        assert delivery_send(delivery_id=delivery.pk).status == "sent"
    assert len(mail.outbox) == 1 and len(receiver.deliveries) == 3
    payload = receiver.deliveries[0].json
    assert payload["type"] == "window-threshold"
    assert payload["window"] == {
        "status": "open",
        "closes_earliest": "2026-01-18",
        "closes_latest": "2026-01-28",
        "threshold_days": 3,
    }


def test_repeated_failures_disable_the_webhook_and_mail_its_owner(
    kz_record: KzRecord, receiver, allow_local, caplog
):
    allow_local.WEBHOOK_MAX_FAILURES = 3
    webhook = active_webhook(receiver, bill=kz_record.bill, language="ru")
    receiver.statuses = [503] * 10
    approve(kz_record, D(2025, 12, 18))
    delivery = Delivery.objects.get(webhook=webhook, alert__kind=Alert.Kind.NEW_ACTION)
    now = timezone.now()
    for attempt in (1, 2):
        assert delivery_send(delivery_id=delivery.pk, now=now).status == "retry"
        delivery.refresh_from_db()
        now = delivery.next_attempt_at
        assert delivery.attempts == attempt
    # The third failure in a row disables it; its pending deliveries are cancelled.
    assert delivery_send(delivery_id=delivery.pk, now=now).status == "cancelled"
    webhook.refresh_from_db()
    delivery.refresh_from_db()
    assert webhook.status == Webhook.Status.DISABLED and webhook.disabled_at is not None
    assert delivery.status == Delivery.Status.CANCELLED
    assert len(receiver.deliveries) == 3
    # The owner is told, once, in their language, with the URL (the mail is theirs).
    assert webhook_disabled_notice_send(webhook_id=webhook.pk) is True
    assert webhook_disabled_notice_send(webhook_id=webhook.pk) is False
    [notice] = mail.outbox
    assert notice.to == ["ops@example.org"]
    assert receiver.url in notice.body and "3" in notice.body
    assert notice.subject != "Your bill-tracker webhook was disabled"  # Russian
    # A disabled webhook gets no new deliveries.
    before = Delivery.objects.filter(webhook=webhook).count()
    act(kz_record, "executive-receipt", D(2025, 12, 22))
    assert Delivery.objects.filter(webhook=webhook).count() == before
    # Neither the URL nor the owner's address in any log line.
    for record in caplog.records:
        text = record.getMessage()
        assert "127.0.0.1" not in text and "ops@example.org" not in text.lower()


def test_private_targets_are_refused_with_the_setting_off(kz_record, receiver, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    for url in (
        receiver.url,
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ):
        with pytest.raises(ValidationError) as refused:
            webhook_register(owner_email="ops@example.org", target_url=url)
        assert url not in str(refused.value)
    for url in ("ftp://example.org/x", "http://user:pw@example.org/x", "file:///etc/passwd"):
        with pytest.raises(ValidationError):
            target_resolve(url)
    assert not Webhook.objects.exists()
    assert receiver.requests == []


def test_a_target_that_turns_private_is_refused_at_send_time(
    kz_record: KzRecord, receiver, allow_local
):
    """Checked again at every request: a name may resolve elsewhere after registration."""
    webhook = active_webhook(receiver, bill=kz_record.bill)
    approve(kz_record, D(2025, 12, 18))
    delivery = Delivery.objects.get(webhook=webhook, alert__kind=Alert.Kind.NEW_ACTION)
    allow_local.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    assert delivery_send(delivery_id=delivery.pk).status == "retry"
    delivery.refresh_from_db()
    assert delivery.last_error == "refused target"
    assert receiver.deliveries == []


def test_redirects_are_not_followed(kz_record: KzRecord, receiver, allow_local):
    webhook = active_webhook(receiver, bill=kz_record.bill)
    receiver.statuses = [302]
    approve(kz_record, D(2025, 12, 18))
    delivery = Delivery.objects.get(webhook=webhook, alert__kind=Alert.Kind.NEW_ACTION)
    assert delivery_send(delivery_id=delivery.pk).status == "retry"
    delivery.refresh_from_db()
    assert delivery.last_error == "HTTP 302"
    assert [r.path for r in receiver.requests] == ["/hooks/tracker", "/hooks/tracker"]


def test_a_dead_receiver_is_retried_then_given_up(kz_record: KzRecord, receiver, allow_local):
    allow_local.WEBHOOK_MAX_FAILURES = 100
    webhook = active_webhook(receiver, bill=kz_record.bill)
    approve(kz_record, D(2025, 12, 18))
    delivery = Delivery.objects.get(webhook=webhook, alert__kind=Alert.Kind.NEW_ACTION)
    Webhook.objects.filter(pk=webhook.pk).update(target_url="http://127.0.0.1:9/nobody")
    now = timezone.now()
    for _attempt in range(MAX_ATTEMPTS):
        outcome = delivery_send(delivery_id=delivery.pk, now=now)
        delivery.refresh_from_db()
        now = delivery.next_attempt_at or now
    assert outcome.status == "failed"
    assert (delivery.status, delivery.last_error) == ("failed", "NewConnectionError")


def test_the_register_command_prints_the_secret_once_and_not_the_url(
    kz_record: KzRecord, receiver, allow_local
):
    out = io.StringIO()
    call_command(
        "webhook_register",
        url=receiver.url,
        owner_email="ops@example.org",
        bill=kz_record.bill.slug,
        stdout=out,
    )
    webhook = Webhook.objects.get()
    text = out.getvalue()
    assert webhook.secret in text and receiver.url not in text
    assert webhook.bill == kz_record.bill and webhook.status == Webhook.Status.PENDING
    out = io.StringIO()
    call_command(
        "webhook_register", url=receiver.url, owner_email="a@b.org", dry_run=True, stdout=out
    )
    assert Webhook.objects.count() == 1 and "Dry run" in out.getvalue()


def test_the_challenge_and_the_owners_notice_are_published_and_swept_like_mail(
    kz_record: KzRecord, receiver, allow_local, eager, django_capture_on_commit_callbacks
):
    # Published after commit: the task challenges the URL at once.
    with django_capture_on_commit_callbacks(execute=True):
        published = webhook_register(owner_email="ops@example.org", target_url=receiver.url)
    published.refresh_from_db()
    assert published.status == Webhook.Status.ACTIVE
    # A lost publish (the callback never runs): the sweeper challenges it after the grace.
    lost = webhook_register(owner_email="ops@example.org", target_url=receiver.url + "?lost")
    assert sweep_outbox.apply().get() == 0  # still fresh: left to its own task
    Webhook.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - SWEEP_GRACE - datetime.timedelta(seconds=1)
    )
    assert sweep_outbox.apply().get() == 1
    lost.refresh_from_db()
    assert lost.status == Webhook.Status.ACTIVE
    # A disabled webhook whose owner's mail was lost: the sweeper sends it, once.
    allow_local.WEBHOOK_MAX_FAILURES = 1
    receiver.statuses = [500]
    approve(kz_record, D(2025, 12, 18))
    delivery = Delivery.objects.get(webhook=lost, alert__kind=Alert.Kind.NEW_ACTION)
    assert delivery_send(delivery_id=delivery.pk).status == "cancelled"
    Webhook.objects.filter(pk=lost.pk).update(
        disabled_at=timezone.now() - SWEEP_GRACE - datetime.timedelta(seconds=1)
    )
    assert sweep_outbox.apply().get() == 1
    assert sweep_outbox.apply().get() == 0
    assert [m.to for m in mail.outbox] == [["ops@example.org"]]


def test_a_record_change_is_posted_to_webhooks_only(kz_record: KzRecord, receiver, allow_local):
    """The Senate's approval moves the bill's status and opens its window: besides the 'new
    action' alert, a 'record changed' one, for webhooks (subscribers get no mail of it)."""
    subscribe("reader@example.org", bill=kz_record.bill)
    webhook = active_webhook(receiver, jurisdiction=kz_record.bill.jurisdiction)
    approve(kz_record, D(2025, 12, 18))
    changed = Alert.objects.get(kind=Alert.Kind.RECORD_CHANGED)
    [delivery] = changed.deliveries.all()
    assert delivery.webhook == webhook and delivery.subscription is None
    assert delivery_send(delivery_id=delivery.pk).status == "sent"
    [request] = receiver.deliveries
    payload = request.json
    assert payload["type"] == "record-changed" and request.signed_by(webhook.secret)
    kz_record.bill.refresh_from_db()
    assert payload["bill"]["status"] == kz_record.bill.status
    assert payload["bill"]["last_action_on"] == "2025-12-18"
    assert payload["window"]["status"] == "open"
    assert payload["window"]["closes_earliest"] == "2026-01-18"
    # The mail subscriber has the 'new action' delivery only.
    kinds = set(
        Delivery.objects.filter(subscription__isnull=False).values_list("alert__kind", flat=True)
    )
    assert kinds == {Alert.Kind.NEW_ACTION}


def test_no_record_changed_alert_without_a_webhook_or_for_an_internal_note(
    kz_record: KzRecord, receiver, allow_local
):
    approve(kz_record, D(2025, 12, 18))
    assert not Alert.objects.filter(kind=Alert.Kind.RECORD_CHANGED).exists()
    active_webhook(receiver, bill=kz_record.bill)
    # An internal note moves no public fact: nothing is raised, nothing is told.
    act(kz_record, "executive-receipt", D(2025, 12, 20), visibility="internal", sources=[])
    assert not Alert.objects.filter(kind=Alert.Kind.RECORD_CHANGED).exists()


def test_a_batch_out_of_time_hands_its_webhooks_back_uncounted(
    kz_record: KzRecord, receiver, allow_local, monkeypatch
):
    """Slow receivers cannot hold a batch past the task's time limit: what the batch did not
    reach is handed back, due now, its attempt not counted."""
    from events import delivery as outbox

    webhook = active_webhook(receiver, bill=kz_record.bill)
    approve(kz_record, D(2025, 12, 18))
    ids = list(Delivery.objects.filter(webhook=webhook).values_list("id", flat=True))
    monkeypatch.setattr(outbox, "WEBHOOK_BATCH_BUDGET", -1.0)
    outcomes = outbox.deliveries_send(delivery_ids=ids)
    assert {o.status for o in outcomes.values()} == {"retry"}
    assert receiver.deliveries == []
    assert set(Delivery.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {0}
    assert set(outbox_due(now=timezone.now())) >= set(ids)
    monkeypatch.setattr(outbox, "WEBHOOK_BATCH_BUDGET", 120.0)
    outcomes = outbox.deliveries_send(delivery_ids=ids)
    assert {o.status for o in outcomes.values()} == {"sent"}
    assert len(receiver.deliveries) == len(ids) == 2


def _https_receiver(tmp_path, name: str):
    """The local receiver behind TLS, with a self-signed certificate for `name`."""
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}"),
            *("-addext", f"subjectAltName=DNS:{name}"),
        ],
        check=True,
        capture_output=True,
    )
    hooks, server = local.start()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    hooks.url = f"https://localhost:{port}/hooks/tracker"
    return hooks, server, cert


@pytest.mark.parametrize(("name", "ok"), [("localhost", True), ("someone-else.test", False)])
def test_https_is_pinned_to_the_checked_address_and_verified_for_the_host_name(
    kz_record: KzRecord, allow_local, tmp_path, monkeypatch, name, ok
):
    """The request goes to the address that was checked (127.0.0.1 here) while TLS verifies the
    certificate for the URL's host name: a certificate for another name is refused."""
    hooks, server, cert = _https_receiver(tmp_path, name)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust this one self-signed certificate
    try:
        webhook = webhook_register(owner_email="ops@example.org", target_url=hooks.url)
        if ok:
            assert webhook_challenge(webhook_id=webhook.pk) == "active"
            assert hooks.requests[0].headers["Host"] == f"localhost:{server.server_address[1]}"
        else:
            with pytest.raises(ChallengeFailed, match="SSLError"):
                webhook_challenge(webhook_id=webhook.pk)
            assert hooks.requests == []
    finally:
        server.shutdown()
        server.server_close()


def test_one_live_registration_per_url_and_scope(kz_record: KzRecord, receiver, allow_local):
    webhook = active_webhook(receiver, bill=kz_record.bill)
    with pytest.raises(ValidationError) as twice:
        webhook_register(
            owner_email="other@example.org", target_url=receiver.url, bill=kz_record.bill
        )
    assert twice.value.messages == ["This URL is already registered for this scope."]
    # Another scope is another registration; so is the same one once the first is disabled.
    webhook_register(owner_email="ops@example.org", target_url=receiver.url)
    Webhook.objects.filter(pk=webhook.pk).update(
        status=Webhook.Status.DISABLED, disabled_at=timezone.now()
    )
    webhook_register(owner_email="ops@example.org", target_url=receiver.url, bill=kz_record.bill)
    assert Webhook.objects.count() == 3
