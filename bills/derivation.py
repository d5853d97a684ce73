"""The one derivation of a bill's state from its timeline, and the truth rules the timeline keeps.

`derive()` walks the bill's public legislative actions once, in timeline order, and returns its
status, its introduction and last-action dates, and its signing-window cycles (opened by the
final approval, narrowed by the executive's receipt, paused by a referral to the constitutional
court until its ruling, closed by a signature, veto, became-law, a signature in the head of
state's place, withdrawal or lapse; a returned bill that passes again opens the next cycle, and
so does an override where the law gives the head of state a new period to sign). Status and
windows come out of the same loop over the same chambers, so they cannot disagree. Internal and
advocacy events are ignored: they never change the public record.

Pure: plain facts in, plain results out, no database. bills.changes reads the facts, calls it
and writes the result, for every path that changes a timeline (services, admin, seeds, imports).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from bills.choices import (
    ADVOCACY_CLASSIFICATIONS,
    BillStatus,
    ChamberKind,
    Classification,
    DatePrecision,
    Visibility,
    WindowPhase,
    WindowStatus,
)
from bills.deadlines import Bounds

C = Classification

CLOSING: dict[str, tuple[str, str]] = {
    C.EXECUTIVE_SIGNATURE: (WindowStatus.SIGNED, BillStatus.ENACTED),
    C.BECAME_LAW: (WindowStatus.BECAME_LAW, BillStatus.ENACTED),
    C.EXECUTIVE_VETO: (WindowStatus.VETOED, BillStatus.VETOED),
    C.WITHDRAWAL: (WindowStatus.WITHDRAWN, BillStatus.WITHDRAWN),
    # Signed by another in the head of state's place: law without the head of state's signature
    # (Georgia 2024: the Speaker signed after the President declined).
    C.SUBSTITUTE_SIGNATURE: (WindowStatus.BECAME_LAW, BillStatus.ENACTED),
    # Dies with its parliament (e.g. a dissolution at the end of the term).
    C.LAPSE: (WindowStatus.LAPSED, BillStatus.LAPSED),
}
# The executive's own acts on a bill sent to it: dated no earlier than the approval that sent it.
EXECUTIVE_ACTS = frozenset({C.EXECUTIVE_RECEIPT, C.EXECUTIVE_SIGNATURE, C.EXECUTIVE_VETO})
# Acts that end a period the executive holds: there must be one.
NEEDS_WINDOW = EXECUTIVE_ACTS | {C.SUBSTITUTE_SIGNATURE}


@dataclass(frozen=True)
class ActionFact:
    """One timeline event as the derivation sees it."""

    pk: int | None
    order: int
    classification: str
    date: datetime.date | None
    precision: str = DatePrecision.DAY
    chamber: str | None = None  # the acting chamber's kind: lower, upper or unicameral
    chamber_name: str = ""
    visibility: str = Visibility.PUBLIC
    # The latest day each of its sources allows (a month-precision source: the month's end).
    sources_latest: tuple[datetime.date, ...] = ()
    # The day it was entered, in the jurisdiction: an undated act happened no later than that.
    recorded_on: datetime.date | None = None

    @property
    def counts(self) -> bool:
        """Public legislative actions make the record; internal and advocacy events do not."""
        return (
            self.visibility == Visibility.PUBLIC
            and self.classification not in ADVOCACY_CLASSIFICATIONS
        )

    def label(self) -> str:
        """How a message names the event: '#9 (passed, Senate)'."""
        what = C(self.classification).label if self.classification in C.values else "?"
        where = f", {self.chamber_name}" if self.chamber_name else ""
        return f"#{self.order} ({what}{where})"


@dataclass
class Cycle:
    """One passage of the bill to the executive, and how it ended (if it has)."""

    # When the final approval happened: its date, or bounds on it; None if nothing bounds it.
    approval: Bounds | None
    approval_event: int | None = None
    receipt: Bounds | None = None
    receipt_event: int | None = None
    status: str = WindowStatus.OPEN
    closed_on: datetime.date | None = None
    closing_event: int | None = None
    phase: str = WindowPhase.PASSAGE
    # A referral to the constitutional court while the executive holds the bill, and its ruling.
    referral: Bounds | None = None
    referral_event: int | None = None
    ruling: Bounds | None = None
    ruling_event: int | None = None


@dataclass(frozen=True)
class Problem:
    """A truth rule the timeline breaks; `events` are the primary keys it points to."""

    message: str
    events: tuple[int, ...] = ()


@dataclass
class Derivation:
    status: str = BillStatus.INTRODUCED
    introduced_on: datetime.date | None = None
    last_action_on: datetime.date | None = None
    cycles: list[Cycle] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def open_cycle(self) -> Cycle | None:
        """The cycle the executive holds now, running or paused for the court."""
        return next(
            (c for c in self.cycles if c.status in (WindowStatus.OPEN, WindowStatus.PAUSED)), None
        )


def legislature(chamber_kinds: Collection[str]) -> frozenset[str]:
    """The chambers whose passage is a final approval: both houses, or the single chamber
    (a legislature with only one chamber recorded, or none, is treated as that one)."""
    kinds = frozenset(chamber_kinds)
    if not kinds or ChamberKind.UNICAMERAL in kinds:
        return frozenset({ChamberKind.UNICAMERAL})
    return kinds


def month_end(day: datetime.date) -> datetime.date:
    return day + relativedelta(day=31)


def when(acts: Sequence[ActionFact], index: int) -> Bounds | None:
    """When act `index` happened: its day if the source gives it; else bounded below by the
    latest dated act before it and above by the earliest of the dated acts after it, its
    sources' publication and the day it was recorded. None if nothing before it is dated."""
    act = acts[index]
    if act.precision == DatePrecision.DAY and act.date is not None:
        return Bounds(act.date, act.date)
    lows = [a.date for a in acts[:index] if a.date is not None]
    highs = [a.date for a in acts[index + 1 :] if a.date is not None]
    highs += list(act.sources_latest)
    if act.recorded_on is not None:
        highs.append(act.recorded_on)
    if act.precision == DatePrecision.MONTH and act.date is not None:
        lows.append(act.date)
        highs.append(month_end(act.date))
    if not lows:
        return None
    low = max(lows)
    # A source or later act dated before an earlier act is an inconsistent record: trust the
    # acts' order (the executive's acts dated too early are refused by the rules below).
    high = max(min(highs), low) if highs else low
    return Bounds(low, high)


