"""Fixtures for signing windows, alerts and subscriptions (import the ones a module needs)."""

from __future__ import annotations

import datetime

import pytest

from bills.models import Bill, Chamber, DatePrecision, Jurisdiction, SigningRule, Source
from bills.services import bill_upsert, chamber_upsert, source_get_or_create
from bills.signing import rules_load
from events.models import Classification, Event, Subscription
from events.services import event_record

D = datetime.date


@pytest.fixture
def rules(db) -> dict[str, SigningRule]:
    """The seeded signing rules (KZ, US, RU, US-CA) and their jurisdictions."""
    rules_load()
    return {rule.code: rule for rule in SigningRule.objects.select_related("jurisdiction")}


def chambers(code: str) -> tuple[Chamber, Chamber]:
    jurisdiction = Jurisdiction.objects.get(code=code)
    lower, _ = chamber_upsert(jurisdiction=jurisdiction, classification="lower", name="Lower")
    upper, _ = chamber_upsert(jurisdiction=jurisdiction, classification="upper", name="Upper")
    return lower, upper


MAJILIS_VOTE = D(2025, 11, 12)


def make_bill(code: str, slug: str, *, lower_passed: datetime.date | None = MAJILIS_VOTE):
    """A bill introduced on 1 Oct 2025 and (by default) passed by the lower house."""
    lower, _upper = chambers(code)
    bill, _ = bill_upsert(
        slug=slug, jurisdiction=Jurisdiction.objects.get(code=code), title=f"Bill {slug}"
    )
    act(bill, Classification.INTRODUCTION, D(2025, 10, 1), chamber=lower)
    if lower_passed:
        act(bill, Classification.PASSAGE, lower_passed, chamber=lower)
    return bill


def act(
    bill: Bill,
    classification: str,
    date: datetime.date | None,
    *,
    chamber: Chamber | None = None,
    sources: tuple[Source, ...] = (),
    **extra,
) -> Event:
    return event_record(
        bill=bill,
        classification=classification,
        description=f"{classification} recorded",
        date=date,
        chamber=chamber,
        sources=sources,
        **extra,
    )


def approve(bill: Bill, date: datetime.date | None, *, sources: tuple[Source, ...] = ()) -> Event:
    """Passage by the upper house: the final approval."""
    _lower, upper = chambers(bill.jurisdiction.code)
    return act(bill, Classification.PASSAGE, date, chamber=upper, sources=sources)


def source(published: datetime.date, precision: str = DatePrecision.DAY) -> Source:
    found, _ = source_get_or_create(
        publisher="CIVICUS",
        title=f"Article of {published}",
        published_on=published,
        published_precision=precision,
    )
    return found


@pytest.fixture
def kz_bill(rules) -> Bill:
    return make_bill("KZ", "kz-bill")


def subscribe(
    email: str,
    *,
    bill: Bill | None = None,
    jurisdiction: Jurisdiction | None = None,
    status: str = Subscription.Status.CONFIRMED,
    language: str = "en",
) -> Subscription:
    return Subscription.objects.create(
        email=email, bill=bill, jurisdiction=jurisdiction, status=status, language=language
    )
