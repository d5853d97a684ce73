"""Conditional GET for public responses: an ETag from the body, 304 when the client has it.

The ETag is a hash of what the client receives, not of the record version, so that it says
nothing of changes the public cannot see (an internal note edited) and two processes agree on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date


def content_etag(content: bytes) -> str:
    """A strong ETag for a response body."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def conditional_response(
    request: HttpRequest, response: HttpResponse, *, last_modified: int | None = None
) -> HttpResponseBase:
    """Set ETag (and Last-Modified, a POSIX timestamp) on a rendered 200; a 304 instead when the
    request's If-None-Match / If-Modified-Since says the client has this body already."""
    etag = content_etag(response.content)
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    conditional = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
    return conditional if conditional is not None else response


def conditional_page(
    *, max_age: int
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponseBase]]:
    """Decorate a GET view: its 200s carry Cache-Control (public, `max_age` seconds) and an
    ETag, and a repeat request with If-None-Match gets a 304 without the body."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            patch_cache_control(response, public=True, max_age=max_age)
            return conditional_response(request, response)

        return wrapper

    return decorator
