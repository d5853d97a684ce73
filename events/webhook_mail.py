"""The mail to a webhook's owner when repeated failures have disabled it."""

from __future__ import annotations

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from events.delivery import SWEEP_BATCH, SWEEP_GRACE, MailNotSent, mail_error
from events.models import Webhook

logger = logging.getLogger(__name__)


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
        if webhook.bill is not None:
            followed = webhook.bill.display_title()
        elif webhook.jurisdiction is not None:
            followed = webhook.jurisdiction.localized("name")
        else:
            followed = ""
        context = {
            "target_url": webhook.target_url,
            "followed": followed,
            "failures": settings.WEBHOOK_MAX_FAILURES,
        }
        subject = " ".join(
            render_to_string("events/email/webhook_disabled_subject.txt", context).split()
        )
        body = render_to_string("events/email/webhook_disabled_body.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[webhook.owner_email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        error = mail_error(exc)
        logger.info("Disabling notice for webhook %s not sent (%s)", webhook_id, error)
        raise MailNotSent(error) from None
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
