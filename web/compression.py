"""Compressed answers (zstd, brotli or gzip) for the public read-only surface.

BREACH recovers a secret from a compressed answer's size when the same answer also reflects
text an attacker chose. The public pages hold no secret but the CSRF token, which Django masks
afresh in every answer. The admin (addresses, a reflected search box), the subscription pages
(tokens, addresses) and the webhook page (its secret) are left uncompressed all the same: they
are small, and this way no secret ever shares a compressed body with input from the request.
"""

from __future__ import annotations

import re

from compression_middleware.middleware import CompressionMiddleware
from django.http import HttpRequest, HttpResponseBase

UNCOMPRESSED = re.compile(r"^/(?:ru/|kk/)?(?:admin|alerts|webhooks)/")


class PublicCompressionMiddleware(CompressionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase):
        if UNCOMPRESSED.match(request.path_info):
            return response
        return super().process_response(request, response)
