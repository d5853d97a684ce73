"""Signing rules and windows: loading the rules, computing a window, and keeping each bill's
window in step with its recorded actions.

The date arithmetic itself is in bills.deadlines (pure, no database).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bills import deadlines
from bills.models import (
    Bill,
    Chamber,
    DatePrecision,
    Jurisdiction,
    SigningRule,
    SigningRuleStep,
    SigningWindow,
)

logger = logging.getLogger(__name__)

RULES_FILE = Path(settings.BASE_DIR) / "seeds" / "signing_rules.yaml"

RULE_FIELDS = (
    "name",
    "legal_source",
    "source_url",
    "in_force_from",
    "in_force_until",
    "trigger",
    "lapse_effect",
    "lapse_note",
    "alert_days",
)
STEP_FIELDS = ("label", "length", "unit", "ends_with_receipt", "extends_past_holidays")
DEFAULT_ALERT_DAYS = [7, 3, 1, 0]


# --- Time zones and calendars -------------------------------------------------------------------


def jurisdiction_today(jurisdiction: Jurisdiction, now: datetime.datetime | None = None):
    """Today's date where the jurisdiction is: deadlines are dates in its time zone."""
    now = now or timezone.now()
    return now.astimezone(ZoneInfo(jurisdiction.timezone)).date()


def rule_calendar(rule: SigningRule) -> deadlines.WorkCalendar:
    jurisdiction = rule.jurisdiction
    return deadlines.work_calendar(jurisdiction.holiday_country, jurisdiction.holiday_subdivision)


def rule_steps(rule: SigningRule) -> list[deadlines.Step]:
    return [
        deadlines.Step(
            length=s.length,
            unit=s.unit,
            ends_with_receipt=s.ends_with_receipt,
            extends_past_holidays=s.extends_past_holidays,
        )
        for s in rule.steps.all()  # ordered by `order`
    ]


def rule_in_force(*, jurisdiction: Jurisdiction, on: datetime.date) -> SigningRule | None:
    """The jurisdiction's rule in force on that date (the latest one to start, if they overlap)."""
    return (
        SigningRule.objects.filter(jurisdiction=jurisdiction)
        .filter(Q(in_force_from__isnull=True) | Q(in_force_from__lte=on))
        .filter(Q(in_force_until__isnull=True) | Q(in_force_until__gte=on))
        .select_related("jurisdiction")
        .prefetch_related("steps")
        .order_by(F("in_force_from").desc(nulls_last=True))
        .first()
    )


@dataclass(frozen=True)
class WindowDates:
    rule: str
    opens: datetime.date
    triggered_latest: datetime.date
    received_on: datetime.date | None
    closes_earliest: datetime.date
    closes_latest: datetime.date

    def as_json(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "opens": self.opens.isoformat(),
            "closes_earliest": self.closes_earliest.isoformat(),
            "closes_latest": self.closes_latest.isoformat(),
        }


def window_compute(
    *,
    rule: SigningRule,
    triggered_earliest: datetime.date,
    triggered_latest: datetime.date | None = None,
    received_on: datetime.date | None = None,
) -> WindowDates:
    """The window a trigger (a date, or bounds on it) opens under `rule`; ValidationError if the
    dates are inconsistent."""
    triggered_latest = triggered_latest or triggered_earliest
    if triggered_latest < triggered_earliest:
        raise ValidationError("The trigger's latest date is before its earliest date.")
    if rule.trigger == SigningRule.Trigger.EXECUTIVE_RECEIPT:
        # Presentment rules: the receipt is the trigger itself.
        if received_on is not None and received_on != triggered_earliest == triggered_latest:
            raise ValidationError(
                f"Rule {rule.code} runs from the executive's receipt: the receipt date "
                f"({received_on}) must be the trigger date ({triggered_earliest})."
            )
        received_on = triggered_earliest if triggered_earliest == triggered_latest else None
    elif received_on is not None and received_on < triggered_earliest:
        raise ValidationError(
            f"The receipt date {received_on} is before the final approval ({triggered_earliest})."
        )
    bounds = deadlines.close_bounds(
        deadlines.Bounds(triggered_earliest, triggered_latest),
        rule_steps(rule),
        received_on=received_on,
        calendar=rule_calendar(rule),
    )
    return WindowDates(
        rule=rule.code,
        opens=triggered_earliest,
        triggered_latest=triggered_latest,
        received_on=received_on,
        closes_earliest=bounds.earliest,
        closes_latest=bounds.latest,
    )


