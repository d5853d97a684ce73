"""The paths of pages and API resources named by one slug, without a reverse() per link.

A list of bills links each one, often twice (the page and the API resource); reverse() is run
once per URL name and language instead, and the slug put in its place. Slugs need no quoting.
"""

from __future__ import annotations

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
