"""Every public URL of the site, found by walking the URL configuration (so that a page added
later is covered without editing the tests), filled in with a record's slugs and codes."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import translation

from bills.models import Bill

# Not public pages: the admin, the language switch (a POST endpoint), liveness probes.
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_NAMES = {"set_language", "healthz", "ping"}
# Placeholder for path parameters the record cannot fill (e.g. a signed token).
UNKNOWN = "not-a-real-value"
# Query parameters a URL needs to answer at all.
REQUIRED_QUERY = {"api:changes": "?since=2000-01-01T00:00:00Z"}
# The only pages other sites may frame (web.views.embeddable): the status card and badge.
EMBEDDABLE = {"web:bill_embed", "web:bill_badge"}


def _patterns(patterns, namespace: tuple[str, ...] = ()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES or pattern.app_name == "admin":
                continue
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if pattern.name in EXCLUDED_NAMES:
                continue
            # Path converters (<slug:slug>), or a regex's named groups (the API's router).
            parameters = list(pattern.pattern.converters) or list(pattern.pattern.regex.groupindex)
            yield ":".join((*namespace, pattern.name)), parameters


def _value(parameter: str, bill: Bill) -> str:
    return {
        "slug": bill.slug,
        "code": bill.jurisdiction.code,
        "jurisdiction": bill.jurisdiction.code,
        "name": "bills.csv",
        # The family pages and feeds: the bill's family, where it has one.
        "family": bill.family.slug if bill.family_id else UNKNOWN,
    }.get(parameter, UNKNOWN)


def public_urls(bill: Bill, languages: tuple[str, ...] = ("en", "ru", "kk")) -> list[str]:
    """Each public URL, once per language prefix where the URL has one."""
    urls: list[str] = []
    for name, parameters in _patterns(get_resolver().url_patterns):
        kwargs = {parameter: _value(parameter, bill) for parameter in parameters}
        for language in languages:
            with translation.override(language):
                url = reverse(name, kwargs=kwargs) + REQUIRED_QUERY.get(name, "")
            if url not in urls:
                urls.append(url)
    return urls


def has_placeholder(url: str) -> bool:
    return UNKNOWN in url


def is_embeddable(url: str) -> bool:
    path = urlsplit(url).path
    # A prefixed URL resolves only with its language active (i18n_patterns).
    with translation.override(translation.get_language_from_path(path) or "en"):
        return resolve(path).view_name in EMBEDDABLE
