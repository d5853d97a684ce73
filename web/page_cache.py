"""Rendered public pages, cached until the public record changes.

The pages are read far more often than the record is written. Each page is rendered once per
(path with query string, language, record version) and kept for at most
WEB_CACHE_SECONDS (default 300 s, which also bounds how late a countdown turns over at local
midnight). Any write to the record (post_save / post_delete / m2m_changed on its models, after
the transaction commits) starts a new record version, so an edit shows at once in the process
that made it, and within WEB_VERSION_MEMO_SECONDS (1 s) in the others. Writes that send
no signals (bulk_create, queryset.update) show within WEB_CACHE_SECONDS.

The pages are kept in the `pages` cache: each web process's own memory, bounded in count
(WEB_CACHE_MAX_PAGES), so that many distinct query strings cannot fill the Redis the broker
needs. Only the record version is shared, in the default cache, so every process sees a change.

The cached HTML holds a placeholder where the CSRF token goes (the language switcher and the
subscribe form post), and each response gets its visitor's own token. Only 200 responses are
cached; headers (CSP, cookies, Vary) are set per response by the middleware as usual.
WEB_CACHE_SECONDS=0 turns the cache off (the test settings do).

Revalidation: a cached page carries Last-Modified (when this process rendered it under the current
record version) and an ETag (a hash of the cached body, token placeholder included, so an
internal-only edit that bumps the version changes no ETag), with `Cache-Control: private,
no-cache`, and a repeat request that matches gets a 304 without the body. The visitor's copy holds
the CSRF token it was sent: that token stays valid because every page varies on Cookie (Django's
CSRF middleware sets `Vary: Cookie`), so a browser only revalidates a copy fetched with the CSRF
cookie it still holds; a changed cookie (a login rotates it) makes a plain request and a fresh
token. `private`: a shared cache must never hand one visitor's token to another.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language

from web import record_signals
from web.conditional import body_etag

logger = logging.getLogger(__name__)
VERSION_KEY = "web:record-version"
CSRF_PLACEHOLDER = "__csrf_token_placeholder__"
CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def cache_seconds() -> int:
    return int(getattr(settings, "WEB_CACHE_SECONDS", 300))


# The version this process read last, and until when (time.monotonic()) it may serve it unread.
_memo: tuple[float, str] | None = None


def record_version() -> str | None:
    """The current record version, or None (no caching) when the cache is off or failing.

    Kept in this process for WEB_VERSION_MEMO_SECONDS (default 1): a cached page then costs no
    round trip to the shared cache, which was a third of its time. Another process's edit shows
    here within that time; this process's own at once (_bump keeps the new version here).
    """
    if cache_seconds() <= 0:
        return None
    memo = _memo
    if memo is not None and _monotonic() < memo[0] and memo_seconds() > 0:
        return memo[1]
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception:  # a failing cache must not take the pages down: render uncached
        logger.warning("page cache unavailable; rendering uncached", exc_info=True)
        return None
    _remember(version)
    return version


def memo_seconds() -> float:
    return float(getattr(settings, "WEB_VERSION_MEMO_SECONDS", 1))


def _monotonic() -> float:
    return time.monotonic()


def _remember(version: str | None) -> None:
    global _memo
    seconds = memo_seconds()
    _memo = (_monotonic() + seconds, version) if version and seconds > 0 else None


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's 200 responses from the cache while the record version stands (the
    embeds: their own Cache-Control and ETag come from web.conditional)."""
    return _cached(view, revalidate=False)


def revalidated_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """cached_page, and the page's validators with 304s (see the module's docstring): the HTML
    pages, whose forms carry the visitor's CSRF token."""
    return _cached(view, revalidate=True)


def answer_key(request: HttpRequest, *, kind: str) -> str | None:
    """The cache key of this request's answer (a `kind` of answer: "page", "api") under the
    current record version and language, or None when the cache is off or failing."""
    version = record_version()
    if version is None:
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"web:{kind}:{version}:{get_language()}:{path}"


class CacheUnavailable(Exception):
    pass


def answer_get(key: str) -> Any:
    """The answer kept under `key`, or None; CacheUnavailable when the cache fails."""
    try:
        return caches["pages"].get(key)
    except Exception as exc:
        logger.warning("page cache unavailable; rendering uncached", exc_info=True)
        raise CacheUnavailable from exc


def answer_set(key: str, value: Any) -> None:
    try:
        caches["pages"].set(key, value, timeout=cache_seconds())
    except Exception:
        logger.warning("could not store an answer in the cache", exc_info=True)


def _cached(view: Callable[..., HttpResponse], *, revalidate: bool) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = answer_key(request, kind="page")
        if key is None:
            return view(request, *args, **kwargs)
        try:
            cached = answer_get(key)
        except CacheUnavailable:
            return view(request, *args, **kwargs)
        if cached is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            body = _with_placeholder(response.content.decode())
            cached = (response["Content-Type"], body, body_etag(body.encode()), int(_now()))
            answer_set(key, cached)
        else:
            content_type, body = cached[:2]
            if CSRF_PLACEHOLDER in body:
                body = body.replace(CSRF_PLACEHOLDER, get_token(request))
            response = HttpResponse(body, content_type=content_type)
        if not revalidate:
            return response
        return _revalidated(request, response, etag=cached[2], rendered_at=cached[3])

    return wrapper


def _now() -> float:
    return time.time()


def _revalidated(
    request: HttpRequest, response: HttpResponse, *, etag: str, rendered_at: int
) -> HttpResponse:
    """The page with its validators, or a 304 when the visitor's copy is this one (see above)."""
    patch_cache_control(response, private=True, no_cache=True)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(rendered_at)
    if request.method not in ("GET", "HEAD"):
        return response
    return (
        get_conditional_response(request, etag=etag, last_modified=rendered_at, response=response)
        or response
    )


def _with_placeholder(body: str) -> str:
    return CSRF_FIELD.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<3>", body)


def _bump() -> None:
    version: str | None = uuid4().hex
    try:
        cache.set(VERSION_KEY, version, timeout=None)
    except Exception:
        logger.warning("could not start a new record version in the cache", exc_info=True)
        version = None  # read it afresh next time
    _remember(version)


def record_written(**kwargs) -> None:
    """Signal receiver: the public record changed; after commit, start a new version."""
    transaction.on_commit(_bump, robust=True)


def connect_signals() -> None:
    record_signals.connect(record_written, "page-cache")
