"""The site's paths without a reverse() per link: Django's reverse() walks the URL patterns
each time, and a page's header, footer and timeline link two dozen times (a millisecond).

A list of bills links each one, often twice (the page and the API resource): slug_path() runs
reverse() once per URL name and language, and puts the slug in its place (slugs need no
quoting). path() keeps what reverse() gave for each name, arguments, language and script prefix;
the URL patterns do not change while a process runs.
"""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, reverse
from django.utils import translation

PLACEHOLDER = "SLUG"
_PARTS: dict[tuple[str, str | None, str], tuple[str, str]] = {}


def slug_path(name: str, slug: str) -> str:
    """What `reverse(name, args=[slug])` gives, in the active language."""
    key = (name, translation.get_language(), get_script_prefix())
    parts = _PARTS.get(key)
    if parts is None:
        before, after = reverse(name, args=[PLACEHOLDER]).rsplit(PLACEHOLDER, 1)
        parts = _PARTS[key] = (before, after)
    return f"{parts[0]}{slug}{parts[1]}"


def path(name: str, *args: str | int) -> str:
    """What `reverse(name, args=args)` gives, in the active language."""
    return _reversed(name, args, translation.get_language(), get_script_prefix())


@functools.lru_cache(maxsize=4096)
def _reversed(name: str, args: tuple[str | int, ...], language: str | None, prefix: str) -> str:
    # The language and prefix are part of the key: reverse() reads them from the active ones.
    return reverse(name, args=args)
