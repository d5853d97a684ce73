"""Rules shared by the models' validation, stated once with their messages.

Model clean() methods (which the admin's forms and every service's full_clean() run) call these;
the cross-table rules are enforced again by database triggers (bills.db_triggers), so that no
path, not even a raw .save(), stores a record that breaks them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _

from bills.choices import DatePrecision


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(value: str) -> None:
    """A jurisdiction's deadlines are dates in its time zone: it must be a real IANA zone."""
    if value not in _timezones():
        raise ValidationError(
            _("Unknown IANA time zone: %(tz)s (e.g. Asia/Almaty)."),
            code="timezone",
            params={"tz": value},
        )


def validate_one_line(value: str) -> None:
    """Names and titles are one line: a newline or other control character would break the
    calendar feeds and mail headers they go into."""
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValidationError(
            _("Enter a single line, without line breaks or control characters."), code="one_line"
        )


def date_precision_errors(
    date: datetime.date | None, precision: str, date_field: str, precision_field: str
) -> dict[str, str]:
    """The date/precision pair agrees: unknown has no date, month is stored as day 1."""
    if precision == DatePrecision.UNKNOWN and date is not None:
        return {date_field: _("A date whose precision is 'unknown' must be left blank.")}
    if precision in (DatePrecision.DAY, DatePrecision.MONTH) and date is None:
        return {
            date_field: _(
                "Enter the date, or set its precision to 'unknown' if no source gives it."
            )
        }
    if precision == DatePrecision.MONTH and date is not None and date.day != 1:
        return {
            date_field: _(
                "A month-precision date is stored as the first day of its month "
                "(enter %(month)s, not an invented day)."
            )
            % {"month": date.replace(day=1).isoformat()}
        }
    return {}


def raise_if(errors: Mapping[str, Any]) -> None:
    if errors:
        raise ValidationError(dict(errors))


def related_or_none(obj: object, name: str) -> Any:
    """A foreign key's object, or None while it is unset (also for a not-yet-saved parent)."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def error_messages(exc: ValidationError) -> list[str]:
    """A ValidationError's messages as one list, each field's named ("date: …"); those about no
    field in particular as they are. For a command's or an import's one-line reasons."""
    if hasattr(exc, "error_dict"):
        return [
            m if f == "__all__" else f"{f}: {m}"
            for f, errs in exc.message_dict.items()
            for m in errs
        ]
    return list(exc.messages)


def rule_error_messages(exc: Exception) -> dict[str, list[str]]:
    """A service's ValidationError (or a trigger's IntegrityError) as messages by field."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return {field: list(errors) for field, errors in exc.message_dict.items()}
        return {NON_FIELD_ERRORS: list(exc.messages)}
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return {
        NON_FIELD_ERRORS: [_("The database refused the change: %(reason)s") % {"reason": first}]
    }
