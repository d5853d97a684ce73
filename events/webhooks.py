"""Webhooks: an organisation's URL receives each alert as JSON signed with HMAC-SHA256.

A webhook is registered pending (webhook_register), and receives nothing until its URL echoes a
random challenge (webhook_challenge, run by a task). Its deliveries are ordinary outbox rows
(events.models.Delivery with `webhook` set): the same claim, retries with backoff and sweeper as
mail (events.delivery calls webhook_post below). Each failed attempt counts against the webhook;
settings.WEBHOOK_MAX_FAILURES in a row disable it, cancel its pending deliveries and owe its
owner a mail (events.webhook_mail).

No SSRF: a URL whose host resolves to any private, loopback, link-local, reserved or multicast
address is refused at registration and again at every request (the name may resolve elsewhere
by then), and the request goes to the address that was checked, not to a second lookup.
Redirects are not followed. settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS lifts the address check
(tests with a local receiver, a private deployment).

The URL and the owner's address are subscriber identity: never in a log line, a stored error or
an exception's text (errors are reduced to their class or HTTP status).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bills.models import Bill, Jurisdiction
from events.enqueue import webhook_challenge_enqueue, webhook_disabled_notice_enqueue
from events.models import Alert, Delivery, Webhook

logger = logging.getLogger(__name__)

CHALLENGE_MAX_ATTEMPTS = 5
CONNECT_TIMEOUT = 3.0
# What is read of a challenge's answer: the echo is short.
CHALLENGE_READ_LIMIT = 4096
USER_AGENT = "bill-tracker-webhooks/1"
SIGNATURE_HEADER = "X-Tracker-Signature"
TIMESTAMP_HEADER = "X-Tracker-Timestamp"
DELIVERY_HEADER = "X-Tracker-Delivery"
EVENT_HEADER = "X-Tracker-Event"


class NotDelivered(Exception):
    """A webhook request failed; the text is the error's class or the HTTP status only."""


