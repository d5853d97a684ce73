"""Date arithmetic for signing rules. Pure functions: no database, no clock.

A rule is a chain of steps (length + unit). One step may be the transmission to the executive,
which takes *up to* its length (it ends with the executive's receipt), so while the receipt date
is unknown a window has two bounds: the earliest it may close (receipt on the trigger day) and the
latest (receipt on the last allowed day). Every unit is monotone (a later start never gives an
earlier end), so the bounds are simply the chain applied to the two extreme receipt dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from dateutil.relativedelta import relativedelta

CALENDAR_DAYS = "calendar-days"
DAYS_EXCLUDING_SUNDAYS = "days-excl-sundays"
WORKING_DAYS = "working-days"
CALENDAR_MONTHS = "calendar-months"
UNITS = (CALENDAR_DAYS, DAYS_EXCLUDING_SUNDAYS, WORKING_DAYS, CALENDAR_MONTHS)
SUNDAY = 6


@dataclass(frozen=True)
class Step:
    length: int
    unit: str
    ends_with_receipt: bool = False
    # If the last day is a weekend day or public holiday, the period runs on to the next working
    # day (e.g. California Constitution art. IV §10(b)(5)).
    extends_past_holidays: bool = False


def work_calendar(country: str, subdivision: str = "") -> holidays.HolidayBase:
    """The `holidays` package's calendar of a country (and subdivision): its weekend, public
    holidays and working weekend days (Kazakhstan moves some days off onto Saturdays, which are
    then working days, e.g. 4 May 2024). Blank: Saturday and Sunday off, no holidays."""
    if not country:
        return holidays.HolidayBase()
    # The calendar fills in years lazily on lookup, so any year works.
    return holidays.country_holidays(country, subdiv=subdivision or None)


def step_end(start: date, step: Step, calendar: holidays.HolidayBase | None = None) -> date:
    """The last day of a period of `step.length` units counted from `start` (start excluded)."""
    calendar = calendar if calendar is not None else holidays.HolidayBase()
    if step.length < 1:
        raise ValueError("A step's length must be positive.")
    if step.unit == CALENDAR_DAYS:
        end = start + timedelta(days=step.length)
    elif step.unit == CALENDAR_MONTHS:
        # relativedelta clamps to the month's end: 31 January + 1 month = 28 (or 29) February.
        end = start + relativedelta(months=step.length)
    elif step.unit == WORKING_DAYS:
        end = calendar.get_nth_working_day(start, step.length)
    elif step.unit == DAYS_EXCLUDING_SUNDAYS:
        end, counted = start, 0
        while counted < step.length:
            end += timedelta(days=1)
            counted += end.weekday() != SUNDAY
    else:
        raise ValueError(f"Unknown unit {step.unit!r}; expected one of {', '.join(UNITS)}.")
    if step.extends_past_holidays:
        # n = 0: the day itself if it is a working day, else the next working day.
        end = calendar.get_nth_working_day(end, 0)
    return end


def chain_end(
    start: date, steps: Sequence[Step], calendar: holidays.HolidayBase | None = None
) -> date:
    for step in steps:
        start = step_end(start, step, calendar)
    return start


@dataclass(frozen=True)
class Bounds:
    earliest: date
    latest: date


def receipt_bounds(
    triggered: Bounds, steps: Sequence[Step], calendar: holidays.HolidayBase | None = None
) -> Bounds:
    """When the executive may receive the bill: the transmission step takes 0 … its length."""
    before, receipt = _split_at_receipt(steps)
    if receipt is None:
        # Presentment rules: the trigger is the receipt.
        return triggered
    earliest = chain_end(triggered.earliest, before, calendar)
    latest = step_end(chain_end(triggered.latest, before, calendar), receipt, calendar)
    return Bounds(earliest, latest)


def close_bounds(
    triggered: Bounds,
    steps: Sequence[Step],
    *,
    received_on: date | None = None,
    calendar: holidays.HolidayBase | None = None,
) -> Bounds:
    """When the window closes: bounds while the receipt is unknown, one date once it is known."""
    if triggered.earliest > triggered.latest:
        raise ValueError("The trigger's earliest date is after its latest.")
    before, receipt = _split_at_receipt(steps)
    after = steps[len(before) + (receipt is not None) :]
    if received_on is not None:
        end = chain_end(received_on, after, calendar)
        return Bounds(end, end)
    received = receipt_bounds(triggered, steps, calendar)
    return Bounds(
        chain_end(received.earliest, after, calendar), chain_end(received.latest, after, calendar)
    )


def _split_at_receipt(steps: Sequence[Step]) -> tuple[Sequence[Step], Step | None]:
    for index, step in enumerate(steps):
        if step.ends_with_receipt:
            return steps[:index], step
    return [], None
