"""The API's rate limit per client (settings.RATELIMIT_API), keyed on the one client address
the rest of the site uses (web.ratelimit.client_ip). Over it: 429 with Retry-After.

Counted as the site's other limits are (django-ratelimit: one counter per client and window in
the cache, one increment per request). DRF's own throttle keeps the time of every request in the
window as a list in the cache, read and written whole on each request: under a generous rate
that list costs more than the answer it guards.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle

from web.ratelimit import ALL_METHODS


class ClientRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        usage = get_usage(
            request._request,  # the HttpRequest DRF wraps: what django-ratelimit expects
            group="api",
            key="ip",
            rate=settings.RATELIMIT_API,
            method=list(ALL_METHODS),
            increment=True,
        )
        self._wait = usage["time_left"] if usage is not None else None
        return usage is None or not usage["should_limit"]

    def wait(self) -> float | None:
        return max(self._wait, 1) if self._wait is not None else None