def derive(
    *,
    actions: Sequence[ActionFact],
    chambers: Collection[str],
    signs_after_override: bool = False,
) -> Derivation:
    """Status, dates, signing-window cycles and broken truth rules of a timeline.

    `signs_after_override`: the law gives the head of state a new period to sign an overridden
    bill (Georgia), rather than the override itself making it law (United States)."""
    acts = [a for a in sorted(actions, key=lambda a: (a.order, a.pk or 0)) if a.counts]
    needed = legislature(chambers)
    result = Derivation()
    problems = result.problems
    current: Cycle | None = None
    # Each chamber's passage since the bill last went to the executive.
    passed: dict[str, ActionFact] = {}
    overridden: set[str] = set()
    for index, act in enumerate(acts):
        if act.date is not None and (
            result.last_action_on is None or act.date > result.last_action_on
        ):
            result.last_action_on = act.date
        kind = act.classification
        if kind == C.INTRODUCTION:
            result.status = BillStatus.INTRODUCED
            if result.introduced_on is None:
                result.introduced_on = act.date
        elif kind == C.PASSAGE and act.chamber:
            earlier = passed.get(act.chamber)
            # Two passages by one chamber in one cycle are legitimate (a bill amended by the
            # other house comes back), but not when either lacks its day: then they are most
            # likely one act entered twice, and the window would open from the wrong one.
            if earlier is not None and not (
                earlier.precision == act.precision == DatePrecision.DAY
            ):
                problems.append(_duplicate_passage(earlier, act))
            passed[act.chamber] = act
            if needed <= passed.keys():
                result.status = BillStatus.AWAITING_SIGNATURE
                if current is None:
                    current = Cycle(approval=when(acts, index), approval_event=act.pk)
                    result.cycles.append(current)
            elif act.chamber == ChamberKind.LOWER:
                result.status = BillStatus.PASSED_LOWER
            else:
                result.status = BillStatus.PASSED_UPPER
        elif kind == C.EXECUTIVE_RECEIPT:
            if current is None and result.cycles and not passed:
                problems.append(_receipt_after_close(act, result.cycles[-1]))
                continue
            if current is None:
                # Presentment rules run from the receipt; the approval may not be recorded.
                current = Cycle(approval=None)
                result.cycles.append(current)
            if current.receipt is not None:
                problems.append(
                    Problem(
                        _(
                            "The executive's receipt is already on the timeline (%(earlier)s): "
                            "correct that event instead of recording %(act)s."
                        )
                        % {
                            "earlier": _event_label(acts, current.receipt_event),
                            "act": act.label(),
                        },
                        _pks(current.receipt_event, act.pk),
                    )
                )
                continue
            _check_not_before_approval(problems, act, current, acts)
            current.receipt = when(acts, index)
            current.receipt_event = act.pk
            result.status = BillStatus.AWAITING_SIGNATURE
        elif kind in CLOSING:
            if current is None and kind in NEEDS_WINDOW:
                # Signed or vetoed while nothing was before the executive: on a timeline in
                # date order, an act dated before the approval that sent the bill lands here.
                problems.append(_executive_act_without_window(act, result.cycles))
                continue
            window_status, result.status = CLOSING[kind]
            if current is not None:
                if kind in NEEDS_WINDOW:
                    _check_not_before_approval(problems, act, current, acts)
                    _check_not_before_receipt(problems, act, current, acts)
                current.status = window_status
                current.closed_on = act.date
                current.closing_event = act.pk
                current = None
            # A returned (or enacted) bill must pass again before a new window opens.
            passed = {}
            if kind == C.EXECUTIVE_VETO:
                overridden = set()
        elif kind == C.VETO_OVERRIDE_PASSAGE and act.chamber:
            # An override needs every chamber of the legislature (e.g. US Const. art. I §7).
            overridden.add(act.chamber)
            if needed <= overridden and not signs_after_override:
                result.status = BillStatus.ENACTED
            elif needed <= overridden and current is None:
                result.status = BillStatus.AWAITING_SIGNATURE
                current = Cycle(
                    approval=when(acts, index), approval_event=act.pk, phase=WindowPhase.OVERRIDE
                )
                result.cycles.append(current)
                overridden = set()
        elif kind == C.COURT_REFERRAL and current is not None:
            # Referred while the executive holds the bill: its period waits for the ruling (what
            # the ruling does to it is the rule's, bills.rules.court_adjusted). A referral of a
            # law already signed is recorded and changes nothing here.
            if current.referral is not None:
                problems.append(
                    Problem(
                        _(
                            "%(act)s: this passage of the bill is already before the court "
                            "(%(earlier)s). Correct that event instead."
                        )
                        % {
                            "act": act.label(),
                            "earlier": _event_label(acts, current.referral_event),
                        },
                        _pks(current.referral_event, act.pk),
                    )
                )
                continue
            current.referral = when(acts, index)
            current.referral_event = act.pk
            current.status = WindowStatus.PAUSED
        elif kind == C.COURT_RULING and current is not None and current.referral is not None:
            if current.ruling is None:
                current.ruling = when(acts, index)
                current.ruling_event = act.pk
                current.status = WindowStatus.OPEN
        elif kind == C.FAILURE:
            if current is not None:
                # The executive holds the bill: a chamber's failure now would leave its window
                # open on a failed bill. Its outcome is the executive's act.
                problems.append(
                    Problem(
                        _(
                            "%(act)s comes while the bill awaits the executive (since "
                            "%(approval)s): record the executive's act instead, or correct the "
                            "order of the timeline."
                        )
                        % {
                            "act": act.label(),
                            "approval": _event_label(
                                acts, current.approval_event or current.receipt_event
                            ),
                        },
                        _pks(act.pk, current.approval_event),
                    )
                )
            result.status = BillStatus.FAILED
    if result.introduced_on is not None:
        for act in acts:
            if act.date is not None and act.date < result.introduced_on:
                problems.append(
                    Problem(
                        _(
                            "%(act)s is dated %(date)s, before the bill's introduction on "
                            "%(intro)s. Correct one of the dates."
                        )
                        % {
                            "act": act.label(),
                            "date": act.date.isoformat(),
                            "intro": result.introduced_on.isoformat(),
                        },
                        _pks(act.pk),
                    )
                )
                break
    return result


