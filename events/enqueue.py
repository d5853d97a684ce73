"""Publishing the outbox's tasks, after the transaction that wrote their rows commits.

The services that write deliveries, or owe a confirmation mail, call these. Tasks import the
services and never the reverse, so tasks are named here, not imported (events.apps registers
them in every process). A lost publish is harmless: rows stay pending and the outbox sweeper
re-enqueues them (events.tasks.sweep_outbox).
"""

from __future__ import annotations

from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.db import transaction

SEND_DELIVERIES = "events.tasks.send_deliveries"
SEND_CONFIRMATION = "events.tasks.send_confirmation"
PROCESS_SUBSCRIPTION_REQUEST = "events.tasks.process_subscription_request"
CHALLENGE_WEBHOOK = "events.tasks.challenge_webhook"
SEND_WEBHOOK_DISABLED_NOTICE = "events.tasks.send_webhook_disabled_notice"


def task_publish(name: str, *args: object) -> None:
    """Publish one task now, by name, carrying only ids."""
    current_app.signature(name, args=args).delay()


def deliveries_enqueue(delivery_ids: Iterable[int]) -> None:
    """Send these deliveries once the caller's transaction commits: one message per batch of
    settings.DELIVERY_BATCH_SIZE ids, not one per mail."""
    ids = sorted(delivery_ids)
    if not ids:
        return
    size = max(int(getattr(settings, "DELIVERY_BATCH_SIZE", 100)), 1)

    def publish() -> None:
        for start in range(0, len(ids), size):
            task_publish(SEND_DELIVERIES, ids[start : start + size])

    # robust: a broker outage must not undo or fail the caller; the sweeper re-enqueues.
    transaction.on_commit(publish, robust=True)


def subscription_request_enqueue(request_id: int) -> None:
    """Decide what a subscribe request means once the web's transaction commits."""
    transaction.on_commit(
        lambda: task_publish(PROCESS_SUBSCRIPTION_REQUEST, request_id), robust=True
    )


def confirmation_enqueue(subscription_id: int) -> None:
    """Mail the confirmation link once the caller's transaction commits."""
    transaction.on_commit(lambda: task_publish(SEND_CONFIRMATION, subscription_id), robust=True)


def webhook_challenge_enqueue(webhook_id: int) -> None:
    """Put the challenge to a newly registered webhook once the caller's transaction commits."""
    transaction.on_commit(lambda: task_publish(CHALLENGE_WEBHOOK, webhook_id), robust=True)


def webhook_disabled_notice_enqueue(webhook_id: int) -> None:
    """Tell a disabled webhook's owner once the caller's transaction commits."""
    transaction.on_commit(
        lambda: task_publish(SEND_WEBHOOK_DISABLED_NOTICE, webhook_id), robust=True
    )
