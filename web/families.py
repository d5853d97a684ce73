"""Reads for the bill family pages: the families, and one family's members side by side.

A family page compares laws that copy one another across jurisdictions: where each stands, how
long each parliament and head of state took, and what happened after signature. Public data
only: the timelines are built from `Event.objects.public()`, so internal events never reach the
page; bills, windows and sources carry no staff data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bills.choice_labels import choice_label
from bills.choices import RuleTrigger as Trigger
from bills.models import (
    Bill,
    BillStatus,
    Classification,
    DatePrecision,
    Event,
    Family,
    SigningWindow,
    Source,
)
from bills.translation import display_title, localized
from web.selectors import DISPLAY_TITLE_FIELDS, sources_of_owners, translated_columns
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
class MemberBill:
    """A member bill as the page shows it, in the active language."""

    slug: str
    title: str
    identifier: str
    status: str
    status_label: str
    introduced_on: dt.date | None
    last_action_on: dt.date | None
    lineage: str
    jurisdiction_code: str
    jurisdiction_name: str


@dataclass(frozen=True)
class MemberAction:
    """One public legislative action of a member, in the active language."""

    classification: str
    label: str
    date: dt.date | None
    date_precision: str
    chamber_name: str


@dataclass(frozen=True)
class TimelineMark:
    """One dated public legislative action on a member's row: `offset` days from the final
    approval, at `x` percent of the shared scale."""

    action: MemberAction
    offset: int
    x: float
    kind: str


@dataclass
class FamilyMember:
    bill: MemberBill
    lineage_sources: list[Source]
    # The final approval: its day, or the bounds the record puts on it where no source dates it.
    approved_on: dt.date | None
    approved_between: tuple[dt.date, dt.date] | None
    # The day the head of state signed (or the law came into being without a signature).
    signed_on: dt.date | None
    actions: list[MemberAction]
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
    jurisdiction_name: str
    bills: list[MemberBill]
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


MEMBER_COLUMNS = (
    "id",
    "slug",
    "identifier",
    "status",
    "introduced_on",
    "last_action_on",
    *DISPLAY_TITLE_FIELDS,
    *translated_columns("lineage", "jurisdiction__name"),
    "jurisdiction__code",
)
WINDOW_COLUMNS = (
    "bill_id",
    "status",
    "closed_on",
    "triggered_earliest",
    "triggered_latest",
    "rule__trigger",
)
ACTION_COLUMNS = (
    "bill_id",
    "classification",
    "date",
    "date_precision",
    *translated_columns("chamber__name"),
)


def _member_bill(row: dict[str, Any], language: str | None) -> MemberBill:
    return MemberBill(
        slug=row["slug"],
        title=display_title(row, language),
        identifier=row["identifier"],
        status=row["status"],
        status_label=choice_label(Bill._meta.get_field("status"), row["status"], language),
        introduced_on=row["introduced_on"],
        last_action_on=row["last_action_on"],
        lineage=localized(row, "lineage", language),
        jurisdiction_code=row["jurisdiction__code"],
        jurisdiction_name=localized(row, "jurisdiction__name", language),
    )


def _member_action(row: dict[str, Any], language: str | None) -> MemberAction:
    classification = Event._meta.get_field("classification")
    return MemberAction(
        classification=row["classification"],
        label=choice_label(classification, row["classification"], language),
        date=row["date"],
        date_precision=row["date_precision"],
        chamber_name=(
            localized(row, "chamber__name", language) if row["chamber__name"] is not None else ""
        ),
    )


def _approval(
    *, status: str, windows: list[dict[str, Any]], actions: list[MemberAction]
) -> tuple[dt.date | None, tuple[dt.date, dt.date] | None]:
    """The final approval: the trigger of the bill's first window where the rule runs from it,
    else its last dated chamber passage if its status says it was approved."""
    first = windows[0] if windows else None
    if first is not None and first["rule__trigger"] == Trigger.FINAL_APPROVAL:
        if first["triggered_earliest"] == first["triggered_latest"]:
            return first["triggered_earliest"], None
        return None, (first["triggered_earliest"], first["triggered_latest"])
    if status not in APPROVED_STATUSES and first is None:
        return None, None
    passages = [a for a in actions if a.classification == C.PASSAGE and a.date is not None]
    if not passages:
        return None, None
    last = passages[-1]
    if last.date_precision == DatePrecision.DAY:
        return last.date, None
    return None, None


def _signature(windows: list[dict[str, Any]]) -> dt.date | None:
    for window in windows:
        if window["status"] in ENACTING_WINDOWS and window["closed_on"] is not None:
            return window["closed_on"]
    return None


def family_page(*, family: Family) -> FamilyPage:
    """A family's sources and members, their aligned timelines and the map, in four queries
    (the family's sources with its members' lineage sources; the bills with their
    jurisdictions; their windows and public legislative actions), whatever the number of
    members. The members are plain display data in the active language: model instances of the
    bills and of their dozens of actions cost most of the page."""
    language = get_language()  # once: each read goes through asgiref's Local
    windows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        SigningWindow.objects.filter(bill__family=family)
        .order_by("triggered_earliest", "id")
        .values(*WINDOW_COLUMNS)
    ):
        windows[row["bill_id"]].append(row)
    actions: dict[int, list[MemberAction]] = defaultdict(list)
    for row in (
        Event.objects.public()
        .legislative()
        .filter(bill__family=family)
        .order_by("order")
        .values(*ACTION_COLUMNS)
    ):
        actions[row["bill_id"]].append(_member_action(row, language))
    sources = sources_of_owners(
        {
            "family": Source.objects.filter(families=family).annotate(owner_id=F("families")),
            "lineage": Source.objects.filter(lineage_of__family=family).annotate(
                owner_id=F("lineage_of")
            ),
        }
    )
    members = []
    for row in Bill.objects.filter(family=family).values(*MEMBER_COLUMNS):
        pk = row["id"]
        approved_on, approved_between = _approval(
            status=row["status"], windows=windows[pk], actions=actions[pk]
        )
        members.append(
            FamilyMember(
                bill=_member_bill(row, language),
                lineage_sources=sources["lineage", pk],
                approved_on=approved_on,
                approved_between=approved_between,
                signed_on=_signature(windows[pk]),
                actions=actions[pk],
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
        sources=sources["family", family.pk],
        members=members,
        scale=scale,
        map_svg=_map(family, members),
        legend=_legend(members),
    )


def _align(members: list[FamilyMember]) -> TimelineScale | None:
    """Place each member's day-precision actions on one scale, day 0 its final approval."""
    offsets: dict[int, list[tuple[MemberAction, int]]] = {}
    for index, member in enumerate(members):
        if member.approved_on is None:
            continue
        offsets[index] = [
            (a, (a.date - member.approved_on).days)
            for a in member.actions
            if a.date is not None and a.date_precision == DatePrecision.DAY
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
                action=a, offset=offset, x=scale.x(offset), kind=mark_kind(a.classification)
            )
            for a, offset in row
        ]
    return scale


def _by_jurisdiction(members: list[FamilyMember]) -> dict[str, list[MemberBill]]:
    grouped: dict[str, list[MemberBill]] = {}
    for member in members:
        grouped.setdefault(member.bill.jurisdiction_code, []).append(member.bill)
    return grouped


def _legend(members: list[FamilyMember]) -> list[LegendEntry]:
    drawable = map_codes()
    entries = [
        LegendEntry(
            jurisdiction_name=bills[0].jurisdiction_name, bills=bills, on_map=code in drawable
        )
        for code, bills in _by_jurisdiction(members).items()
    ]
    return sorted(entries, key=lambda e: e.jurisdiction_name)


def _latest(bills: list[MemberBill]) -> MemberBill:
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
            "jurisdiction": bills[0].jurisdiction_name,
            "statuses": "; ".join(b.status_label for b in bills),
        }
    if not statuses:
        return None
    return status_map_svg(
        statuses=statuses,
        labels=labels,
        title=_("Map: where the bills of %(family)s stand") % {"family": family.localized("name")},
    )