def _pks(*pks: int | None) -> tuple[int, ...]:
    return tuple(pk for pk in pks if pk is not None)


def _event_label(acts: Sequence[ActionFact], pk: int | None) -> str:
    return next((a.label() for a in acts if a.pk == pk and pk is not None), "?")


def _date_text(act: ActionFact) -> str:
    if act.date is None or act.precision == DatePrecision.UNKNOWN:
        return _("date not given")
    if act.precision == DatePrecision.MONTH:
        return act.date.strftime("%Y-%m")
    return act.date.isoformat()


def _duplicate_passage(earlier: ActionFact, act: ActionFact) -> Problem:
    return Problem(
        _(
            "%(earlier)s is already this chamber's passage of the bill, dated %(when)s. "
            "Complete that event (give it its date and sources) instead of recording a second "
            "passage %(act)s: two passages of one approval would open the signing window from "
            "the wrong one."
        )
        % {"earlier": earlier.label(), "when": _date_text(earlier), "act": act.label()},
        _pks(earlier.pk, act.pk),
    )


def _receipt_after_close(act: ActionFact, last: Cycle) -> Problem:
    return Problem(
        _(
            "%(act)s comes after the executive already acted on the bill (signed, vetoed or "
            "withdrawn), and the bill has not passed again since. Put the receipt before that "
            "act on the timeline, or correct its date."
        )
        % {"act": act.label()},
        _pks(act.pk, last.closing_event),
    )


