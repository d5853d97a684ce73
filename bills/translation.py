"""Per-language text fields: `name` is English and required, `name_ru` / `name_kk` optional."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language

LANGUAGE_SUFFIXES = {"ru": "_ru", "kk": "_kk"}


def localized(obj: object, field: str, language: str | None = None) -> str:
    """The field in the given (default: active) language, in English where it was not entered.
    `obj` is a model instance, or a row of `values()` (`field` then names its key, as
    "jurisdiction__name")."""
    row: Mapping[str, Any] | None = obj if isinstance(obj, Mapping) else None
    code = (language or get_language() or "en").split("-")[0]
    suffix = LANGUAGE_SUFFIXES.get(code)
    if suffix:
        value = row.get(field + suffix) if row is not None else getattr(obj, field + suffix, "")
        if value:
            return value
    return row[field] if row is not None else getattr(obj, field)


def display_title(obj: object, language: str | None = None) -> str:
    """A bill's short title if it has one, else its title, in the given (default: active)
    language where entered (a Bill, or a row of its values())."""
    return localized(obj, "short_title", language) or localized(obj, "title", language)


class LocalizedMixin:
    """Gives models with `<field>_ru` / `<field>_kk` columns a `localized()` accessor."""

    def localized(self, field: str, language: str | None = None) -> str:
        return localized(self, field, language)
