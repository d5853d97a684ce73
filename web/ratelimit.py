"""Per-client rate limits (django-ratelimit) for the public endpoints that invite abuse: the
subscribe form's POST (mail bombing a stranger's address) and the feeds (scraping). Over the
limit: 429 with the reason and a Retry-After header, never a 500.

The rates are settings (RATELIMIT_SUBSCRIBE, RATELIMIT_FEEDS, e.g. "10/h"), read per request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def client_ip(request: HttpRequest) -> str:
    """The client's address, the one function the rate limits and the login lockout (axes's
    AXES_CLIENT_IP_CALLABLE) key on.

    Behind proxies, REMOTE_ADDR is the nearest proxy for every visitor. With
    settings.CLIENT_IP_HEADER set (X-Forwarded-For, or X-Real-IP), each of the
    settings.TRUSTED_PROXIES proxies in front appends the address it received the request
    from, so the client is the rightmost entry not written by them: the TRUSTED_PROXIES-th from
    the right. Entries to its left are whatever the client sent, and are never believed. A header
    missing, too short or malformed falls back to REMOTE_ADDR."""
    peer = request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 (a key, not a bind)
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if not header:
        return peer
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    hops = [hop.strip() for hop in value.split(",") if hop.strip()]
    trusted = max(int(getattr(settings, "TRUSTED_PROXIES", 1)), 1)
    if len(hops) < trusted:
        return peer
    try:
        return str(ipaddress.ip_address(hops[-trusted]))
    except ValueError:
        return peer


def rate_limited(
    group: str, *, rate_setting: str, methods: tuple[str, ...] = ALL_METHODS
) -> Callable:
    """Limit a view per client IP address to the rate named by `rate_setting`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            usage = get_usage(
                request,
                group=group,
                key="ip",
                rate=getattr(settings, rate_setting),
                method=list(methods),
                increment=True,
            )
            if usage is not None and usage["should_limit"]:
                return too_many_requests(usage["limit"], usage["time_left"])
            return view(request, *args, **kwargs)

        return limited

    return decorator


def too_many_requests(limit: int, retry_after: int) -> HttpResponse:
    message = _("Too many requests: at most %(limit)s in this period. Try again in %(seconds)s s.")
    response = HttpResponse(
        message % {"limit": limit, "seconds": retry_after},
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(max(retry_after, 1))
    return response
