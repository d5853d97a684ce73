"""E-mail subscriptions: double opt-in with a signed, expiring link; one-click unsubscribe.

Addresses are personal data of people who may be at risk: they never appear in a response that
tells whether they were subscribed, in a task's arguments, or in a log line (tasks carry ids).
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bills.models import Bill, Jurisdiction
from events.delivery import SWEEP_BATCH, SWEEP_GRACE
from events.enqueue import confirmation_enqueue
from events.models import Delivery, Subscription
from events.tokens import (
    CONFIRM_MAX_AGE,
    confirm_url,
    subscription_from_confirm_token,
    subscription_from_unsubscribe_token,
)

logger = logging.getLogger(__name__)

PURGE_AFTER = datetime.timedelta(days=7)


# --- Services -----------------------------------------------------------------------------------


def _normalize(email: str) -> str:
    # One row per address, whatever the capitalisation it is typed with.
    return email.strip().lower()


@transaction.atomic
def subscription_request(
    *,
    email: str,
    language: str,
    bill: Bill | None = None,
    jurisdiction: Jurisdiction | None = None,
) -> Subscription:
    """Ask to follow a bill or a jurisdiction: a confirmation mail goes out after commit.

    Already confirmed: nothing is sent and nothing changes (the caller shows the same page either
    way, so the response does not tell whether the address was subscribed). Pending or
    unsubscribed: a fresh confirmation link is sent.
    """
    if (bill is None) == (jurisdiction is None):
        raise ValidationError(_("Choose either a bill or a jurisdiction to follow."))
    email = _normalize(email)
    scope = {"bill": bill} if bill is not None else {"jurisdiction": jurisdiction}
    subscription = Subscription.objects.select_for_update().filter(email=email, **scope).first()
    if subscription is None:
        subscription = Subscription(email=email, language=language, **scope)
        subscription.full_clean()
        try:
            with transaction.atomic():
                subscription.save()
        except IntegrityError:
            # A concurrent request created it first.
            subscription = Subscription.objects.select_for_update().get(email=email, **scope)
    if subscription.status == Subscription.Status.CONFIRMED:
        return subscription
    subscription.status = Subscription.Status.PENDING
    subscription.language = language
    subscription.unsubscribed_at = None
    # A fresh request restarts the seven days before an unconfirmed request is purged, and owes
    # a confirmation mail until one is sent.
    subscription.created_at = timezone.now()
    subscription.confirmation_sent_at = None
    subscription.full_clean()
    subscription.save()
    confirmation_enqueue(subscription.pk)
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    """Confirm the subscription a valid, unexpired link names. Confirming twice is harmless."""
    subscription = subscription_from_confirm_token(token, lock=True)
    if subscription.status == Subscription.Status.UNSUBSCRIBED:
        raise ValidationError(
            _("This subscription was cancelled. Please subscribe again."), code="cancelled"
        )
    if subscription.status == Subscription.Status.PENDING:
        subscription.status = Subscription.Status.CONFIRMED
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["status", "confirmed_at"])
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, token: str) -> Subscription:
    """Stop all mail to this subscription; pending deliveries are cancelled. Idempotent."""
    subscription = subscription_from_unsubscribe_token(token, lock=True)
    if subscription.status != Subscription.Status.UNSUBSCRIBED:
        subscription.status = Subscription.Status.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["status", "unsubscribed_at"])
        subscription.deliveries.filter(status=Delivery.Status.PENDING).update(
            status=Delivery.Status.CANCELLED
        )
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription) -> None:
    """Erase a subscription and its delivery records (a subscriber's request)."""
    subscription.delete()


@transaction.atomic
def subscriptions_purge_unconfirmed(*, now: datetime.datetime | None = None) -> int:
    """Delete subscriptions never confirmed within seven days, and those unsubscribed more than
    seven days ago (with their delivery records): we keep no address we were not asked to keep.
    Returns the number of subscriptions deleted."""
    cutoff = (now or timezone.now()) - PURGE_AFTER
    stale = Subscription.objects.filter(
        Q(status=Subscription.Status.PENDING, created_at__lt=cutoff)
        | Q(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at__lt=cutoff)
    )
    count = stale.count()
    stale.delete()
    return count


def confirmation_send(*, subscription_id: int) -> bool:
    """Send the confirmation mail of a pending subscription (called by the task). False if there
    is nothing to send (confirmed, unsubscribed or purged meanwhile)."""
    subscription = (
        Subscription.objects.select_related("bill", "jurisdiction")
        .filter(pk=subscription_id, status=Subscription.Status.PENDING)
        .first()
    )
    if subscription is None:
        return False
    with translation.override(subscription.language):
        context = {
            "subscription": subscription,
            "followed": _followed_name(subscription),
            "confirm_url": confirm_url(subscription),
            "days": CONFIRM_MAX_AGE.days,
        }
        subject = " ".join(render_to_string("events/email/confirm_subject.txt", context).split())
        body = render_to_string("events/email/confirm_body.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[subscription.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.send()
    Subscription.objects.filter(pk=subscription.pk).update(confirmation_sent_at=timezone.now())
    return True


def confirmations_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Pending subscriptions still owed a confirmation mail a while after the request (the
    publish after the request was lost, e.g. while Redis was down)."""
    now = now or timezone.now()
    return list(
        Subscription.objects.filter(
            status=Subscription.Status.PENDING,
            confirmation_sent_at__isnull=True,
            created_at__lte=now - SWEEP_GRACE,
            created_at__gt=now - PURGE_AFTER,
        )
        .order_by("id")
        .values_list("id", flat=True)[:SWEEP_BATCH]
    )


def _followed_name(subscription: Subscription) -> str:
    if subscription.bill is not None:
        return subscription.bill.display_title()
    assert subscription.jurisdiction is not None  # the one-scope check constraint
    return subscription.jurisdiction.localized("name")
