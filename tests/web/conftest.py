"""Data for the web tests: the shared services-built Kazakhstan record (tests.record).

`kz_open` is that record with the Senate's approval dated so that the President's window is
open today, its earliest close a few days away (`kz_open.extra["days_left"]`: 5 on most days) and
the receipt not recorded, so that the exact deadline is not known yet. `make_bills` adds other
Kazakh bills, each brought to its status by real acts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from bills import services, timeline
from bills.choices import ChamberKind
from bills.models import (
    Bill,
    BillStatus,
    Classification,
    Family,
    Jurisdiction,
    Source,
    Visibility,
)
from bills.rules import window_compute
from tests.record import INTERNAL_TEXT, KzRecord, approve, bill_at, kz_record, source

__all__ = ["INTERNAL_TEXT", "RU_DAYS_LEFT", "FamilyRecord", "approval_for", "make_bills"]

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


@dataclass
class FamilyRecord:
    """The "LGBT propaganda" family as the family page tests see it (see `family_record`)."""

    kz: KzRecord
    family: Family
    family_source: Source
    lineage_source: Source
    ru_bill: Bill
    ca_bill: Bill


@pytest.fixture
def family_record(db) -> FamilyRecord:
    """A family of three bills built through the services: Kazakhstan's (approved by the Senate
    on 18 December 2025, signed 12 days later, with a sourced lineage), a Russian one (the Duma
    on 11 June 2013, the Federation Council on 26 June, signed on 29 June: 3 days; with an
    internal note), and a Californian one only introduced (no final approval; not a country,
    so not on the map). The Kazakh record keeps its own internal note too."""
    kz = kz_record(
        senate_approved=dt.date(2025, 12, 18),
        executive=(Classification.EXECUTIVE_SIGNATURE, dt.date(2025, 12, 30)),
    )
    family_source = source("A family of laws", dt.date(2026, 1, 7), publisher="Family News")
    lineage_source = source("Kazakhstan follows Russia", dt.date(2026, 1, 8), publisher="CNN")
    family, _ = services.family_upsert(
        slug="lgbt-propaganda",
        name='"LGBT propaganda" bans',
        name_ru="Запреты «ЛГБТ-пропаганды»",
        name_kk="«ЛГБТ-насихатқа» тыйымдар",
        summary="Laws that ban information about non-traditional sexual orientation.",
        sources=[family_source],
    )
    services.bill_update(
        bill=kz.bill,
        data={
            "family": family,
            "lineage": "Reports say it follows Russia's 2013 law.",
            "lineage_ru": "По сообщениям, повторяет российский закон 2013 года.",
            "lineage_sources": [lineage_source],
        },
    )
    russia = Jurisdiction.objects.get(code="RU")
    duma, _ = services.chamber_upsert(
        jurisdiction=russia, classification=ChamberKind.LOWER, name="State Duma"
    )
    council, _ = services.chamber_upsert(
        jurisdiction=russia, classification=ChamberKind.UPPER, name="Federation Council"
    )
    ru_bill, _ = services.bill_upsert(
        slug="ru-135-fz",
        jurisdiction=russia,
        title="Federal Law 135-FZ",
        identifier="135-FZ",
        originating_chamber=duma,
        family=family,
    )
    ru_source = source("Russia's law", dt.date(2013, 6, 30), publisher="Russian News")
    for classification, chamber, day in (
        (Classification.INTRODUCTION, duma, dt.date(2012, 3, 28)),
        (Classification.PASSAGE, duma, dt.date(2013, 6, 11)),
        (Classification.PASSAGE, council, dt.date(2013, 6, 26)),
        (Classification.EXECUTIVE_SIGNATURE, None, dt.date(2013, 6, 29)),
        (Classification.ENTRY_INTO_FORCE, None, dt.date(2013, 6, 30)),
    ):
        timeline.event_record(
            bill=ru_bill,
            classification=classification,
            description=f"{classification} (test record).",
            date=day,
            chamber=chamber,
            sources=[ru_source],
        )
    timeline.event_record(
        bill=ru_bill,
        classification=Classification.OTHER,
        description=INTERNAL_TEXT,
        visibility=Visibility.INTERNAL,
        date=dt.date(2013, 6, 27),
    )
    california = Jurisdiction.objects.get(code="US-CA")
    ca_bill, _ = services.bill_upsert(
        slug="ca-copy", jurisdiction=california, title="California copy bill", family=family
    )
    timeline.event_record(
        bill=ca_bill,
        classification=Classification.INTRODUCTION,
        description="Introduced (test record).",
        date=dt.date(2025, 2, 1),
        sources=[ru_source],
    )
    kz.refresh()
    ru_bill.refresh_from_db()
    ca_bill.refresh_from_db()
    return FamilyRecord(
        kz=kz,
        family=family,
        family_source=family_source,
        lineage_source=lineage_source,
        ru_bill=ru_bill,
        ca_bill=ca_bill,
    )