# --- The target: SSRF refusal -------------------------------------------------------------


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code="refused")


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def target_resolve(url: str) -> tuple[SplitResult, str]:
    """The URL's parts and the one address to connect to. ValidationError (naming neither the
    URL nor the address) if the URL is not plain http(s), does not resolve, or resolves to any
    non-public address while settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS is off."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refused(_("Enter a valid http or https URL.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused(_("Enter a valid http or https URL."))
    if parts.username is not None or parts.password is not None:
        raise _refused(_("The URL must not carry a user name or password."))
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refused(_("The URL's host name does not resolve.")) from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise _refused(_("The URL's host name does not resolve."))
    if not settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS and not all(map(_public, addresses)):
        # Any one private address is enough to refuse: which one the connection would use is
        # up to the resolver.
        raise _refused(_("The URL points to a private or local network address."))
    return parts, str(addresses[0])


# --- Signing and sending ------------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value: HMAC-SHA256 under the secret of `timestamp.body`.

    The timestamp is signed with the body, so a captured request cannot be replayed later
    under a fresh timestamp header."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


def _post(url: str, body: bytes, headers: dict[str, str], *, read_limit: int = 0) -> Response:
    """POST to the checked address (no second lookup), no redirects, short timeouts."""
    try:
        parts, address = target_resolve(url)
    except ValidationError:
        raise NotDelivered("refused target") from None
    assert parts.hostname is not None  # target_resolve checked it
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    host = parts.hostname
    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if parts.port is None else f"{shown_host}:{port}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=float(settings.WEBHOOK_TIMEOUT))
    pool: urllib3.HTTPConnectionPool
    if https:
        # Connect to the checked address, but verify the certificate for the host name.
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=host,
            assert_hostname=host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            retries=False,
            preload_content=False,
        )
        try:
            data = response.read(read_limit) if read_limit else b""
        finally:
            response.close()
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        # The exception's text names the host: only its class goes on.
        raise NotDelivered(type(exc).__name__) from None
    finally:
        pool.close()
    return Response(status=response.status, body=data or b"")


def _signed_headers(secret: str, body: bytes, *, event: str, delivery: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event,
        DELIVERY_HEADER: delivery,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def alert_payload(alert: Alert, *, delivery_key: str) -> dict:
    """What a webhook receives about an alert (in English; the site's pages carry the rest)."""
    bill = alert.bill
    with translation.override("en"):
        bill_url = settings.SITE_URL + reverse("web:bill_detail", args=[bill.slug])
    payload: dict = {
        "id": delivery_key,
        "type": alert.kind,
        "created_at": alert.created_at.isoformat(),
        "bill": {
            "slug": bill.slug,
            "identifier": bill.identifier,
            "title": bill.title,
            "status": bill.status,
            "introduced_on": _date(bill.introduced_on),
            "last_action_on": _date(bill.last_action_on),
            "jurisdiction": bill.jurisdiction.code,
            "url": bill_url,
        },
        "window": None,
        "event": None,
    }
    window = alert.window
    if window is None and alert.kind == Alert.Kind.RECORD_CHANGED:
        # Where the bill's window stands after the change (the latest, open or closed).
        window = bill.windows.order_by("-id").first()
    if window is not None:
        payload["window"] = {
            "status": window.status,
            "closes_earliest": _date(window.closes_earliest),
            "closes_latest": _date(window.closes_latest),
            "threshold_days": alert.threshold_days,
        }
    event = alert.event
    if event is not None:
        payload["event"] = {
            "id": str(event.public_id),
            "classification": event.classification,
            "date": _date(event.date),
            "date_precision": event.date_precision,
            "description": event.description,
        }
    return payload


def delivery_key(delivery: Delivery) -> str:
    """The delivery's opaque id for the receiver: random, chosen once, the same on a retry."""
    return delivery.message_id.strip("<>").split("@")[0] or secrets.token_hex(16)


def webhook_post(delivery: Delivery) -> None:
    """POST one delivery's alert to its webhook. Raises NotDelivered unless the answer is 2xx."""
    webhook = delivery.webhook
    assert webhook is not None
    key = delivery_key(delivery)
    body = json.dumps(alert_payload(delivery.alert, delivery_key=key)).encode()
    headers = _signed_headers(webhook.secret, body, event=delivery.alert.kind, delivery=key)
    response = _post(webhook.target_url, body, headers)
    if not 200 <= response.status < 300:
        raise NotDelivered(f"HTTP {response.status}")


# --- The outbox's bookkeeping (called by events.delivery) -----------------------------------


def webhook_attempt_succeeded(*, webhook_id: int) -> None:
    Webhook.objects.filter(pk=webhook_id, consecutive_failures__gt=0).update(consecutive_failures=0)


@transaction.atomic
def webhook_attempt_failed(*, webhook_id: int, now: datetime.datetime | None = None) -> bool:
    """Count a failed attempt; at settings.WEBHOOK_MAX_FAILURES in a row, disable the webhook,
    cancel its pending deliveries and owe its owner a mail. True if this call disabled it."""
    Webhook.objects.filter(pk=webhook_id).update(consecutive_failures=F("consecutive_failures") + 1)
    limit = max(int(settings.WEBHOOK_MAX_FAILURES), 1)
    disabled = Webhook.objects.filter(
        pk=webhook_id, status=Webhook.Status.ACTIVE, consecutive_failures__gte=limit
    ).update(status=Webhook.Status.DISABLED, disabled_at=now or timezone.now())
    if not disabled:
        return False
    Delivery.objects.filter(webhook_id=webhook_id, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.CANCELLED, next_attempt_at=None
    )
    logger.warning("Webhook %s disabled after %s failed attempts in a row", webhook_id, limit)
    webhook_disabled_notice_enqueue(webhook_id)
    return True


# --- Registration and the challenge ---------------------------------------------------------


@transaction.atomic
def webhook_register(
    *,
    owner_email: str,
    target_url: str,
    language: str = "en",
    bill: Bill | None = None,
    jurisdiction: Jurisdiction | None = None,
) -> Webhook:
    """Register a URL for one bill, one jurisdiction, or everything (neither). It stays pending
    until its URL answers the challenge, put by a task after commit. The returned webhook
    carries its secret, to be shown to the owner this once."""
    if bill is not None and jurisdiction is not None:
        raise ValidationError(_("Choose a bill, a jurisdiction, or neither (everything)."))
    webhook = Webhook(
        owner_email=owner_email.strip().lower(),
        target_url=target_url.strip(),
        language=language,
        bill=bill,
        jurisdiction=jurisdiction,
        secret=secrets.token_hex(32),
    )
    webhook.full_clean()
    target_resolve(webhook.target_url)
    webhook.save()
    webhook_challenge_enqueue(webhook.pk)
    return webhook


class ChallengeFailed(Exception):
    """The URL did not echo the challenge; the text is the error's class or status only."""


def _echoes(body: bytes, challenge: str) -> bool:
    text = body.decode("utf-8", "replace").strip()
    if hmac.compare_digest(text, challenge):
        return True
    try:
        answer = json.loads(text)
    except ValueError:
        return False
    echoed = answer.get("challenge") if isinstance(answer, dict) else None
    return isinstance(echoed, str) and hmac.compare_digest(echoed, challenge)


def webhook_challenge(*, webhook_id: int) -> str:
    """Put a random challenge to a pending webhook's URL (signed like any delivery); if the
    answer is 2xx and echoes it (the raw body, or JSON {"challenge": ...}), the webhook becomes
    active. Raises ChallengeFailed otherwise (the task retries, a bounded number of times)."""
    webhook = Webhook.objects.filter(pk=webhook_id, status=Webhook.Status.PENDING).first()
    if webhook is None:
        return "nothing to do"
    if webhook.challenge_attempts >= CHALLENGE_MAX_ATTEMPTS:
        return "gave up"
    Webhook.objects.filter(pk=webhook.pk).update(challenge_attempts=F("challenge_attempts") + 1)
    challenge = secrets.token_urlsafe(32)
    body = json.dumps({"type": "challenge", "challenge": challenge}).encode()
    headers = _signed_headers(
        webhook.secret, body, event="challenge", delivery=secrets.token_hex(16)
    )
    try:
        response = _post(webhook.target_url, body, headers, read_limit=CHALLENGE_READ_LIMIT)
    except NotDelivered as exc:
        logger.info("Challenge of webhook %s not answered (%s)", webhook.pk, exc)
        raise ChallengeFailed(str(exc)) from None
    if not 200 <= response.status < 300:
        logger.info("Challenge of webhook %s answered HTTP %s", webhook.pk, response.status)
        raise ChallengeFailed(f"HTTP {response.status}")
    if not _echoes(response.body, challenge):
        logger.info("Challenge of webhook %s answered without the echo", webhook.pk)
        raise ChallengeFailed("no echo")
    Webhook.objects.filter(pk=webhook.pk, status=Webhook.Status.PENDING).update(
        status=Webhook.Status.ACTIVE, confirmed_at=timezone.now()
    )
    return "active"


def challenges_due(*, now: datetime.datetime | None = None, grace: datetime.timedelta) -> list[int]:
    """Pending webhooks never challenged a while after registration (a lost publish)."""
    now = now or timezone.now()
    return list(
        Webhook.objects.filter(
            status=Webhook.Status.PENDING, challenge_attempts=0, created_at__lte=now - grace
        )
        .order_by("id")
        .values_list("id", flat=True)[:1000]
    )


@transaction.atomic
def webhooks_purge_unconfirmed(*, older_than: datetime.timedelta) -> int:
    """Delete webhooks that never answered their challenge: we keep no URL nobody confirmed."""
    stale = Webhook.objects.filter(
        status=Webhook.Status.PENDING, created_at__lt=timezone.now() - older_than
    )
    count = stale.count()
    stale.delete()
    return count


@transaction.atomic
def webhook_delete(*, webhook: Webhook) -> None:
    """Erase a webhook and its delivery records (the owner's request)."""
    webhook.delete()
