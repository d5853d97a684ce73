"""The date arithmetic of signing rules (pure: no database)."""

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bills.deadlines import (
    CALENDAR_DAYS,
    CALENDAR_MONTHS,
    DAYS_EXCLUDING_SUNDAYS,
    WORKING_DAYS,
    Bounds,
    Step,
    close_bounds,
    receipt_bounds,
    step_end,
    work_calendar,
)

KZ = [Step(10, CALENDAR_DAYS, ends_with_receipt=True), Step(1, CALENDAR_MONTHS)]
RU = [Step(5, CALENDAR_DAYS, ends_with_receipt=True), Step(14, CALENDAR_DAYS)]
US = [Step(10, DAYS_EXCLUDING_SUNDAYS)]
US_CA = [Step(12, CALENDAR_DAYS, extends_past_holidays=True)]


def exact(day: date) -> Bounds:
    return Bounds(day, day)


# --- Kazakhstan: up to 10 days to the President, then one month -------------------------------


def test_kazakhstan_must_show_example():
    """Senate approval 2025-12-18 → closes no earlier than 2026-01-18, no later than 2026-01-28."""
    assert close_bounds(exact(date(2025, 12, 18)), KZ) == Bounds(
        date(2026, 1, 18), date(2026, 1, 28)
    )


def test_kazakhstan_receipt_known_gives_one_deadline():
    assert close_bounds(exact(date(2025, 12, 18)), KZ, received_on=date(2025, 12, 22)) == exact(
        date(2026, 1, 22)
    )


def test_kazakhstan_unknown_trigger_bounds():
    """The seeded Senate approval: somewhere between the Mäjilis vote and the CIVICUS article."""
    assert close_bounds(Bounds(date(2025, 11, 12), date(2026, 1, 2)), KZ) == Bounds(
        date(2025, 12, 12), date(2026, 2, 12)
    )


def test_kazakhstan_receipt_bounds():
    assert receipt_bounds(exact(date(2025, 12, 18)), KZ) == Bounds(
        date(2025, 12, 18), date(2025, 12, 28)
    )


@pytest.mark.parametrize(
    ("approved", "earliest", "latest"),
    [
        # Month ends: one month from 31 January is the last day of February.
        (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 10)),
        # A receipt on 21 January 2024 (leap year): 21 February; 31 January → 29 February.
        (date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 10)),
        # Receipt up to 10 days later crosses into February: 28 Jan + 1 month = 28 Feb.
        (date(2025, 1, 18), date(2025, 2, 18), date(2025, 2, 28)),
        # Across the year end.
        (date(2025, 12, 25), date(2026, 1, 25), date(2026, 2, 4)),
        # 30 March + 1 month = 30 April; receipt 9 April + 1 month = 9 May.
        (date(2026, 3, 30), date(2026, 4, 30), date(2026, 5, 9)),
    ],
)
def test_kazakhstan_month_ends_and_leap_years(approved, earliest, latest):
    assert close_bounds(exact(approved), KZ) == Bounds(earliest, latest)


def test_month_end_clamping_from_receipt():
    assert step_end(date(2026, 1, 31), Step(1, CALENDAR_MONTHS)) == date(2026, 2, 28)
    assert step_end(date(2028, 1, 31), Step(1, CALENDAR_MONTHS)) == date(2028, 2, 29)
    assert step_end(date(2026, 8, 31), Step(1, CALENDAR_MONTHS)) == date(2026, 9, 30)
    assert step_end(date(2024, 2, 29), Step(12, CALENDAR_MONTHS)) == date(2025, 2, 28)


# --- Russia: up to 5 days to the President, then 14 days ---------------------------------------


def test_russia_bounds_and_receipt():
    assert close_bounds(exact(date(2025, 12, 24)), RU) == Bounds(
        date(2026, 1, 7), date(2026, 1, 12)
    )
    assert close_bounds(exact(date(2025, 12, 24)), RU, received_on=date(2025, 12, 26)) == exact(
        date(2026, 1, 9)
    )


def test_russia_leap_day():
    assert close_bounds(exact(date(2024, 2, 20)), RU) == Bounds(date(2024, 3, 5), date(2024, 3, 10))


# --- United States: ten days, Sundays excepted ------------------------------------------------


def test_us_ten_days_sundays_excepted():
    # Presented Friday 2025-12-19: the ten counted days skip Sundays 21 and 28 December.
    assert close_bounds(exact(date(2025, 12, 19)), US) == exact(date(2025, 12, 31))


def test_us_presented_on_saturday():
    # Sat 2026-02-28 → 2..7 March (6 days), Sun 8 skipped, 9..12 March → Thursday 12 March.
    assert step_end(date(2026, 2, 28), US[0]) == date(2026, 3, 12)


def test_us_count_never_ends_on_sunday():
    for offset in range(14):
        start = date(2026, 1, 1) + timedelta(days=offset)
        assert step_end(start, US[0]).weekday() != 6


def test_us_leap_year_february():
    # Presented Thu 2024-02-22: 23,24,(25 Sun),26,27,28,29 Feb,1,2,(3 Sun),4,5 → 5 March.
    assert step_end(date(2024, 2, 22), US[0]) == date(2024, 3, 5)


