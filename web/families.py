"""Reads for the bill family pages: the families, and one family's members side by side.

A family page compares laws that copy one another across jurisdictions: where each stands, how
long each parliament and head of state took, and what happened after signature. Public data
only: the timelines are built from `Event.objects.public()`, so internal events never reach the
page; bills, windows and sources carry no staff data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from bills.choices import RuleTrigger as Trigger
from bills.models import (
    Bill,
    BillStatus,
    Classification,
    DatePrecision,
    Event,
    Family,
    Jurisdiction,
    SigningWindow,
    Source,
)
from web.status_map import map_codes, status_map_svg

C = Classification

# Statuses a bill reaches only through its final approval: where no signing window records that
# approval (a jurisdiction without a signing rule in the record), its last passage is the one.
APPROVED_STATUSES = frozenset(
    {BillStatus.AWAITING_SIGNATURE, BillStatus.ENACTED, BillStatus.VETOED}
)
# The windows that end in law: their closing date is the signature (or the day it became law).
ENACTING_WINDOWS = frozenset({SigningWindow.Status.SIGNED, SigningWindow.Status.BECAME_LAW})

# How a timeline mark is drawn: the chambers' acts, the executive's, and the law's life after.
EXECUTIVE_ACTS = frozenset(
    {
        C.EXECUTIVE_RECEIPT,
        C.EXECUTIVE_SIGNATURE,
        C.EXECUTIVE_VETO,
        C.BECAME_LAW,
        C.SUBSTITUTE_SIGNATURE,
        C.WITHDRAWAL,
        C.LAPSE,
    }
)
AFTER_ACTS = frozenset(
    {C.COURT_REFERRAL, C.COURT_RULING, C.PUBLICATION, C.ENTRY_INTO_FORCE, C.ENFORCEMENT_CASE}
)


def mark_kind(classification: str) -> str:
    if classification in EXECUTIVE_ACTS:
        return "executive"
    if classification in AFTER_ACTS:
        return "after"
    return "chamber"


def family_list() -> list[Family]:
    """Every family, by name, annotated with `member_count` (its bills). One query."""
    return list(Family.objects.annotate(member_count=Count("bills")).order_by("name", "slug"))


def family_get(*, slug: str) -> Family:
    """One family (one query), or 404."""
    return get_object_or_404(Family, slug=slug)


@dataclass(frozen=True)
class TimelineMark:
    """One dated public legislative action on a member's row: `offset` days from the final
    approval, at `x` percent of the shared scale."""

    event: Event
    offset: int
    x: float
    kind: str


@dataclass
class FamilyMember:
    bill: Bill
    lineage_sources: list[Source]
    # The final approval: its day, or the bounds the record puts on it where no source dates it.
    approved_on: dt.date | None
    approved_between: tuple[dt.date, dt.date] | None
    # The day the head of state signed (or the law came into being without a signature).
    signed_on: dt.date | None
    actions: list[Event]
    marks: list[TimelineMark] = field(default_factory=list)

    @property
    def days_to_signature(self) -> int | None:
        if self.approved_on is None or self.signed_on is None:
            return None
        return (self.signed_on - self.approved_on).days

    @property
    def undrawn(self) -> int:
        """Public actions not on the row: without a day, or the row has no day 0."""
        return len(self.actions) - len(self.marks)


@dataclass(frozen=True)
class TimelineScale:
    """The days the aligned timelines span (day 0 is each member's final approval)."""

    start: int
    end: int

    def x(self, offset: int) -> float:
        # 1 to 99 of the row's 100 units: a mark on the first or last day is drawn whole.
        return round(1 + (offset - self.start) / (self.end - self.start) * 98, 2)

    @property
    def zero_x(self) -> float:
        return self.x(0)


@dataclass(frozen=True)
class LegendEntry:
    jurisdiction: Jurisdiction
    bills: list[Bill]
    on_map: bool


@dataclass
class FamilyPage:
    family: Family
    sources: list[Source]
    members: list[FamilyMember]
    scale: TimelineScale | None
    map_svg: SafeString | None
    legend: list[LegendEntry]

    @property
    def aligned(self) -> list[FamilyMember]:
        """The members with a dated final approval: those the timelines can align."""
        return [m for m in self.members if m.approved_on is not None]

    @property
    def unaligned(self) -> list[FamilyMember]:
        return [m for m in self.members if m.approved_on is None]


def _members(family: Family) -> QuerySet[Bill]:
    return (
        Bill.objects.filter(family=family)
        .select_related("jurisdiction")
        .defer("search_vector")
        .prefetch_related(
            "lineage_sources",
            Prefetch(
                "windows",
                queryset=SigningWindow.objects.select_related("rule").order_by(
                    "triggered_earliest", "id"
                ),
                to_attr="window_list",
            ),
            Prefetch(
                "events",
                queryset=Event.objects.public()
                .legislative()
                .select_related("chamber")
                .order_by("order"),
                to_attr="public_actions",
            ),
        )
    )


def _approval(bill: Bill) -> tuple[dt.date | None, tuple[dt.date, dt.date] | None]:
    """The final approval: the trigger of the bill's first window where the rule runs from it,
    else its last dated chamber passage if its status says it was approved."""
    windows: list[SigningWindow] = bill.window_list  # type: ignore[attr-defined]
    first = windows[0] if windows else None
    if first is not None and first.rule.trigger == Trigger.FINAL_APPROVAL:
        if first.triggered_earliest == first.triggered_latest:
            return first.triggered_earliest, None
        return None, (first.triggered_earliest, first.triggered_latest)
    if bill.status not in APPROVED_STATUSES and first is None:
        return None, None
    passages = [
        e
        for e in bill.public_actions  # type: ignore[attr-defined]
        if e.classification == C.PASSAGE and e.date is not None
    ]
    if not passages:
        return None, None
    last = passages[-1]
    if last.date_precision == DatePrecision.DAY:
        return last.date, None
    return None, None


def _signature(bill: Bill) -> dt.date | None:
    for window in bill.window_list:  # type: ignore[attr-defined]
        if window.status in ENACTING_WINDOWS and window.closed_on is not None:
            return window.closed_on
    return None


def family_page(*, family: Family) -> FamilyPage:
    """A family's sources and members, their aligned timelines and the map, in five queries
    (the family's sources; the bills with their jurisdictions; their lineage sources, windows
    and public legislative actions), whatever the number of members."""
    members = []
    for bill in _members(family):
        approved_on, approved_between = _approval(bill)
        members.append(
            FamilyMember(
                bill=bill,
                lineage_sources=list(bill.lineage_sources.all()),
                approved_on=approved_on,
                approved_between=approved_between,
                signed_on=_signature(bill),
                actions=list(bill.public_actions),  # type: ignore[attr-defined]
            )
        )
    far = dt.date.max
    members.sort(
        key=lambda m: (
            m.approved_on or (m.approved_between or (far,))[0],
            m.bill.introduced_on or far,
            m.bill.slug,
        )
    )
    scale = _align(members)
    return FamilyPage(
        family=family,
        sources=list(family.sources.all()),
        members=members,
        scale=scale,
        map_svg=_map(family, members),
        legend=_legend(members),
    )


def _align(members: list[FamilyMember]) -> TimelineScale | None:
    """Place each member's day-precision actions on one scale, day 0 its final approval."""
    offsets: dict[int, list[tuple[Event, int]]] = {}
    for index, member in enumerate(members):
        if member.approved_on is None:
            continue
        offsets[index] = [
            (e, (e.date - member.approved_on).days)
            for e in member.actions
            if e.date is not None and e.date_precision == DatePrecision.DAY
        ]
    if not offsets:
        return None
    every = [offset for row in offsets.values() for _, offset in row] + [0]
    start, end = min(every), max(every)
    if start == end:
        start, end = start - 1, end + 1
    scale = TimelineScale(start=start, end=end)
    for index, row in offsets.items():
        members[index].marks = [
            TimelineMark(
                event=e, offset=offset, x=scale.x(offset), kind=mark_kind(e.classification)
            )
            for e, offset in row
        ]
    return scale


def _by_jurisdiction(members: list[FamilyMember]) -> dict[str, list[Bill]]:
    grouped: dict[str, list[Bill]] = {}
    for member in members:
        grouped.setdefault(member.bill.jurisdiction.code, []).append(member.bill)
    return grouped


def _legend(members: list[FamilyMember]) -> list[LegendEntry]:
    drawable = map_codes()
    entries = [
        LegendEntry(jurisdiction=bills[0].jurisdiction, bills=bills, on_map=code in drawable)
        for code, bills in _by_jurisdiction(members).items()
    ]
    return sorted(entries, key=lambda e: e.jurisdiction.localized("name"))


def _latest(bills: list[Bill]) -> Bill:
    """The bill that shows a country's colour where it has several: the one that acted last."""
    return max(
        bills, key=lambda b: (b.last_action_on or dt.date.min, b.introduced_on or dt.date.min)
    )


def _map(family: Family, members: list[FamilyMember]) -> SafeString | None:
    """The member countries coloured by status (jurisdictions that are not countries, such as
    US-CA, are left off: the legend lists them). None when no member can be drawn."""
    drawable = map_codes()
    statuses: dict[str, str] = {}
    labels: dict[str, str] = {}
    for code, bills in _by_jurisdiction(members).items():
        if code not in drawable:
            continue
        statuses[code] = _latest(bills).status
        labels[code] = _("%(jurisdiction)s: %(statuses)s") % {
            "jurisdiction": bills[0].jurisdiction.localized("name"),
            "statuses": "; ".join(str(b.get_status_display()) for b in bills),
        }
    if not statuses:
        return None
    return status_map_svg(
        statuses=statuses,
        labels=labels,
        title=_("Map: where the bills of %(family)s stand") % {"family": family.localized("name")},
    )
