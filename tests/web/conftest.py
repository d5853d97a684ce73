"""Data for the web tests: the shared services-built Kazakhstan record (tests.record).

`kz_open` is that record with the Senate's approval dated so that the President's window is
open today, its earliest close a few days away (`kz_open.extra["days_left"]`: 5 on most days) and
the receipt not recorded, so that the exact deadline is not known yet. `make_bills` adds other
Kazakh bills, each brought to its status by real acts.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bills.models import Bill, BillStatus
from bills.rules import window_compute
from tests.record import INTERNAL_TEXT, KzRecord, approve, bill_at, kz_record

__all__ = ["INTERNAL_TEXT", "RU_DAYS_LEFT", "approval_for", "make_bills"]

# How many days before its earliest close kz_open's window is, by preference. A month after an
# approval never falls on a day the month before does not have (31 January + 1 month = 28
# February, so nothing closes on 29-31 March, 31 May ...): on the few days a year when today + 5
# is such a day, the next possible count is used. Every count here is within 7 days and more
# than 2 (the list filter tests rely on it).
DAYS_LEFT_CHOICES = (5, 6, 7, 4, 3)
RU_DAYS_LEFT = {
    3: "осталось 3 дня",
    4: "осталось 4 дня",
    5: "осталось 5 дней",
    6: "осталось 6 дней",
    7: "осталось 7 дней",
}


def approval_for(record: KzRecord, choices=DAYS_LEFT_CHOICES) -> tuple[dt.date, int]:
    """The day to date the final approval, under the record's rule (KZ), for the window's
    earliest close to be the first possible of `choices` days away in Kazakhstan; and that
    count of days."""
    today = record.jurisdiction.today()
    for days_left in choices:
        target = today + dt.timedelta(days=days_left)
        for back in range(1, 62):
            day = today - dt.timedelta(days=back)
            if window_compute(rule=record.rule, triggered_earliest=day).closes_earliest == target:
                return day, days_left
    raise AssertionError(f"no approval day gives a window closing in {choices} days")


@pytest.fixture
def kz_open(db) -> KzRecord:
    """The Kazakhstan bill approved by the Senate: awaiting signature, its window open, the
    earliest close `extra["days_left"]` days away, the latest about ten days after that."""
    record = kz_record()
    day, days_left = approval_for(record)
    record.approval = approve(record, day)
    record.extra["days_left"] = days_left
    record.refresh()
    window = record.window
    assert (window.closes_earliest - record.jurisdiction.today()).days == days_left
    assert window.closes_latest > window.closes_earliest  # no receipt yet: not exact
    return record


STATUSES = list(BillStatus)


def make_bills(
    record: KzRecord,
    count: int,
    *,
    start: int = 0,
    statuses: list[str] | None = None,
) -> list[Bill]:
    """`count` more Kazakh bills, "Bulk bill <i> on transparency", cycling through `statuses`
    (default: every status in order), each brought there by real acts through the services,
    introduced on 1 January 2025 + i days, with an internal note."""
    statuses = statuses or STATUSES
    bills = []
    for i in range(start, start + count):
        bills.append(
            bill_at(
                record,
                statuses[(i - start) % len(statuses)],
                slug=f"bulk-{i}",
                title=f"Bulk bill {i} on transparency",
                introduced_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 300),
            )
        )
    return bills