# --- Loading the rules from data ----------------------------------------------------------------


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    jurisdictions_created: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"signing rules: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged; {len(self.jurisdictions_created)} jurisdictions "
            "created"
        )


def _date(value: Any, where: str) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(f"{where}: {value!r} is not a date (YYYY-MM-DD).") from exc


@transaction.atomic
def rules_load(*, path: Path | str | None = None, data: dict | None = None) -> LoadReport:
    """Create or update the signing rules (and any missing jurisdiction) from the YAML file.

    Idempotent: a second run reports everything unchanged. Open windows under a changed rule are
    recomputed. Raises ValidationError (and writes nothing) on bad data.
    """
    from bills.services import jurisdiction_upsert

    if data is None:
        data = yaml.safe_load(Path(path or RULES_FILE).read_text(encoding="utf-8")) or {}
    report = LoadReport()
    for spec in data.get("jurisdictions", []):
        code = spec.get("code", "")
        if not Jurisdiction.objects.filter(code=code).exists():
            try:
                jurisdiction_upsert(**spec)
            except TypeError as exc:  # an unknown or missing key in the YAML
                raise ValidationError(f"jurisdiction {code or '?'}: {exc}") from exc
            report.jurisdictions_created.append(code)
    for spec in data.get("rules", []):
        rule, outcome = _rule_upsert(spec)
        getattr(report, outcome).append(rule.code)
        if outcome == "updated":
            for window in rule.windows.filter(status=SigningWindow.Status.OPEN):
                window_sync_for_bill(bill=window.bill)
    return report


def _alert_days(value: Any, where: str) -> list[int]:
    try:
        return sorted({int(d) for d in value}, reverse=True)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{where}: alert_days must be a list of whole days.") from exc


def _rule_upsert(spec: dict[str, Any]) -> tuple[SigningRule, str]:
    code = spec.get("code") or ""
    where = f"signing rule {code or '?'}"
    try:
        jurisdiction = Jurisdiction.objects.get(code=spec.get("jurisdiction"))
    except Jurisdiction.DoesNotExist as exc:
        raise ValidationError(
            f"{where}: unknown jurisdiction {spec.get('jurisdiction')!r}."
        ) from exc
    values: dict[str, Any] = {
        "jurisdiction": jurisdiction,
        "name": spec.get("name", ""),
        "legal_source": " ".join(str(spec.get("legal_source", "")).split()),
        "source_url": spec.get("source_url", ""),
        "in_force_from": _date(spec.get("in_force_from"), where),
        "in_force_until": _date(spec.get("in_force_until"), where),
        "trigger": spec.get("trigger", ""),
        "lapse_effect": spec.get("lapse_effect", ""),
        "lapse_note": " ".join(str(spec.get("lapse_note", "")).split()),
        "alert_days": _alert_days(spec.get("alert_days", DEFAULT_ALERT_DAYS), where),
    }
    if any(d < 0 for d in values["alert_days"]):
        raise ValidationError(f"{where}: alert_days must be 0 or more days before the close.")
    steps = [
        {
            "order": index,
            "label": step.get("label", ""),
            "length": step.get("length"),
            "unit": step.get("unit", ""),
            "ends_with_receipt": bool(step.get("ends_with_receipt", False)),
            "extends_past_holidays": bool(step.get("extends_past_holidays", False)),
        }
        for index, step in enumerate(spec.get("steps") or [], start=1)
    ]
    if not steps:
        raise ValidationError(f"{where}: a rule needs at least one step.")
    receipt_steps = sum(s["ends_with_receipt"] for s in steps)
    if values["trigger"] == SigningRule.Trigger.EXECUTIVE_RECEIPT and receipt_steps:
        raise ValidationError(f"{where}: a rule triggered by the receipt has no transmission step.")
    rule = SigningRule.objects.filter(code=code).first()
    if rule is None:
        rule = SigningRule(code=code, **values)
        outcome = "created"
    else:
        current_steps = [
            {"order": s.order, **{f: getattr(s, f) for f in STEP_FIELDS}} for s in rule.steps.all()
        ]
        changed = [name for name, value in values.items() if getattr(rule, name) != value]
        if not changed and current_steps == steps:
            return rule, "unchanged"
        for name in changed:
            setattr(rule, name, values[name])
        outcome = "updated"
    rule.full_clean()
    rule.save()
    rule.steps.all().delete()
    for step in steps:
        row = SigningRuleStep(rule=rule, **step)
        try:
            row.full_clean()
        except ValidationError as exc:
            raise ValidationError(f"{where}, step {step['order']}: {exc.messages}") from exc
        row.save()
    return rule, outcome


