"""What every change to a bill's timeline sets off: derive, write, announce; once per bill.

Every service that changes what a derivation reads (an event, its sources, a chamber, a signing
rule) ends in `record_changed`, in its own transaction: `bill_derive` reads the bill's timeline,
runs the one derivation (bills.derivation.derive), refuses the change with the broken truth
rules' messages, and writes the bill's status and dates and its signing windows. Then the
actions that have just become public are announced (bills.signals.actions_published), for the
alerting app to tell subscribers, and so are the derived facts that moved
(bills.signals.facts_changed), for its webhooks.

Inside `record_batch()` (one admin page with its inlines, one seed run) the derivation runs once
per bill when the batch ends, so the page is judged as a whole rather than form by form, and an
error anywhere rolls the whole batch back.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from bills.choices import WindowPhase
from bills.deadlines import Bounds
from bills.derivation import ActionFact, Cycle, Derivation, derive
from bills.models import Bill, Event, Jurisdiction, SigningRule, SigningWindow
from bills.rules import court_adjusted, rule_in_force, signs_after_override, window_compute
from bills.signals import actions_published, facts_changed

logger = logging.getLogger(__name__)


@dataclass
class _Batch:
    bills: dict[int, Bill] = field(default_factory=dict)
    published: dict[int, list[int]] = field(default_factory=dict)


_current_batch: ContextVar[_Batch | None] = ContextVar("record_batch", default=None)


@contextmanager
def record_batch() -> Iterator[None]:
    """Defer the derivations of the changes made inside to its end, once per bill, all in one
    transaction. Nested batches join the outermost."""
    if _current_batch.get() is not None:
        yield
        return
    batch = _Batch()
    token = _current_batch.set(batch)
    try:
        with transaction.atomic():
            yield
            for pk, bill in batch.bills.items():
                _derive_and_announce(bill, batch.published.get(pk, []))
    finally:
        _current_batch.reset(token)


def record_changed(*, bill: Bill, published: Iterable[Event] = ()) -> None:
    """The bill's timeline (or something its derivation reads) changed.

    `published`: events that have just become public; those that are legislative actions are
    announced once the bill is derived. Outside a batch the derivation runs now."""
    ids = [event.pk for event in published]
    batch = _current_batch.get()
    if batch is None:
        with transaction.atomic():
            _derive_and_announce(bill, ids)
        return
    batch.bills.setdefault(bill.pk, bill)
    batch.published.setdefault(bill.pk, []).extend(ids)


def _derive_and_announce(bill: Bill, published_ids: Sequence[int]) -> None:
    before = _public_facts(bill)
    bill = bill_derive(bill=bill)
    after = _public_facts(bill)
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        facts_changed.send(sender=Bill, bill=bill, changed=changed)
    if not published_ids:
        return
    # Only what is still a public legislative action by now (a batch may have changed it).
    events = list(
        Event.objects.filter(pk__in=published_ids, bill=bill)
        .public()
        .legislative()
        .order_by("order")
    )
    if events:
        actions_published.send(sender=Bill, bill=bill, events=events)


def action_facts(bill: Bill) -> list[ActionFact]:
    """The bill's timeline as the derivation reads it (two queries)."""
    jurisdiction = bill.jurisdiction
    events = (
        Event.objects.filter(bill=bill)
        .select_related("chamber")
        .prefetch_related("sources")
        .order_by("order", "id")
    )
    return [event_fact(event, jurisdiction) for event in events]


def event_fact(event: Event, jurisdiction: Jurisdiction) -> ActionFact:
    chamber = event.chamber
    latest = (source.latest_day() for source in event.sources.all())
    return ActionFact(
        pk=event.pk,
        order=event.order,
        classification=event.classification,
        date=event.date,
        precision=event.date_precision,
        chamber=chamber.classification if chamber is not None else None,
        chamber_name=chamber.name if chamber is not None else "",
        visibility=event.visibility,
        sources_latest=tuple(day for day in latest if day is not None),
        recorded_on=jurisdiction.today(now=event.created_at) if event.created_at else None,
    )


def timeline_derive(bill: Bill, facts: Sequence[ActionFact]) -> Derivation:
    """The derivation of a timeline (real or proposed) of this bill's legislature."""
    jurisdiction = bill.jurisdiction
    chambers = list(jurisdiction.chambers.values_list("classification", flat=True))
    return derive(
        actions=facts,
        chambers=chambers,
        signs_after_override=signs_after_override(jurisdiction=jurisdiction),
    )


@transaction.atomic
def bill_derive(*, bill: Bill) -> Bill:
    """Derive and store the bill's status, introduction and last-action dates and its signing
    windows from its timeline; ValidationError (nothing written) if it breaks a truth rule."""
    bill = Bill.objects.select_for_update().select_related("jurisdiction").get(pk=bill.pk)
    result = timeline_derive(bill, action_facts(bill))
    if result.problems:
        raise ValidationError(
            [ValidationError(p.message, code="timeline") for p in result.problems]
        )
    derived = {
        "status": result.status,
        "introduced_on": result.introduced_on,
        "last_action_on": result.last_action_on,
    }
    changed = [name for name, value in derived.items() if getattr(bill, name) != value]
    if changed:
        for name in changed:
            setattr(bill, name, derived[name])
        bill.save(update_fields=[*changed, "updated_at"])
    windows_sync(bill=bill, cycles=result.cycles)
    return bill


