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

import contextlib
import datetime
import logging
import smtplib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from bills.models import SigningWindow
from events.models import Alert, Delivery, Subscription, Webhook
from events.tokens import unsubscribe_url
from events.webhooks import (
    NotDelivered,
    webhook_attempt_failed,
    webhook_attempt_succeeded,
    webhook_post,
)

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
# Seconds of webhook requests one batch may spend (each may take WEBHOOK_TIMEOUT and more); the
# rest of the batch is handed back, its attempt uncounted, well before the task's time limit.
WEBHOOK_BATCH_BUDGET = 120.0


def batches(ids: Sequence[int]) -> list[list[int]]:
    """Ids cut into the batches one task sends (settings.DELIVERY_BATCH_SIZE)."""
    size = max(int(getattr(settings, "DELIVERY_BATCH_SIZE", 100)), 1)
    ordered = list(ids)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


class MailNotSent(Exception):
    """The mail server refused a mail; the text is the error's class and code only."""


def mail_error(exc: BaseException) -> str:
    """What may be kept of a mail error: its class and SMTP code, not its text (a webhook's
    error is already reduced to its class or HTTP status)."""
    if isinstance(exc, NotDelivered):
        return str(exc)
    error = type(exc).__name__
    if isinstance(exc, smtplib.SMTPResponseException):
        error += f" {exc.smtp_code}"
    return error