# --- California: twelve days, running on past weekends and holidays ---------------------------


def test_california_twelfth_day_on_new_year_runs_to_next_working_day():
    calendar = work_calendar("US", "CA")
    # 20 Dec 2025 + 12 days = 1 January 2026 (a holiday) → Friday 2 January.
    assert close_bounds(exact(date(2025, 12, 20)), US_CA, calendar=calendar) == exact(
        date(2026, 1, 2)
    )


def test_california_twelfth_day_on_saturday():
    calendar = work_calendar("US", "CA")
    # 2 Jan 2026 + 12 = Wed 14 Jan (no shift); 5 Jan + 12 = Sat 17 Jan → Tue 20 Jan (MLK Day 19th).
    assert close_bounds(exact(date(2026, 1, 2)), US_CA, calendar=calendar) == exact(
        date(2026, 1, 14)
    )
    assert close_bounds(exact(date(2026, 1, 5)), US_CA, calendar=calendar) == exact(
        date(2026, 1, 20)
    )


# --- Working days under public holidays -------------------------------------------------------


def test_working_days_skip_kazakh_new_year_holidays():
    calendar = work_calendar("KZ")
    # Wed 31 Dec 2025; 1-2 Jan are holidays, 3-4 weekend, 7 Jan Orthodox Christmas.
    # Working days: 5 (1), 6 (2), 8 (3).
    assert step_end(date(2025, 12, 31), Step(3, WORKING_DAYS), calendar) == date(2026, 1, 8)


def test_working_days_without_holidays_skip_weekends_only():
    calendar = work_calendar("")
    assert isinstance(calendar, holidays.HolidayBase)
    assert step_end(date(2026, 1, 2), Step(5, WORKING_DAYS), calendar) == date(2026, 1, 9)
    # No calendar at all: the same (Saturday and Sunday off, no holidays).
    assert step_end(date(2026, 1, 2), Step(5, WORKING_DAYS)) == date(2026, 1, 9)


def test_work_calendar_is_the_holidays_package_calendar():
    calendar = work_calendar("KZ")
    assert isinstance(calendar, holidays.HolidayBase)
    assert date(2026, 1, 1) in calendar  # New Year's Day
    assert not calendar.is_working_day(date(2026, 1, 1))
    assert not calendar.is_working_day(date(2026, 1, 3))  # a Saturday
    assert calendar.is_working_day(date(2026, 1, 5))


def test_kazakh_working_saturday_is_a_working_day_and_counted():
    """Kazakhstan moves some days off onto Saturdays: Saturday 4 May 2024 was a working day
    (for the day off on Wednesday 8 May, between Defender of the Fatherland and Victory Day)."""
    calendar = work_calendar("KZ")
    saturday = date(2024, 5, 4)
    assert saturday.weekday() == 5
    assert calendar.is_working_day(saturday)
    assert step_end(date(2024, 5, 3), Step(length=1, unit="working-days"), calendar) == saturday
    # Without the country's calendar the Saturday is a day off, and the step ends on Monday.
    assert step_end(date(2024, 5, 3), Step(length=1, unit="working-days")) == date(2024, 5, 6)


def test_working_days_us_thanksgiving():
    calendar = work_calendar("US")
    # Wed 26 Nov 2025; Thanksgiving 27 Nov is a holiday → 28 (1), Mon 1 Dec (2).
    assert step_end(date(2025, 11, 26), Step(2, WORKING_DAYS), calendar) == date(2025, 12, 1)


def test_extends_past_holidays_with_working_day_unit_is_stable():
    calendar = work_calendar("KZ")
    step = Step(1, WORKING_DAYS, extends_past_holidays=True)
    assert step_end(date(2025, 12, 31), step, calendar) == date(2026, 1, 5)


# --- Errors and invariants --------------------------------------------------------------------


def test_bad_unit_and_length_are_rejected():
    with pytest.raises(ValueError, match="Unknown unit"):
        step_end(date(2026, 1, 1), Step(1, "fortnights"))
    with pytest.raises(ValueError, match="positive"):
        step_end(date(2026, 1, 1), Step(0, CALENDAR_DAYS))


def test_reversed_trigger_bounds_are_rejected():
    with pytest.raises(ValueError, match="after its latest"):
        close_bounds(Bounds(date(2026, 1, 2), date(2026, 1, 1)), KZ)


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@given(days, st.integers(min_value=0, max_value=40))
def test_bounds_are_ordered_and_monotone(start, spread):
    """Every rule: earliest <= latest, and a later trigger never closes earlier."""
    later = start + timedelta(days=spread)
    for steps in (KZ, RU, US, US_CA):
        bounds = close_bounds(Bounds(start, later), steps)
        assert bounds.earliest <= bounds.latest
        assert (
            close_bounds(exact(start), steps).earliest <= close_bounds(exact(later), steps).earliest
        )


@given(days, st.integers(min_value=0, max_value=10))
def test_known_receipt_lies_within_the_bounds(approved, transit):
    bounds = close_bounds(exact(approved), KZ)
    received = close_bounds(exact(approved), KZ, received_on=approved + timedelta(days=transit))
    assert bounds.earliest <= received.earliest == received.latest <= bounds.latest
