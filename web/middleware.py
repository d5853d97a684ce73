"""Language from the browser for English (unprefixed) URLs.

English pages live at unprefixed URLs (i18n_patterns with prefix_default_language=False), where
Django's LocaleMiddleware always picks English. A visitor whose language cookie or
Accept-Language asks for Russian or Kazakh is sent on to the prefixed page instead; a visitor who
chose English with the switcher (cookie `en`) stays.

Views marked `language_from_url` (the embeddable card and badge) are served in the language of
their URL whatever the visitor's browser says: the site that embeds one chose its language, and a
response that depends only on its URL needs no `Vary: Cookie` (so shared caches can keep it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.middleware import locale
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def language_from_url(view: View) -> View:
    """Mark a view as served in its URL's language only: no redirect, no Vary on the browser's."""
    view.language_from_url = True  # type: ignore[attr-defined]
    return view


def _language_fixed(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "language_from_url", False)


def _local(url: str) -> bool:
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


class BrowserLanguageRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("GET", "HEAD")
            and not translation.get_language_from_path(request.path_info)
            and not _language_fixed(request.path_info)
        ):
            wanted = translation.get_language_from_request(request, check_path=False)
            if wanted != settings.LANGUAGE_CODE:
                path = request.get_full_path()
                # translate_url leaves URLs outside i18n_patterns (admin, static, feeds of
                # other apps, /healthz) unchanged: only translatable pages are redirected.
                target = translate_url(path, wanted)
                # Only ever to a path on this site: translate_url reads a leading "//" (or
                # "/%2F", "/\\") as another host, which would make this an open redirect.
                if target != path and _local(target):
                    redirect = HttpResponseRedirect(target)
                    patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
                    return redirect
            response = self.get_response(request)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        return self.get_response(request)


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, except that a view served in its URL's language (`language_from_url`) gets no
    `Vary: Accept-Language`: Django adds it to every English (unprefixed) URL, but such a view
    answers the same whatever the browser asks, and a shared cache would keep a copy of it for
    each Accept-Language header it sees."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase):
        match = getattr(request, "resolver_match", None)
        if match is not None and getattr(match.func, "language_from_url", False):
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