def notice_send(*, to: str, language: str, template: str, context: dict, what: str) -> None:
    """One mail to one person (a confirmation, an owner's notice): `template`_subject.txt and
    _body.txt under events/email/, rendered in `language`. Raises MailNotSent, naming only the
    error's class, when the mail server refuses it; the log names `what`, never the address."""
    with translation.override(language):
        subject = " ".join(
            render_to_string(f"events/email/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"events/email/{template}_body.txt", context)
    message = EmailMessage(
        subject=subject, body=body, to=[to], headers={"Auto-Submitted": "auto-generated"}
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        # The exception's text may quote the address: only its class goes on.
        error = mail_error(exc)
        logger.info("%s not sent (%s)", what, error)
        raise MailNotSent(error) from None


def message_id_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "bill-tracker"


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "retry", "failed", "cancelled", "skipped"
    retry_in: datetime.timedelta | None = None


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8, 16, 30, 30 … minutes after the n-th failed attempt."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY)


def _claim(delivery_ids: Sequence[int], now: datetime.datetime) -> list[int]:
    """Claim the pending, due deliveries among `delivery_ids` with one conditional UPDATE:
    attempt counted, leased for a few minutes. Returns the ids this call claimed (two workers
    handed the same ids claim disjoint sets)."""
    if not delivery_ids:
        return []
    table = Delivery._meta.db_table
    marks = ", ".join(["%s"] * len(delivery_ids))
    sql = (
        f"UPDATE {table} SET attempts = attempts + 1, next_attempt_at = %s "  # noqa: S608
        f"WHERE id IN ({marks}) AND status = %s "
        "AND (next_attempt_at IS NULL OR next_attempt_at <= %s) RETURNING id"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql, [adapt(now + LEASE), *delivery_ids, str(Delivery.Status.PENDING), adapt(now)]
        )
        claimed = sorted(row[0] for row in cursor.fetchall())
        # Chosen at the first attempt and kept: a resend carries the same Message-ID.
        for pk in Delivery.objects.filter(pk__in=claimed, message_id="").values_list(
            "pk", flat=True
        ):
            Delivery.objects.filter(pk=pk, message_id="").update(
                message_id=make_msgid(domain=message_id_domain())
            )
    return claimed


def delivery_send(*, delivery_id: int, now: datetime.datetime | None = None) -> Outcome:
    """Send one pending, due delivery, once (a batch of one). Safe to call twice or at once."""
    outcomes = deliveries_send(delivery_ids=[delivery_id], now=now)
    return outcomes.get(delivery_id, Outcome("skipped"))


def deliveries_send(
    *, delivery_ids: Sequence[int], now: datetime.datetime | None = None
) -> dict[int, Outcome]:
    """Send a batch of deliveries over one SMTP connection, each at most once per success.

    The batch is claimed with one UPDATE; what its mails share (the alert, bill, window, rule)
    is read once and the body rendered once per language and kind of subscription; each mail is
    marked sent as soon as the server accepts it. A worker that dies mid-batch leaves the rest
    pending, and their lease runs out for the sweeper: at most the mail in flight is sent twice.
    Returns each claimed delivery's outcome (ids not claimed are absent: skipped).
    """
    now = now or timezone.now()
    claimed = _claim(delivery_ids, now)
    if not claimed:
        return {}
    deliveries = list(
        Delivery.objects.filter(pk__in=claimed)
        .select_related(
            "subscription",
            "webhook",
            "alert__bill__jurisdiction",
            "alert__bill__family",
            "alert__window__rule",
            "alert__event",
        )
        .order_by("alert_id", "id")
    )
    outcomes: dict[int, Outcome] = {}
    sendable = []
    started = time.monotonic()
    for delivery in deliveries:
        if delivery.attempts > MAX_ATTEMPTS:
            # Claimed again and again without ever finishing (a worker dying mid-send, a bug in
            # the template): stop handing it out.
            _finish(delivery, status=Delivery.Status.FAILED, last_error="gave up: never completed")
            outcomes[delivery.pk] = Outcome("failed")
        elif delivery.webhook is not None:
            if time.monotonic() - started > WEBHOOK_BATCH_BUDGET:
                outcomes[delivery.pk] = _release(delivery)
            else:
                outcomes[delivery.pk] = _webhook_send(delivery, now)
        elif delivery.subscription is None or (
            delivery.subscription.status != Subscription.Status.CONFIRMED
        ):
            _finish(delivery, status=Delivery.Status.CANCELLED)
            outcomes[delivery.pk] = Outcome("cancelled")
        else:
            sendable.append(delivery)
    if not sendable:
        return outcomes
    mails = _Mails()
    smtp = get_connection()
    try:
        smtp.open()
    except (smtplib.SMTPException, OSError) as exc:
        for delivery in sendable:
            outcomes[delivery.pk] = _failed(delivery, exc, now)
        return outcomes
    try:
        for position, delivery in enumerate(sendable):
            try:
                message = mails.message(delivery)
                message.connection = smtp
                message.send()
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, ValueError) as exc:
                # This recipient or this mail only: the connection goes on serving the rest.
                outcomes[delivery.pk] = _failed(delivery, exc, now)
                continue
            except (smtplib.SMTPException, OSError) as exc:
                # The connection is lost (a hanging or dropped relay): the rest of the batch
                # waits for its retry too.
                for rest in sendable[position:]:
                    outcomes[rest.pk] = _failed(rest, exc, now)
                break
            _mark_sent(delivery)
            outcomes[delivery.pk] = Outcome("sent")
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.close()
    return outcomes


def _webhook_send(delivery: Delivery, now: datetime.datetime) -> Outcome:
    """POST one claimed delivery to its webhook; a failure counts against the webhook."""
    webhook = delivery.webhook
    assert webhook is not None
    if webhook.status != Webhook.Status.ACTIVE:
        _finish(delivery, status=Delivery.Status.CANCELLED)
        return Outcome("cancelled")
    try:
        webhook_post(delivery)
    except NotDelivered as exc:
        if webhook_attempt_failed(webhook_id=webhook.pk, now=now):
            # This failure disabled the webhook and cancelled its pending deliveries.
            return Outcome("cancelled")
        return _failed(delivery, exc, now)
    _mark_sent(delivery)
    webhook_attempt_succeeded(webhook_id=webhook.pk)
    return Outcome("sent")


def _release(delivery: Delivery) -> Outcome:
    """Hand a claimed delivery back, due now and its attempt uncounted: the batch ran out of
    time on slow receivers before reaching it."""
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
        attempts=F("attempts") - 1, next_attempt_at=timezone.now()
    )
    return Outcome("retry", retry_in=datetime.timedelta(0))


def _mark_sent(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )


def _finish(delivery: Delivery, *, status: str, last_error: str = "") -> None:
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
        status=status, last_error=last_error, next_attempt_at=None
    )