def _executive_act_without_window(act: ActionFact, cycles: Sequence[Cycle]) -> Problem:
    if cycles:
        message = _(
            "%(act)s comes after the executive has already acted on the bill and before it "
            "was approved again: check its date, or correct the earlier act."
        )
    else:
        message = _(
            "%(act)s is dated before the approval that sent the bill to the executive: check "
            "its date (the timeline follows the dates), or record the approval first."
        )
    return Problem(message % {"act": act.label()}, _pks(act.pk))


def _check_not_before_approval(
    problems: list[Problem], act: ActionFact, cycle: Cycle, acts: Sequence[ActionFact]
) -> None:
    if act.date is None or cycle.approval is None:
        return
    if _latest_day(act) < cycle.approval.earliest:
        problems.append(
            Problem(
                _(
                    "%(act)s is dated %(date)s, before the approval that sent the bill to the "
                    "executive (%(approval)s, on %(approved)s at the earliest)."
                )
                % {
                    "act": act.label(),
                    "date": _date_text(act),
                    "approval": _event_label(acts, cycle.approval_event),
                    "approved": cycle.approval.earliest.isoformat(),
                },
                _pks(act.pk, cycle.approval_event),
            )
        )


def _check_not_before_receipt(
    problems: list[Problem], act: ActionFact, cycle: Cycle, acts: Sequence[ActionFact]
) -> None:
    receipt = cycle.receipt
    if act.date is None or receipt is None:
        return
    if _latest_day(act) < receipt.earliest:
        problems.append(
            Problem(
                _(
                    "%(act)s is dated %(date)s, before the executive received the bill "
                    "(%(receipt)s, on %(received)s at the earliest)."
                )
                % {
                    "act": act.label(),
                    "date": _date_text(act),
                    "receipt": _event_label(acts, cycle.receipt_event),
                    "received": receipt.earliest.isoformat(),
                },
                _pks(act.pk, cycle.receipt_event),
            )
        )


def _latest_day(act: ActionFact) -> datetime.date:
    assert act.date is not None
    return month_end(act.date) if act.precision == DatePrecision.MONTH else act.date
