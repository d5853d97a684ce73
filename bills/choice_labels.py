"""`get_<field>_display()` at the cost of one dictionary lookup.

Django's own rebuilds the field's choices as a dictionary on every call, hashing each lazily
translated label, which translates it (about forty labels for an event's classification). A page
listing a few dozen bills and events spent several milliseconds there. The labels are built once
per field and language instead; the catalogues do not change while a process runs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_LABELS: dict[tuple[Field, str | None], dict[Any, str]] = {}


def choice_label(field: Field, value: Any, language: str | None = None) -> Any:
    """The label of `value` among the field's choices in the active language, else the value.
    `language`: the active one, where the caller has read it already (one read per list)."""
    key = (field, language or get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {
            make_hashable(choice): str(label) for choice, label in field.flatchoices
        }
    return labels.get(make_hashable(value), value)


class ChoiceLabelsMixin:
    """Models whose choice fields are displayed often: `get_<field>_display()` reads the labels
    built once per language (Django binds it to `_get_FIELD_display` on the model class)."""

    def _get_FIELD_display(self, field: Field) -> Any:
        return choice_label(field, getattr(self, field.attname))
