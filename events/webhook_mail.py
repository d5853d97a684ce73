"""The mail to a webhook's owner when repeated failures have disabled it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone, translation

from events.delivery import SWEEP_BATCH, SWEEP_GRACE, notice_send
from events.models import Webhook
from events.subscriptions import followed_name


def webhook_disabled_notice_send(*, webhook_id: int) -> bool:
    """Mail the owner of a disabled webhook, once. False if nothing is owed. Raises MailNotSent,
    naming only the error's class, when the mail server refuses it."""
    webhook = (
        Webhook.objects.select_related("bill", "jurisdiction")
        .filter(
            pk=webhook_id,
            status=Webhook.Status.DISABLED,
            disabled_notice_sent_at__isnull=True,
        )
        .first()
    )
    if webhook is None:
        return False
    with translation.override(webhook.language):
        context = {
            "target_url": webhook.target_url,
            "followed": followed_name(webhook),
            "failures": settings.WEBHOOK_MAX_FAILURES,
        }
    notice_send(
        to=webhook.owner_email,
        language=webhook.language,
        template="webhook_disabled",
        context=context,
        what=f"Disabling notice for webhook {webhook_id}",
    )
    Webhook.objects.filter(pk=webhook.pk).update(disabled_notice_sent_at=timezone.now())
    return True


def disabled_notices_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Disabled webhooks whose owner is still owed the mail a while later (a lost publish)."""
    now = now or timezone.now()
    return list(
        Webhook.objects.filter(
            status=Webhook.Status.DISABLED,
            disabled_notice_sent_at__isnull=True,
            disabled_at__lte=now - SWEEP_GRACE,
        )
        .order_by("id")
        .values_list("id", flat=True)[:SWEEP_BATCH]
    )
