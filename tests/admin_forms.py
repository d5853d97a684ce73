"""POSTing admin forms as a browser would: the rendered form's own values, then the changes."""

from __future__ import annotations

import datetime
from typing import Any

from django.forms import BaseForm


def _add(data: dict[str, Any], form: BaseForm) -> None:
    for bound in form:
        value = bound.value()
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = str(value)


def form_data(response) -> dict[str, Any]:
    """The POST a browser would send from this admin add/change page, unchanged."""
    context = response.context
    data: dict[str, Any] = {}
    _add(data, context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        _add(data, formset.management_form)
        for form in formset.forms:
            _add(data, form)
    return data


def inline_add(data: dict[str, Any], prefix: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Append one new inline row (`prefix`-N-…) to the POST."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    for name, value in fields.items():
        data[f"{prefix}-{total}-{name}"] = value
    return data


def inline_index(data: dict[str, Any], prefix: str, pk: int) -> int:
    """The position of the existing inline row for object `pk`."""
    for i in range(int(data[f"{prefix}-TOTAL_FORMS"])):
        if data.get(f"{prefix}-{i}-id") == str(pk):
            return i
    raise KeyError(pk)
