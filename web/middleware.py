"""Language from the browser for English (unprefixed) URLs.

English pages live at unprefixed URLs (i18n_patterns with prefix_default_language=False), where
Django's LocaleMiddleware always picks English. A visitor whose language cookie or
Accept-Language asks for Russian or Kazakh is sent on to the prefixed page instead; a visitor who
chose English with the switcher (cookie `en`) stays.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme


def _local(url: str) -> bool:
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


class BrowserLanguageRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and not translation.get_language_from_path(
            request.path_info
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
