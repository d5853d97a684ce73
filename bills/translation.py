"""Per-language text fields: `name` is English and required, `name_ru` / `name_kk` optional."""

from django.utils.translation import get_language

LANGUAGE_SUFFIXES = {"ru": "_ru", "kk": "_kk"}


def localized(obj: object, field: str, language: str | None = None) -> str:
    """The field in the given (default: active) language, in English where it was not entered."""
    code = (language or get_language() or "en").split("-")[0]
    suffix = LANGUAGE_SUFFIXES.get(code)
    if suffix:
        value = getattr(obj, field + suffix, "")
        if value:
            return value
    return getattr(obj, field)


class LocalizedMixin:
    """Gives models with `<field>_ru` / `<field>_kk` columns a `localized()` accessor."""

    def localized(self, field: str, language: str | None = None) -> str:
        return localized(self, field, language)
