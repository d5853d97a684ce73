"""The outbox: sending one Delivery (one alert to one subscriber) at most once per success.

A delivery is claimed by a conditional UPDATE (pending, due, attempt counted, leased for a few
minutes) before the mail is sent, so two workers handed the same id cannot both send it, and a
sent delivery is never sent again. A worker that dies mid-send leaves the row pending; the lease
expires and the sweeper hands it out again (at-least-once in that one case; the Message-ID,
random but chosen once per delivery, lets mail systems recognise the repeat). SMTP failures are
retried with exponential backoff; what is stored and logged of them is their class, never their
text, which may quote the address.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from bills.models import SigningWindow
from events.models import Alert, Delivery, Subscription
from events.tokens import unsubscribe_url

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 8
FIRST_RETRY = datetime.timedelta(minutes=1)
# Retries are enqueued with a countdown; keep it well under the broker's visibility timeout
# (3600 s), after which Redis would hand the waiting task to a second worker.
MAX_RETRY_DELAY = datetime.timedelta(minutes=30)
# The sweeper leaves fresh deliveries to the task enqueued on commit.
SWEEP_GRACE = datetime.timedelta(minutes=2)
SWEEP_BATCH = 1000


class MailNotSent(Exception):
    """The mail server refused a mail; the text is the error's class and code only."""


def mail_error(exc: BaseException) -> str:
    """What may be kept of a mail error: its class and SMTP code, not its text."""
    error = type(exc).__name__
    if isinstance(exc, smtplib.SMTPResponseException):
        error += f" {exc.smtp_code}"
    return error


def message_id_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "bill-tracker"


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "retry", "failed", "cancelled", "skipped"
    retry_in: datetime.timedelta | None = None


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8, 16, 30, 30 … minutes after the n-th failed attempt."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY)


def _claim(delivery_id: int, now: datetime.datetime) -> bool:
    claimed = Delivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=delivery_id,
        status=Delivery.Status.PENDING,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if claimed == 1:
        # Chosen at the first attempt and kept: a resend carries the same Message-ID.
        Delivery.objects.filter(pk=delivery_id, message_id="").update(
            message_id=make_msgid(domain=message_id_domain())
        )
    return claimed == 1


def delivery_send(*, delivery_id: int, now: datetime.datetime | None = None) -> Outcome:
    """Send one pending, due delivery, once. Safe to call twice or concurrently."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return Outcome("skipped")
    delivery = Delivery.objects.select_related(
        "subscription",
        "alert__bill__jurisdiction",
        "alert__window__rule",
        "alert__event",
    ).get(pk=delivery_id)
    if delivery.attempts > MAX_ATTEMPTS:
        # Claimed again and again without ever finishing (a worker dying mid-send, a bug in the
        # template): stop handing it out.
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.FAILED,
            last_error="gave up: never completed",
            next_attempt_at=None,
        )
        return Outcome("failed")
    if delivery.subscription.status != Subscription.Status.CONFIRMED:
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.CANCELLED, next_attempt_at=None
        )
        return Outcome("cancelled")
    try:
        delivery_message(delivery).send()
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        # The exception text may quote the address: store and log only its type.
        error = mail_error(exc)
        if delivery.attempts >= MAX_ATTEMPTS:
            Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
                status=Delivery.Status.FAILED, last_error=error, next_attempt_at=None
            )
            logger.warning(
                "Delivery %s failed for good after %s attempts: %s",
                delivery_id,
                delivery.attempts,
                error,
            )
            return Outcome("failed")
        delay = retry_delay(delivery.attempts)
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
            last_error=error, next_attempt_at=now + delay
        )
        logger.info(
            "Delivery %s attempt %s failed (%s); retry in %s",
            delivery_id,
            delivery.attempts,
            error,
            delay,
        )
        return Outcome("retry", retry_in=delay)
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    return Outcome("sent")


def _mail_context(delivery: Delivery) -> dict:
    alert: Alert = delivery.alert
    bill = alert.bill
    context: dict = {
        "alert": alert,
        "bill": bill,
        "bill_title": bill.display_title(),
        "jurisdiction": bill.jurisdiction.localized("name"),
        "executive": bill.jurisdiction.localized("executive_title"),
        "bill_url": settings.SITE_URL + reverse("web:bill_detail", args=[bill.slug]),
        "unsubscribe_url": unsubscribe_url(delivery.subscription),
        "following_jurisdiction": delivery.subscription.jurisdiction_id is not None,
    }
    window: SigningWindow | None = alert.window
    if window is not None:
        # Days are the threshold crossed (with the date alongside), not recomputed at sending
        # time: a replayed or retried alert still says what it was raised for.
        context.update(
            window=window, rule=window.rule, exact=window.closes_earliest == window.closes_latest
        )
    if alert.event is not None:
        context["event"] = alert.event
        context["event_description"] = alert.event.localized("description")
        # A new action may have opened the window or fixed its deadline: say where it stands now.
        context["open_window"] = bill.windows.filter(status=SigningWindow.Status.OPEN).first()
    return context


def delivery_message(delivery: Delivery) -> EmailMessage:
    """The mail for a delivery, in the subscriber's language, with the list headers."""
    subscription = delivery.subscription
    with translation.override(subscription.language):
        context = _mail_context(delivery)
        subject = " ".join(render_to_string("events/email/alert_subject.txt", context).split())
        body = render_to_string("events/email/alert_body.txt", context)
    unsubscribe = context["unsubscribe_url"]
    return EmailMessage(
        subject=subject,
        body=body,
        to=[subscription.email],
        headers={
            "Message-ID": delivery.message_id or make_msgid(domain=message_id_domain()),
            "List-Unsubscribe": f"<{unsubscribe}>",
            # RFC 8058: mail clients may unsubscribe with one POST, no page visit.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Content-Language": subscription.language,
        },
    )


def outbox_due(*, now: datetime.datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Ids of pending deliveries that should be (re)sent now: never handed out and older than a
    short grace period (their publish was lost), or whose retry time or lease has passed."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING)
        .filter(
            Q(next_attempt_at__isnull=True, created_at__lte=now - SWEEP_GRACE)
            | Q(next_attempt_at__lte=now)
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
