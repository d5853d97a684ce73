"""Celery tasks: thin wrappers that take ids, call a service and retry transient errors.

Every task is safe to run twice (unique constraints, status guards and the delivery claim make
the repeat a no-op), so a redelivered message, a retry or a second beat does no harm.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from events import alerts, delivery, subscriptions, webhook_mail, webhooks

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def scan_deadlines() -> str:
    report = alerts.deadlines_scan()
    # The beat's scan is logged here; the command prints its own report instead.
    logger.info("%s", report)
    return str(report)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_deliveries(delivery_ids: list[int]) -> dict[str, int]:
    """Send a batch of deliveries over one SMTP connection; retry the failed ones later.
    Retried whole when the database fails: the claim skips what was sent or is in flight."""
    outcomes = delivery.deliveries_send(delivery_ids=delivery_ids)
    retries: dict[float, list[int]] = {}
    for delivery_id, outcome in outcomes.items():
        if outcome.status == "retry" and outcome.retry_in is not None:
            retries.setdefault(outcome.retry_in.total_seconds(), []).append(delivery_id)
    for countdown, ids in retries.items():
        # The countdown stays under the broker's visibility timeout (see delivery.py); if this
        # publish is lost, the sweeper finds the deliveries once their retry time has passed.
        send_deliveries.apply_async((ids,), countdown=countdown)
    counts: dict[str, int] = {}
    for outcome in outcomes.values():
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    counts["skipped"] = len(delivery_ids) - len(outcomes)
    return counts


@shared_task
def send_delivery(delivery_id: int) -> dict[str, int]:
    """One delivery: a batch of one (kept for messages published before batches)."""
    return send_deliveries([delivery_id])


@shared_task
def sweep_outbox() -> int:
    """Re-enqueue deliveries whose publish was lost (broker down) or whose retry is due,
    subscribe requests never processed, and confirmation mails that were never sent."""
    ids = delivery.outbox_due()
    for batch in delivery.batches(ids):
        send_deliveries.delay(batch)
    requests = subscriptions.requests_due()
    for request_id in requests:
        process_subscription_request.delay(request_id)
    confirmations = subscriptions.confirmations_due()
    for subscription_id in confirmations:
        send_confirmation.delay(subscription_id)
    challenges = webhooks.challenges_due(grace=delivery.SWEEP_GRACE)
    for webhook_id in challenges:
        challenge_webhook.delay(webhook_id)
    notices = webhook_mail.disabled_notices_due()
    for webhook_id in notices:
        send_webhook_disabled_notice.delay(webhook_id)
    return len(ids) + len(requests) + len(confirmations) + len(challenges) + len(notices)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def process_subscription_request(request_id: int) -> str:
    return subscriptions.subscription_request_process(request_id=request_id)


# MailNotSent names the error's class only: Celery logs it on each retry, and an SMTP error's
# own text may quote the address.
@shared_task(autoretry_for=(delivery.MailNotSent,), retry_backoff=60, max_retries=5)
def send_confirmation(subscription_id: int) -> bool:
    return subscriptions.confirmation_send(subscription_id=subscription_id)


@shared_task
def purge_unconfirmed_subscriptions() -> int:
    purged = subscriptions.subscriptions_purge_unconfirmed()
    return purged + webhooks.webhooks_purge_unconfirmed(older_than=subscriptions.PURGE_AFTER)


# ChallengeFailed names the error's class or status only (the URL stays out of the logs).
@shared_task(autoretry_for=(webhooks.ChallengeFailed,), retry_backoff=30, max_retries=4)
def challenge_webhook(webhook_id: int) -> str:
    return webhooks.webhook_challenge(webhook_id=webhook_id)


@shared_task(autoretry_for=(delivery.MailNotSent,), retry_backoff=60, max_retries=5)
def send_webhook_disabled_notice(webhook_id: int) -> bool:
    return webhook_mail.webhook_disabled_notice_send(webhook_id=webhook_id)