def _failed(delivery: Delivery, exc: BaseException, now: datetime.datetime) -> Outcome:
    """Record a failed attempt (its error's class only: the text may quote the address)."""
    error = mail_error(exc)
    if delivery.attempts >= MAX_ATTEMPTS:
        _finish(delivery, status=Delivery.Status.FAILED, last_error=error)
        logger.warning(
            "Delivery %s failed for good after %s attempts: %s",
            delivery.pk,
            delivery.attempts,
            error,
        )
        return Outcome("failed")
    delay = retry_delay(delivery.attempts)
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
        last_error=error, next_attempt_at=now + delay
    )
    logger.info(
        "Delivery %s attempt %s failed (%s); retry in %s",
        delivery.pk,
        delivery.attempts,
        error,
        delay,
    )
    return Outcome("retry", retry_in=delay)


UNSUBSCRIBE_PLACEHOLDER = "\x00unsubscribe-url\x00"


class _Mails:
    """The mails of one batch: what they share read and rendered once."""

    def __init__(self) -> None:
        self._contexts: dict[int, dict] = {}
        self._rendered: dict[tuple[int, str, str], tuple[str, str]] = {}

    def _context(self, alert: Alert) -> dict:
        if alert.pk not in self._contexts:
            self._contexts[alert.pk] = _alert_context(alert)
        return self._contexts[alert.pk]

    def message(self, delivery: Delivery) -> EmailMessage:
        subscription = delivery.subscription
        assert subscription is not None  # mail deliveries have a subscriber
        key = (delivery.alert_id, subscription.language, _follows(subscription))
        if key not in self._rendered:
            with translation.override(subscription.language):
                context = {
                    **self._context(delivery.alert),
                    "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
                    "following": key[2],
                }
                self._rendered[key] = _render(context)
        subject, body = self._rendered[key]
        unsubscribe = unsubscribe_url(subscription)
        return _message(
            delivery, subject, body.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe), unsubscribe
        )


def _follows(subscription: Subscription) -> str:
    """Which of its alert's bill the subscription follows: "bill", "jurisdiction" or "family"
    (the fan-out sends a person the one mail of the closest)."""
    if subscription.bill_id is not None:
        return "bill"
    if subscription.jurisdiction_id is not None:
        return "jurisdiction"
    return "family"


def _alert_context(alert: Alert) -> dict:
    """What every mail of an alert says, in the active language."""
    bill = alert.bill
    context: dict = {
        "alert": alert,
        "bill": bill,
        "bill_title": bill.display_title(),
        "jurisdiction": bill.jurisdiction.localized("name"),
        "executive": bill.jurisdiction.localized("executive_title"),
        # The family a family subscriber follows is the bill's: the fan-out joins on it.
        "family": bill.family.localized("name") if bill.family is not None else "",
        "bill_url": settings.SITE_URL + reverse("web:bill_detail", args=[bill.slug]),
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


def _render(context: dict) -> tuple[str, str]:
    subject = " ".join(render_to_string("events/email/alert_subject.txt", context).split())
    return subject, render_to_string("events/email/alert_body.txt", context)


def _message(delivery: Delivery, subject: str, body: str, unsubscribe: str) -> EmailMessage:
    subscription = delivery.subscription
    assert subscription is not None
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


def delivery_message(delivery: Delivery) -> EmailMessage:
    """The mail for one delivery, in the subscriber's language, with the list headers."""
    return _Mails().message(delivery)


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
