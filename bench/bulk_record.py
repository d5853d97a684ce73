"""Bulk loading for the benchmarks: big records written with bulk_create, but true to the record.

The benchmarks need tens of thousands of bills, far too many to record one by one through the
services. Each bill's timeline is planned here first; its status, dates and signing windows are
then computed by the record's own code (bills.derivation.derive for the status, bills.rules for
the windows, the same inputs bills.changes.bill_derive reads), so that what is bulk-loaded is what
the services would have derived. `check_sample` proves it: it re-derives a sample of the loaded
bills with bill_derive, in a transaction rolled back, and fails if anything would change.

Every public event cites a source; a vote hangs off the chamber act it decided (bills_vote.action).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from bills.changes import bill_derive, cycle_trigger
from bills.derivation import ActionFact, Cycle, Derivation, derive
from bills.models import (
    Bill,
    Chamber,
    DatePrecision,
    Event,
    Jurisdiction,
    SigningRule,
    SigningWindow,
    Source,
    Visibility,
    Vote,
)
from bills.rules import WindowDates, rule_in_force, window_compute


@dataclass
class PlannedEvent:
    classification: str
    date: datetime.date
    chamber: Chamber | None = None
    description: str = ""
    actor: str = ""
    visibility: str = Visibility.PUBLIC
    source: Source | None = None  # required for a public event
    vote: dict | None = None  # Vote fields (without action) for the vote that decided it


@dataclass
class PlannedBill:
    bill: Bill  # unsaved; status and dates are filled in by `plan_derive`
    events: list[PlannedEvent] = field(default_factory=list)
    derivation: Derivation | None = None


class RecordDeriver:
    """What bills.changes.bill_derive derives for a planned bill, without a query per bill: the
    rule in force and the window dates are computed once per distinct input."""

    def __init__(self) -> None:
        self._rules: dict[tuple[int, datetime.date], SigningRule | None] = {}
        self._dates: dict[tuple, WindowDates] = {}
        self._chambers: dict[int, list[str]] = {}

    def derive(self, planned: PlannedBill) -> Derivation:
        bill = planned.bill
        if bill.jurisdiction_id not in self._chambers:
            self._chambers[bill.jurisdiction_id] = list(
                Chamber.objects.filter(jurisdiction_id=bill.jurisdiction_id).values_list(
                    "classification", flat=True
                )
            )
        today = bill.jurisdiction.today()
        facts = [
            ActionFact(
                pk=None,
                order=order,
                classification=event.classification,
                date=event.date,
                precision=DatePrecision.DAY,
                chamber=event.chamber.classification if event.chamber else None,
                chamber_name=event.chamber.name if event.chamber else "",
                visibility=event.visibility,
                sources_latest=(event.source.latest_day(),)
                if event.source and event.source.published_on
                else (),
                recorded_on=today,
            )
            for order, event in enumerate(planned.events, start=1)
        ]
        result = derive(actions=facts, chambers=self._chambers[bill.jurisdiction_id])
        if result.problems:
            raise ValueError(f"bench plan for {bill.slug} breaks the record's rules: {result}")
        bill.status = result.status
        bill.introduced_on = result.introduced_on
        bill.last_action_on = result.last_action_on
        planned.derivation = result
        return result

    def _rule(self, jurisdiction: Jurisdiction, on: datetime.date) -> SigningRule | None:
        key = (jurisdiction.pk, on)
        if key not in self._rules:
            self._rules[key] = rule_in_force(jurisdiction=jurisdiction, on=on)
        return self._rules[key]

    def windows(self, bill: Bill, cycles: Sequence[Cycle]) -> list[SigningWindow]:
        """The bill's windows, as bills.changes.windows_sync writes them (in cycle order)."""
        rows = []
        for cycle in cycles:
            anchor = cycle.approval or cycle.receipt
            if anchor is None:
                continue
            jurisdiction = bill.jurisdiction
            rule = self._rule(jurisdiction, anchor.earliest) or self._rule(
                jurisdiction, anchor.latest
            )
            if rule is None:
                continue
            counted = cycle_trigger(cycle, rule)
            if counted is None:
                continue
            trigger, received_on = counted
            key = (rule.pk, trigger.earliest, trigger.latest, received_on)
            if key not in self._dates:
                self._dates[key] = window_compute(
                    rule=rule,
                    triggered_earliest=trigger.earliest,
                    triggered_latest=trigger.latest,
                    received_on=received_on,
                )
            dates = self._dates[key]
            rows.append(
                SigningWindow(
                    bill=bill,
                    rule=rule,
                    triggered_earliest=trigger.earliest,
                    triggered_latest=trigger.latest,
                    received_on=dates.received_on,
                    closes_earliest=dates.closes_earliest,
                    closes_latest=dates.closes_latest,
                    status=cycle.status,
                    closed_on=cycle.closed_on,
                )
            )
        return rows


