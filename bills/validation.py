"""Validation rules shared by model clean() methods (admin forms) and the write services.

The same cross-table rules are enforced again by database triggers (migration
bills/0003_record_triggers) so that no path, not even a raw .save(), can store an invalid vote.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from bills.models import Jurisdiction


def jurisdiction_today(jurisdiction: Jurisdiction | None) -> datetime.date:
    """Today's date in the jurisdiction (in Almaty it may already be 'tomorrow' in UTC)."""
    now = timezone.now()
    if jurisdiction is not None and jurisdiction.timezone:
        try:
            return now.astimezone(ZoneInfo(jurisdiction.timezone)).date()
        except (ValueError, KeyError):
            pass
    return now.date()


def date_precision_errors(
    date: datetime.date | None, precision: str, date_field: str, precision_field: str
) -> dict[str, str]:
    """The date/precision pair agrees: unknown has no date, month is stored as day 1."""
    from bills.models import DatePrecision

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
