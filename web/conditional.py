"""Conditional GET (RFC 9110 §13): an ETag from the response body and a Last-Modified from the
public rows shown, and 304 Not Modified when the client already has them.

The ETag is a hash of what was sent, not a record version: a version is bumped by internal-only
edits too, and an ETag that changed with them would tell the public that something hidden had.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date


def body_etag(content: bytes) -> str:
    """A strong entity tag for these bytes (RFC 9110 §8.8.3)."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def conditional_response(
    request: HttpRequest, response: HttpResponse, *, last_modified: dt.datetime | None = None
) -> HttpResponse:
    """`response` (a rendered 200 to a GET or HEAD) with ETag and Last-Modified set, or a 304
    carrying them when the request's If-None-Match or If-Modified-Since already matches."""
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return response
    etag = body_etag(response.content)
    response["ETag"] = etag
    # HTTP dates have whole seconds.
    timestamp = int(last_modified.timestamp()) if last_modified is not None else None
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    elif "Last-Modified" in response:
        del response["Last-Modified"]
    conditional = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    return conditional or response


def conditional_page(
    *, max_age: int
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a GET view: its 200s carry Cache-Control (public, `max_age` seconds) and an
    ETag, and a repeat request with If-None-Match gets a 304 without the body."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            patch_cache_control(response, public=True, max_age=max_age)
            return conditional_response(request, response)

        return wrapper

    return decorator
