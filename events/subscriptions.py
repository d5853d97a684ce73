"""E-mail subscriptions: double opt-in with an expiring, one-use link; one-click unsubscribe.

Addresses are personal data of people who may be at risk. Nobody may learn from the site
whether an address is subscribed: the subscribe form's answer is the same work whatever the
address's state (one request row written, its id published; the task decides what it means),
links carry opaque tokens (events.tokens), and an address never appears in a task's arguments, a
log line or an exception the worker logs (mail errors are reduced to their class).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bills.models import Bill, Family, Jurisdiction
from events.delivery import SWEEP_BATCH, SWEEP_GRACE, notice_send
from events.enqueue import confirmation_enqueue, subscription_request_enqueue
from events.models import Delivery, Subscription, SubscriptionRequest, Webhook
from events.tokens import (
    CONFIRM_MAX_AGE,
    confirm_token_issue,
    confirm_url,
    subscription_from_confirm_token,
    subscription_from_unsubscribe_token,
    unsubscribe_rotate,
)

PURGE_AFTER = datetime.timedelta(days=7)
CONFIRMATION_MAX_ATTEMPTS = 5
# A request the task never processed (a lost publish) is swept; one older than this is dropped.
REQUEST_MAX_AGE = datetime.timedelta(days=1)


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
    family: Family | None = None,
) -> SubscriptionRequest:
    """Ask to follow a bill, a jurisdiction or a family of laws. Writes the request and nothing
    else, whatever the address's state; events.tasks processes it after commit
    (subscription_request_process)."""
    if [bill, jurisdiction, family].count(None) != 2:
        raise ValidationError(_("Choose one bill, jurisdiction or family of laws to follow."))
    request = SubscriptionRequest(
        email=_normalize(email),
        language=language,
        bill=bill,
        jurisdiction=jurisdiction,
        family=family,
    )
    request.full_clean()
    request.save()
    subscription_request_enqueue(request.pk)
    return request


@transaction.atomic
def subscription_request_process(*, request_id: int) -> str:
    """What a subscribe request means, decided away from the web: a new or lapsed address gets a
    pending subscription and is owed a confirmation mail; a confirmed one changes nothing and
    gets no mail. Safe to run twice (the request row is consumed). Returns what was done."""
    request = SubscriptionRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        return "gone"
    scope = request_scope(request)
    email, language = request.email, request.language
    request.delete()
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
        else:
            unsubscribe_rotate(subscription)
    if subscription.status == Subscription.Status.CONFIRMED:
        return "already confirmed"
    if subscription.status == Subscription.Status.UNSUBSCRIBED:
        # Subscribing again voids the unsubscribe links of the mails before.
        unsubscribe_rotate(subscription)
    subscription.status = Subscription.Status.PENDING
    subscription.language = language
    subscription.unsubscribed_at = None
    # A fresh request restarts the seven days before an unconfirmed request is purged, owes a
    # confirmation mail until one is sent, and voids the previous confirmation link.
    subscription.created_at = timezone.now()
    subscription.confirmation_sent_at = None
    subscription.confirm_token_hash = ""
    subscription.confirm_expires_at = None
    subscription.confirmation_attempts = 0
    subscription.save()
    confirmation_enqueue(subscription.pk)
    return "confirmation owed"


def request_scope(request: SubscriptionRequest) -> dict[str, int]:
    """The one scope a request names, as the lookup of its subscription."""
    for field in ("bill_id", "jurisdiction_id", "family_id"):
        value = getattr(request, field)
        if value is not None:
            return {field: value}
    raise ValueError("a subscription request without a scope")  # a CHECK constraint forbids it


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    """Confirm the subscription a valid, unexpired link names. The link then stops working."""
    subscription = subscription_from_confirm_token(token, lock=True)
    if subscription.status == Subscription.Status.UNSUBSCRIBED:
        raise ValidationError(
            _("This subscription was cancelled. Please subscribe again."), code="cancelled"
        )
    subscription.status = Subscription.Status.CONFIRMED
    subscription.confirmed_at = subscription.confirmed_at or timezone.now()
    subscription.confirm_token_hash = ""
    subscription.confirm_expires_at = None
    subscription.save(
        update_fields=["status", "confirmed_at", "confirm_token_hash", "confirm_expires_at"]
    )
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, token: str) -> Subscription:
    """Stop all mail to this subscription; pending deliveries are cancelled, and an unused
    confirmation link is voided. Idempotent."""
    subscription = subscription_from_unsubscribe_token(token, lock=True)
    if subscription.status != Subscription.Status.UNSUBSCRIBED:
        subscription.status = Subscription.Status.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.confirm_token_hash = ""
        subscription.confirm_expires_at = None
        subscription.save(
            update_fields=[
                "status",
                "unsubscribed_at",
                "confirm_token_hash",
                "confirm_expires_at",
            ]
        )
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
    seven days ago (with their delivery records), and requests never processed: we keep no
    address we were not asked to keep. Returns the number of subscriptions deleted."""
    now = now or timezone.now()
    cutoff = now - PURGE_AFTER
    SubscriptionRequest.objects.filter(created_at__lt=now - REQUEST_MAX_AGE).delete()
    stale = Subscription.objects.filter(
        Q(status=Subscription.Status.PENDING, created_at__lt=cutoff)
        | Q(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at__lt=cutoff)
    )
    count = stale.count()
    stale.delete()
    return count


def confirmation_send(*, subscription_id: int) -> bool:
    """Send the confirmation mail of a pending subscription (called by the task), with a new
    link. False if there is nothing to send (confirmed, unsubscribed or purged meanwhile).
    Raises MailNotSent, naming only the error's class, when the mail server refuses it."""
    subscription = (
        Subscription.objects.select_related("bill", "jurisdiction", "family")
        .filter(pk=subscription_id, status=Subscription.Status.PENDING)
        .first()
    )
    if subscription is None or subscription.confirmation_attempts >= CONFIRMATION_MAX_ATTEMPTS:
        return False
    Subscription.objects.filter(pk=subscription.pk).update(
        confirmation_attempts=F("confirmation_attempts") + 1
    )
    token = confirm_token_issue(subscription)
    with translation.override(subscription.language):
        context = {
            "subscription": subscription,
            "followed": followed_name(subscription),
            "confirm_url": confirm_url(subscription, token),
            "days": CONFIRM_MAX_AGE.days,
        }
    notice_send(
        to=subscription.email,
        language=subscription.language,
        template="confirm",
        context=context,
        what=f"Confirmation for subscription {subscription_id}",
    )
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
            confirmation_attempts__lt=CONFIRMATION_MAX_ATTEMPTS,
            created_at__lte=now - SWEEP_GRACE,
            created_at__gt=now - PURGE_AFTER,
        )
        .order_by("id")
        .values_list("id", flat=True)[:SWEEP_BATCH]
    )


def requests_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Subscribe requests still unprocessed a while after they were made (a lost publish)."""
    now = now or timezone.now()
    return list(
        SubscriptionRequest.objects.filter(created_at__lte=now - SWEEP_GRACE)
        .order_by("id")
        .values_list("id", flat=True)[:SWEEP_BATCH]
    )


def followed_name(follower: Subscription | Webhook) -> str:
    """What a subscription or a webhook follows, in the active language ("" for everything)."""
    if follower.bill is not None:
        return follower.bill.display_title()
    if follower.jurisdiction is not None:
        return follower.jurisdiction.localized("name")
    if isinstance(follower, Subscription) and follower.family is not None:
        return follower.family.localized("name")
    return ""