WINDOW_FACTS = (
    "status",
    "phase",
    "triggered_earliest",
    "received_on",
    "closes_earliest",
    "closes_latest",
)
# The windows the executive holds: at most one per bill (a database constraint).
HELD = (SigningWindow.Status.OPEN, SigningWindow.Status.PAUSED)


def _public_facts(bill: Bill) -> dict[str, Any]:
    """What the derivation stores, as stored now (read from the database, not the instance):
    the bill's status and dates, and its windows. Locks the bill's row first, as bill_derive
    does, so that no concurrent change lands between this reading and the derivation."""
    rows = Bill.objects.select_for_update().filter(pk=bill.pk)
    status, introduced_on, last_action_on = rows.values_list(
        "status", "introduced_on", "last_action_on"
    )[0]
    windows = list(
        SigningWindow.objects.filter(bill_id=bill.pk).order_by("id").values_list(*WINDOW_FACTS)
    )
    return {
        "status": status,
        "introduced_on": introduced_on,
        "last_action_on": last_action_on,
        "windows": windows,
    }


def windows_sync(*, bill: Bill, cycles: Sequence[Cycle]) -> SigningWindow | None:
    """Write the windows the cycles open under the rules: the n-th window to the bill's n-th
    window row; rows left over (their trigger was deleted or corrected away) are deleted.
    Returns the open window, if any."""
    wanted = [values for cycle in cycles if (values := _window_values(bill, cycle)) is not None]
    rows = list(SigningWindow.objects.select_for_update().filter(bill=bill).order_by("id"))
    for extra in rows[len(wanted) :]:
        extra.delete()
    pairs: list[tuple[dict[str, Any], SigningWindow | None]] = [
        (values, rows[i] if i < len(rows) else None) for i, values in enumerate(wanted)
    ]
    # Close before opening, so that the one-open-window constraint holds at every statement.
    pairs.sort(key=lambda pair: pair[0]["status"] in HELD)
    open_window = None
    for values, row in pairs:
        window = _window_write(bill=bill, values=values, row=row)
        if window.status in HELD:
            open_window = window
    return open_window


def cycle_trigger(cycle: Cycle, rule: SigningRule) -> tuple[Bounds, datetime.date | None] | None:
    """What the rule counts from in this cycle, and the receipt day once known: the final
    approval or, for presentment rules, the receipt itself; None while that act is unrecorded."""
    # An override's period runs from the override (bills.derivation opens it there).
    if rule.trigger == SigningRule.Trigger.FINAL_APPROVAL or cycle.phase == WindowPhase.OVERRIDE:
        if cycle.approval is None:
            return None
        receipt = cycle.receipt
        exact = receipt is not None and receipt.earliest == receipt.latest
        return cycle.approval, (receipt.earliest if receipt is not None and exact else None)
    return (cycle.receipt, None) if cycle.receipt is not None else None


def _window_values(bill: Bill, cycle: Cycle) -> dict[str, Any] | None:
    anchor = cycle.approval or cycle.receipt
    if anchor is None:
        logger.warning(
            "Bill %s: a final approval with no date and nothing dated before it.", bill.pk
        )
        return None
    jurisdiction = bill.jurisdiction
    # The rule in force when the trigger happened (its earliest day, else its latest).
    rule = rule_in_force(jurisdiction=jurisdiction, on=anchor.earliest) or rule_in_force(
        jurisdiction=jurisdiction, on=anchor.latest
    )
    counted = cycle_trigger(cycle, rule) if rule is not None else None
    if rule is None or counted is None:
        return None
    trigger, received_on = counted
    if not any(step.phase == cycle.phase for step in rule.steps.all()):
        return None  # the rule gives no period for this phase
    dates = window_compute(
        rule=rule,
        triggered_earliest=trigger.earliest,
        triggered_latest=trigger.latest,
        received_on=received_on,
        phase=cycle.phase,
    )
    closes = Bounds(dates.closes_earliest, dates.closes_latest)
    if cycle.referral is not None and cycle.ruling is not None:
        closes = court_adjusted(
            rule=rule, closes=closes, referral=cycle.referral, ruling=cycle.ruling
        )
    return {
        "rule": rule,
        "phase": cycle.phase,
        "triggered_earliest": trigger.earliest,
        "triggered_latest": trigger.latest,
        "received_on": dates.received_on,
        "closes_earliest": closes.earliest,
        "closes_latest": closes.latest,
        "status": cycle.status,
        "closed_on": cycle.closed_on,
    }


def _window_write(
    *, bill: Bill, values: dict[str, Any], row: SigningWindow | None
) -> SigningWindow:
    if row is None:
        row = SigningWindow(bill=bill, **values)
    elif all(getattr(row, name) == value for name, value in values.items()):
        return row
    else:
        for name, value in values.items():
            setattr(row, name, value)
    row.full_clean(validate_constraints=False)
    row.save()
    return row
