"""The tokens in mail links: confirming a subscription, and unsubscribing.

Both are opaque (they name nothing: no row id, no address), single-purpose and stored only as
their SHA-256, so a copy of the database gives no working link:
- a confirmation token is random, made for one mail, valid three days and used once; a new
  request or an unsubscription voids it;
- an unsubscribe token is derived with the secret key from a random nonce of the subscription,
  so every mail carries the same link; a new nonce each time the person subscribes again voids
  the links of the mails before. During a key rotation (DJANGO_SECRET_KEY_FALLBACKS) the links
  already mailed keep working: the stored hash is that of the token under the key it was made
  with, and mails go on carrying that token while the key is still a fallback.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from events.models import Subscription

CONFIRM_MAX_AGE = datetime.timedelta(days=3)
UNSUBSCRIBE_SALT = "events.subscription.unsubscribe"
# Longer than anything a mail client wraps or a form field accepts: a bound for lookups.
TOKEN_MAX_LENGTH = 64


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def confirm_token_issue(subscription: Subscription, *, now: datetime.datetime | None = None) -> str:
    """A new confirmation token for this subscription (the previous one stops working)."""
    token = secrets.token_urlsafe(32)
    expires = (now or timezone.now()) + CONFIRM_MAX_AGE
    Subscription.objects.filter(pk=subscription.pk).update(
        confirm_token_hash=token_hash(token), confirm_expires_at=expires
    )
    subscription.confirm_token_hash, subscription.confirm_expires_at = token_hash(token), expires
    return token


def confirm_url(subscription: Subscription, token: str) -> str:
    with translation.override(subscription.language):
        return _absolute(reverse("web:confirm", args=[token]))


def _unsubscribe_token(subscription: Subscription, secret: str) -> str:
    mac = salted_hmac(
        UNSUBSCRIBE_SALT,
        f"{subscription.pk}:{subscription.unsubscribe_nonce}",
        secret=secret,
        algorithm="sha256",
    )
    return mac.hexdigest()


def unsubscribe_assign(subscription: Subscription) -> None:
    """Give the (saved) subscription a new unsubscribe nonce and its token's hash, unsaved."""
    subscription.unsubscribe_nonce = secrets.token_hex(16)
    subscription.unsubscribe_token_hash = token_hash(
        _unsubscribe_token(subscription, settings.SECRET_KEY)
    )


def unsubscribe_rotate(subscription: Subscription) -> None:
    """A new unsubscribe link for this subscription; the links already mailed stop working."""
    unsubscribe_assign(subscription)
    Subscription.objects.filter(pk=subscription.pk).update(
        unsubscribe_nonce=subscription.unsubscribe_nonce,
        unsubscribe_token_hash=subscription.unsubscribe_token_hash,
    )


def unsubscribe_token(subscription: Subscription) -> str:
    """The subscription's unsubscribe token, the same in every mail until it is rotated."""
    if subscription.unsubscribe_nonce:
        for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
            token = _unsubscribe_token(subscription, secret)
            if token_hash(token) == subscription.unsubscribe_token_hash:
                return token
    # Never issued, or made with a key no longer known: a new link.
    unsubscribe_rotate(subscription)
    return _unsubscribe_token(subscription, settings.SECRET_KEY)


def unsubscribe_url(subscription: Subscription) -> str:
    with translation.override(subscription.language):
        return _absolute(reverse("web:unsubscribe", args=[unsubscribe_token(subscription)]))


def _lookup(token: str, field: str, *, lock: bool) -> Subscription | None:
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    rows = Subscription.objects.select_for_update() if lock else Subscription.objects
    return rows.filter(**{field: token_hash(token)}).first()


def subscription_from_confirm_token(
    token: str, *, lock: bool = False, now: datetime.datetime | None = None
) -> Subscription:
    """The subscription a confirmation link names; ValidationError if unknown, used or expired."""
    subscription = _lookup(token, "confirm_token_hash", lock=lock)
    if subscription is None:
        raise ValidationError(_("This link is not valid."), code="invalid")
    expires = subscription.confirm_expires_at
    if expires is None or expires < (now or timezone.now()):
        raise ValidationError(
            _("This link has expired. Please subscribe again to get a new one."), code="expired"
        )
    return subscription


def subscription_from_unsubscribe_token(token: str, *, lock: bool = False) -> Subscription:
    """The subscription an unsubscribe link names (valid until the person subscribes again)."""
    subscription = _lookup(token, "unsubscribe_token_hash", lock=lock)
    if subscription is None:
        # Unknown, replaced by a newer link (the person subscribed again), or purged: which one
        # is not said, since it would tell whether the address is subscribed.
        raise ValidationError(
            _(
                "This link is not valid, or no longer: use the unsubscribe link in your most "
                "recent mail from us."
            ),
            code="invalid",
        )
    return subscription
