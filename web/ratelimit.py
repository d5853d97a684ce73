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
    """The client's address: from the header the TLS proxy sets (settings.CLIENT_IP_HEADER, e.g.
    X-Real-IP) when it holds one, else the socket's peer. Behind a proxy, REMOTE_ADDR is the
    proxy for everyone, and one limit would be shared by all visitors."""
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        candidate = value.split(",")[0].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 (a key, not a bind)


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
