"""Data for the web tests: a Kazakhstan-like record built with the record helper's factories."""

# ruff: noqa: RUF001 (Russian and Kazakh text)

from __future__ import annotations

import datetime as dt

import pytest

from bills.models import Bill, BillStatus, Chamber, SigningRule, SigningWindow
from events.models import Classification, Event, Visibility
from tests.bills.factories import (
    BillFactory,
    ChamberFactory,
    JurisdictionFactory,
    SourceFactory,
    SubjectFactory,
    VoteFactory,
)
from tests.events.factories import EventFactory

INTERNAL_TEXT = "INTERNAL-ONLY staff note about a safe house"


@pytest.fixture
def kz(db):
    jurisdiction = JurisdictionFactory(
        code="KZ",
        name="Kazakhstan",
        name_ru="Казахстан",
        name_kk="Қазақстан",
        timezone="Asia/Almaty",
        executive_title="President",
        executive_title_ru="Президент",
    )
    lower = ChamberFactory(
        jurisdiction=jurisdiction,
        classification=Chamber.Classification.LOWER,
        name="Mäjilis",
        name_ru="Мажилис",
        name_kk="Мәжіліс",
        seats=None,
    )
    upper = ChamberFactory(
        jurisdiction=jurisdiction,
        classification=Chamber.Classification.UPPER,
        name="Senate",
        name_ru="Сенат",
        name_kk="Сенат",
        seats=None,
    )
    rule = SigningRule.objects.create(
        code="KZ",
        jurisdiction=jurisdiction,
        name="President of Kazakhstan: sign within one month",
        legal_source="Constitution of Kazakhstan, Article 61",
        in_force_from=dt.date(1995, 8, 30),
        trigger=SigningRule.Trigger.FINAL_APPROVAL,
        lapse_effect=SigningRule.Lapse.NONE,
        alert_days=[7, 3, 1, 0],
    )
    return {"jurisdiction": jurisdiction, "lower": lower, "upper": upper, "rule": rule}


def add_window(bill: Bill, rule: SigningRule, *, today: dt.date | None = None, exact=False):
    today = today or dt.date.today()
    return SigningWindow.objects.create(
        bill=bill,
        rule=rule,
        triggered_earliest=today - dt.timedelta(days=5),
        triggered_latest=today - dt.timedelta(days=5) if exact else today - dt.timedelta(days=2),
        closes_earliest=today + dt.timedelta(days=5),
        closes_latest=today + dt.timedelta(days=5) if exact else today + dt.timedelta(days=25),
    )


@pytest.fixture
def kz_bill(kz):
    """The Kazakhstan bill: Mäjilis vote (unanimous, counts unknown), Senate approval, window."""
    subject = SubjectFactory(slug="lgbtqi-rights", name="LGBTQI+ rights", name_ru="Права ЛГБТКИ+")
    bill = BillFactory(
        jurisdiction=kz["jurisdiction"],
        slug="kz-lgbt-propaganda-ban",
        title="Bill banning LGBT propaganda",
        title_ru="Законопроект о запрете пропаганды ЛГБТ",
        short_title="LGBT propaganda ban",
        short_title_ru="Запрет «пропаганды ЛГБТ»",
        summary="Bans propaganda of non-traditional sexual orientation.",
        originating_chamber=kz["lower"],
        status=BillStatus.AWAITING_SIGNATURE,
        introduced_on=dt.date(2025, 6, 1),
        last_action_on=dt.date(2025, 11, 12),
    )
    bill.subjects.add(subject)
    article = SourceFactory(
        publisher="CIVICUS", title="This bill can still be blocked", url="https://civicus.example/1"
    )
    vote = VoteFactory(
        bill=bill,
        chamber=kz["lower"],
        date=dt.date(2025, 11, 12),
        motion="Passage",
        yes_count=None,
        no_count=None,
        abstain_count=None,
        unanimous=True,
    )
    vote.sources.add(article)
    passage = EventFactory(
        bill=bill,
        order=1,
        classification=Classification.PASSAGE,
        chamber=kz["lower"],
        description="The Mäjilis passed the bill unanimously.",
        description_ru="Мажилис единогласно принял законопроект.",
        date=dt.date(2025, 11, 12),
        vote=vote,
    )
    passage.sources.add(article)
    EventFactory(
        bill=bill,
        order=2,
        classification=Classification.PASSAGE,
        chamber=kz["upper"],
        description="The Senate approved the bill.",
        date=None,
        date_precision="unknown",
    )
    EventFactory(
        bill=bill,
        order=3,
        classification=Classification.STATEMENT,
        actor="Staff",
        description=INTERNAL_TEXT,
        visibility=Visibility.INTERNAL,
        date=dt.date(2025, 11, 13),
    )
    window = add_window(bill, kz["rule"])
    return {"bill": bill, "vote": vote, "window": window, **kz}


def make_bills(kz: dict, count: int, *, start: int = 0) -> list[Bill]:
    """Many bills, each with a vote, two public events, an internal one and an open window."""
    statuses = list(BillStatus)
    bills = Bill.objects.bulk_create(
        [
            Bill(
                jurisdiction=kz["jurisdiction"],
                slug=f"bulk-{start + i}",
                title=f"Bulk bill {start + i} on transparency",
                status=statuses[i % len(statuses)],
                originating_chamber=kz["lower"],
                introduced_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 300),
                last_action_on=dt.date(2025, 6, 1) + dt.timedelta(days=i % 150),
            )
            for i in range(count)
        ]
    )
    today = dt.date.today()
    SigningWindow.objects.bulk_create(
        [
            SigningWindow(
                bill=b,
                rule=kz["rule"],
                triggered_earliest=today - dt.timedelta(days=3),
                triggered_latest=today - dt.timedelta(days=3),
                closes_earliest=today + dt.timedelta(days=i % 30),
                closes_latest=today + dt.timedelta(days=i % 30 + 10),
            )
            for i, b in enumerate(bills)
        ]
    )
    day = dt.date(2025, 5, 1)
    events = []
    for b in bills:
        events += [
            Event(bill=b, order=1, classification=Classification.INTRODUCTION, description="In"),
            Event(
                bill=b,
                order=2,
                classification=Classification.PASSAGE,
                chamber=kz["lower"],
                description="Passed",
            ),
            Event(
                bill=b,
                order=3,
                classification=Classification.STATEMENT,
                description=INTERNAL_TEXT,
                visibility=Visibility.INTERNAL,
            ),
        ]
    for event in events:
        event.date, event.date_precision = day, "day"
    Event.objects.bulk_create(events)
    return bills
