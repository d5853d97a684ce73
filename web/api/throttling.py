"""The API's rate limit per client (settings.RATELIMIT_API), keyed on the one client address
the rest of the site uses (web.ratelimit.client_ip). Over it: 429 with Retry-After."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from web.ratelimit import client_ip


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str:
        return settings.RATELIMIT_API

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}