# PostgreSQL's limit of parameters in one query, which server-side binding (the settings' default)
# enforces: an INSERT of batch_size rows binds batch_size times the model's columns.
MAX_PARAMETERS = 65_535


def _batch(model, batch_size: int) -> int:
    return min(batch_size, MAX_PARAMETERS // len(model._meta.concrete_fields))


def bulk_load(planned: Sequence[PlannedBill], *, batch_size: int = 5000) -> list[Bill]:
    """Write the planned bills, their events (with sources), votes and derived windows, in
    batches of at most `batch_size` rows (fewer where a batch would bind too many parameters)."""
    deriver = RecordDeriver()
    for plan in planned:
        deriver.derive(plan)
    bills = Bill.objects.bulk_create(
        [plan.bill for plan in planned], batch_size=_batch(Bill, batch_size)
    )
    events: list[Event] = []
    for plan in planned:
        for order, event in enumerate(plan.events, start=1):
            if event.visibility == Visibility.PUBLIC and event.source is None:
                raise ValueError(f"{plan.bill.slug}: a public event without a source")
            events.append(
                Event(
                    bill=plan.bill,
                    order=order,
                    classification=event.classification,
                    chamber=event.chamber,
                    actor=event.actor,
                    description=event.description or f"{event.classification}.",
                    date=event.date,
                    date_precision=DatePrecision.DAY,
                    visibility=event.visibility,
                )
            )
    Event.objects.bulk_create(events, batch_size=_batch(Event, batch_size))
    through = Event.sources.through
    planned_events = [event for plan in planned for event in plan.events]
    through.objects.bulk_create(
        [
            through(event_id=row.pk, source_id=event.source.pk)
            for row, event in zip(events, planned_events, strict=True)
            if event.source is not None
        ],
        batch_size=_batch(through, batch_size),
    )
    Vote.objects.bulk_create(
        [
            Vote(action=row, **event.vote)
            for row, event in zip(events, planned_events, strict=True)
            if event.vote is not None
        ],
        batch_size=_batch(Vote, batch_size),
    )
    windows = []
    for plan in planned:
        assert plan.derivation is not None
        windows += deriver.windows(plan.bill, plan.derivation.cycles)
    # Closed windows first: at most one open window per bill at every statement.
    windows.sort(key=lambda window: window.status == SigningWindow.Status.OPEN)
    SigningWindow.objects.bulk_create(windows, batch_size=_batch(SigningWindow, batch_size))
    return bills


class _Rollback(Exception):
    pass


def _snapshot(bill: Bill) -> tuple:
    bill = Bill.objects.get(pk=bill.pk)
    windows = list(
        SigningWindow.objects.filter(bill=bill)
        .order_by("id")
        .values_list(
            "rule_id",
            "triggered_earliest",
            "triggered_latest",
            "received_on",
            "closes_earliest",
            "closes_latest",
            "status",
            "closed_on",
        )
    )
    return bill.status, bill.introduced_on, bill.last_action_on, windows


def check_sample(bills: Sequence[Bill], *, size: int = 50, seed: int = 0) -> int:
    """Derive a random sample of the loaded bills again with bills.changes.bill_derive (rolled
    back) and fail if their status, dates or windows would change. Returns the sample size."""
    sample = random.Random(seed).sample(list(bills), min(size, len(bills)))
    for bill in sample:
        before = _snapshot(bill)
        try:
            with transaction.atomic():
                bill_derive(bill=bill)
                after = _snapshot(bill)
                raise _Rollback
        except _Rollback:
            pass
        if after != before:
            raise SystemExit(
                f"bulk-loaded bill {bill.slug} is not what the record derives:\n"
                f"  loaded  {before}\n  derived {after}"
            )
    return len(sample)
