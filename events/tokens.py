"""Signed links in mails: confirming a subscription (valid three days) and unsubscribing (valid
for ever). A link names its subscription and nothing else; no address is in it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from events.models import Subscription

CONFIRM_SALT = "events.subscription.confirm"
UNSUBSCRIBE_SALT = "events.subscription.unsubscribe"
CONFIRM_MAX_AGE = datetime.timedelta(days=3)


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=CONFIRM_SALT)


def unsubscribe_token(subscription: Subscription) -> str:
    # No expiry: an unsubscribe link in a years-old mail must still work.
    return signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def confirm_url(subscription: Subscription) -> str:
    with translation.override(subscription.language):
        return _absolute(reverse("web:confirm", args=[confirm_token(subscription)]))


def unsubscribe_url(subscription: Subscription) -> str:
    with translation.override(subscription.language):
        return _absolute(reverse("web:unsubscribe", args=[unsubscribe_token(subscription)]))


def _subscription_from(
    token: str, *, salt: str, max_age: datetime.timedelta | None, lock: bool = False
) -> Subscription:
    try:
        pk = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(
            _("This link has expired. Please subscribe again to get a new one."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid."), code="invalid") from None
    rows = Subscription.objects.select_for_update() if lock else Subscription.objects
    subscription = rows.filter(pk=pk).first()
    if subscription is None:
        raise ValidationError(_("This link is no longer valid."), code="gone")
    return subscription


def subscription_from_confirm_token(token: str, *, lock: bool = False) -> Subscription:
    """The subscription a confirmation link names; ValidationError if bad, expired or gone."""
    return _subscription_from(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE, lock=lock)


def subscription_from_unsubscribe_token(token: str, *, lock: bool = False) -> Subscription:
    """The subscription an unsubscribe link names (links never expire)."""
    return _subscription_from(token, salt=UNSUBSCRIBE_SALT, max_age=None, lock=lock)
