"""The site's paths without a reverse() per link: Django's reverse() walks the URL patterns
each time, and a page's header, footer and timeline link two dozen times (a millisecond).

A list of bills links each one, often twice (the page and the API resource): slug_path() runs
reverse() once per URL name and language, and puts the slug in its place (slugs need no
quoting). path() keeps what reverse() gave for each name, arguments, language and script prefix;
the URL patterns do not change while a process runs.
"""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import translation

PLACEHOLDER = "SLUG"
_PARTS: dict[tuple[str, str | None, str], tuple[str, str]] = {}


def slug_path(
    name: str, slug: str, *, language: str | None = None, prefix: str | None = None
) -> str:
    """What `reverse(name, args=[slug])` gives, in the active language and script prefix, or
    in those given (a template reads both once per page: web.jinja.page_locale)."""
    key = (
        name,
        language or translation.get_language(),
        get_script_prefix() if prefix is None else prefix,
    )
    parts = _PARTS.get(key)
    if parts is None:
        before, after = _reverse_in(name, [PLACEHOLDER], key[1], key[2]).rsplit(PLACEHOLDER, 1)
        parts = _PARTS[key] = (before, after)
    return f"{parts[0]}{slug}{parts[1]}"


def path(
    name: str, *args: str | int, language: str | None = None, prefix: str | None = None
) -> str:
    """What `reverse(name, args=args)` gives, in the active language and script prefix, or in
    those given."""
    return _reversed(
        name,
        args,
        language or translation.get_language(),
        get_script_prefix() if prefix is None else prefix,
    )


@functools.lru_cache(maxsize=4096)
def _reversed(name: str, args: tuple[str | int, ...], language: str | None, prefix: str) -> str:
    return _reverse_in(name, list(args), language, prefix)


def _reverse_in(name: str, args: list[str | int], language: str | None, prefix: str) -> str:
    # reverse() reads the language and the script prefix from the active ones: the ones asked
    # for are made active around it (they are the active ones on every call but a test's).
    if language == translation.get_language() and prefix == get_script_prefix():
        return reverse(name, args=args)
    previous = get_script_prefix()
    set_script_prefix(prefix)
    try:
        with translation.override(language):
            return reverse(name, args=args)
    finally:
        set_script_prefix(previous)