# --- Windows from the record --------------------------------------------------------------------

# Action classifications (events.models.Classification values; no import: events depends on bills).
PASSAGE = "passage"
EXECUTIVE_RECEIPT = "executive-receipt"
CLOSING = {
    "executive-signature": SigningWindow.Status.SIGNED,
    "executive-veto": SigningWindow.Status.VETOED,
    "became-law": SigningWindow.Status.BECAME_LAW,
    "withdrawal": SigningWindow.Status.WITHDRAWN,
}


@dataclass
class _Cycle:
    """One window derived from the actions: trigger bounds, receipt, closing."""

    rule: SigningRule
    triggered_earliest: datetime.date
    triggered_latest: datetime.date
    received_on: datetime.date | None = None
    status: str = SigningWindow.Status.OPEN
    closed_on: datetime.date | None = None


def _month_end(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )


def _action_bounds(
    actions: Sequence[Any], index: int, jurisdiction: Jurisdiction
) -> tuple[datetime.date, datetime.date] | None:
    """When action `index` happened: its date if the source gives the day; else bounded below by
    the latest dated action before it and above by the earliest of its sources' publication, the
    dated actions after it and the day it was recorded."""
    action = actions[index]
    if action.date_precision == DatePrecision.DAY and action.date is not None:
        return action.date, action.date
    lows: list[datetime.date] = []
    highs: list[datetime.date] = [jurisdiction_today(jurisdiction, action.created_at)]
    if action.date_precision == DatePrecision.MONTH and action.date is not None:
        lows.append(action.date)
        highs.append(_month_end(action.date))
    lows += [a.date for a in actions[:index] if a.date is not None]
    for later in actions[index + 1 :]:
        if later.date is not None:
            highs.append(later.date)
    for source in action.sources.all():
        if source.published_on is not None:
            published = source.published_on
            if source.published_precision == DatePrecision.MONTH:
                published = _month_end(published)
            highs.append(published)
    if not lows:
        return None
    low, high = max(lows), min(highs)
    if low > high:
        # Inconsistent record (e.g. a source dated before an earlier action): trust the action.
        high = low
    return low, high


def _derive_cycles(bill: Bill) -> list[_Cycle]:
    from events.models import Event

    jurisdiction = bill.jurisdiction
    actions = list(
        Event.objects.filter(bill=bill)
        .public()
        .legislative()
        .select_related("chamber")
        .prefetch_related("sources")
        .order_by("order", "id")
    )
    needed = set(jurisdiction.chambers.values_list("classification", flat=True))
    if not needed or Chamber.Classification.UNICAMERAL in needed:
        needed = {Chamber.Classification.UNICAMERAL}
    cycles: list[_Cycle] = []
    current: _Cycle | None = None
    passed: set[str] = set()
    for index, action in enumerate(actions):
        kind = action.classification
        if kind == PASSAGE and action.chamber_id:
            passed.add(action.chamber.classification)
            if current is None and needed <= passed:
                current = _open_cycle(actions, index, jurisdiction, "final-approval")
                if current is not None:
                    cycles.append(current)
        elif kind == EXECUTIVE_RECEIPT:
            if current is None:
                current = _open_cycle(actions, index, jurisdiction, "executive-receipt")
                if current is not None:
                    cycles.append(current)
            elif current.received_on is None and action.date_precision == DatePrecision.DAY:
                current.received_on = action.date
        elif kind in CLOSING and current is not None:
            current.status = CLOSING[kind]
            current.closed_on = action.date
            current = None
            # A returned bill must pass again before a new window opens.
            passed = set()
    return cycles


def _open_cycle(
    actions: Sequence[Any], index: int, jurisdiction: Jurisdiction, trigger: str
) -> _Cycle | None:
    bounds = _action_bounds(actions, index, jurisdiction)
    if bounds is None:
        logger.warning(
            "Bill %s: the %s action has no date and nothing before it is dated; no window.",
            actions[index].bill_id,
            trigger,
        )
        return None
    rule = rule_in_force(jurisdiction=jurisdiction, on=bounds[0]) or rule_in_force(
        jurisdiction=jurisdiction, on=bounds[1]
    )
    if rule is None or rule.trigger != trigger:
        return None
    cycle = _Cycle(rule=rule, triggered_earliest=bounds[0], triggered_latest=bounds[1])
    if trigger == "executive-receipt" and bounds[0] == bounds[1]:
        cycle.received_on = bounds[0]
    return cycle


@transaction.atomic
def window_sync_for_bill(*, bill: Bill) -> SigningWindow | None:
    """Open, update or close the bill's signing window from its public legislative actions.

    Called by every service that records an action or vote, in the same transaction. Windows are
    derived data: the n-th window derived from the actions is written to the bill's n-th window
    row; rows left over (their trigger was deleted or corrected away) are deleted. Returns the
    bill's open window, if any.
    """
    bill = Bill.objects.select_related("jurisdiction").get(pk=bill.pk)
    cycles = _derive_cycles(bill)
    rows = list(SigningWindow.objects.select_for_update().filter(bill=bill).order_by("id"))
    for extra in rows[len(cycles) :]:
        extra.delete()
    rows = rows[: len(cycles)]
    # Close before opening, so that the one-open-window constraint holds at every statement.
    pairs = list(zip(cycles, [*rows, *([None] * (len(cycles) - len(rows)))], strict=True))
    pairs.sort(key=lambda pair: pair[0].status == SigningWindow.Status.OPEN)
    open_window = None
    for cycle, row in pairs:
        window = _window_write(bill=bill, cycle=cycle, row=row)
        if window.status == SigningWindow.Status.OPEN:
            open_window = window
    return open_window


def _window_write(*, bill: Bill, cycle: _Cycle, row: SigningWindow | None) -> SigningWindow:
    dates = window_compute(
        rule=cycle.rule,
        triggered_earliest=cycle.triggered_earliest,
        triggered_latest=cycle.triggered_latest,
        received_on=cycle.received_on,
    )
    values = {
        "rule": cycle.rule,
        "triggered_earliest": cycle.triggered_earliest,
        "triggered_latest": cycle.triggered_latest,
        "received_on": dates.received_on,
        "closes_earliest": dates.closes_earliest,
        "closes_latest": dates.closes_latest,
        "status": cycle.status,
        "closed_on": cycle.closed_on,
    }
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


def windows_open_for(bills: Iterable[Bill]) -> dict[int, SigningWindow]:
    """The open window of each bill, by bill id (one query)."""
    windows = SigningWindow.objects.filter(
        bill__in=list(bills), status=SigningWindow.Status.OPEN
    ).select_related("rule")
    return {w.bill_id: w for w in windows}
