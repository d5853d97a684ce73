"""Reads for the public web: each page's data in a fixed number of queries, whatever the row count.

Every selector here returns public data only: timeline events are filtered with
`Event.objects.public()`; internal events never leave this module.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import get_language

from bills.choice_labels import choice_label
from bills.executive import ExecutiveRecord, executive_record, head_of_state
from bills.models import (
    Bill,
    BillStatus,
    Event,
    Family,
    Jurisdiction,
    MemberVote,
    SigningWindow,
    Source,
    Subject,
    Vote,
)
from bills.translation import LANGUAGE_SUFFIXES, display_title, localized

RECENT_BILLS = 10
SOONEST_WINDOWS = 10
RECENT_WINDOWS = 5
BOARD_BILLS_PER_CELL = 3
BOARD_TITLE_CHARS = 80
# The columns of a translated field (title, name): English, then each translation.
TITLE_SUFFIXES = ("", *LANGUAGE_SUFFIXES.values())


def translated_columns(*fields: str) -> tuple[str, ...]:
    """The columns of each of `fields` in every language ("jurisdiction__name",
    "jurisdiction__name_ru", …), as localized() reads them from a values() row."""
    return tuple(f"{field}{suffix}" for field in fields for suffix in TITLE_SUFFIXES)


# The columns a display title comes from (Bill.display_title).
DISPLAY_TITLE_FIELDS = translated_columns("title", "short_title")
FEED_ITEMS = 50

# The order of a bill's life, for the dashboard board (columns) and the status filter.
STATUS_ORDER = list(BillStatus)


@dataclass(frozen=True)
class WindowProgress:
    """How far a signing window has run, computed in its jurisdiction's time zone.

    The bar runs from the earliest trigger date to the latest possible close; `earliest_pct`
    marks the earliest close, so the stretch between the two is the unknown part.
    """

    window: SigningWindow
    today: dt.date
    days_to_earliest: int
    days_to_latest: int
    elapsed_pct: float
    earliest_pct: float

    @property
    def exact(self) -> bool:
        return self.window.closes_earliest == self.window.closes_latest

    @property
    def is_open(self) -> bool:
        return self.window.status == SigningWindow.Status.OPEN

    @property
    def overdue(self) -> bool:
        return self.is_open and self.days_to_latest < 0


def window_progress(
    window: SigningWindow, *, now: dt.datetime | None = None, today: dt.date | None = None
) -> WindowProgress:
    """The countdown and bar of one window on `today` in its jurisdiction (by default, read from
    `window.bill.jurisdiction`, which must be loaded already)."""
    if today is None:
        today = window.bill.jurisdiction.today(now=now)
    start, end = window.triggered_earliest, window.closes_latest
    span = max((end - start).days, 1)

    def pct(day: dt.date) -> float:
        return round(min(max((day - start).days / span, 0.0), 1.0) * 100, 1)

    return WindowProgress(
        window=window,
        today=today,
        days_to_earliest=(window.closes_earliest - today).days,
        days_to_latest=(window.closes_latest - today).days,
        elapsed_pct=pct(today),
        earliest_pct=pct(window.closes_earliest),
    )


def _windows() -> QuerySet[SigningWindow]:
    return SigningWindow.objects.select_related("bill__jurisdiction", "rule")


def _today_by_time_zone() -> Callable[[str], dt.date]:
    """Today in a jurisdiction's time zone, as Jurisdiction.today() gives it, worked out once per
    zone for the rows of one list."""
    return functools.cache(lambda zone: Jurisdiction(timezone=zone).today())


@dataclass(frozen=True)
class WindowCard:
    """A signing window as the dashboard lists it, ready to print in the active language: its
    bill, the jurisdiction and its head of state's title, and the countdown."""

    slug: str
    title: str
    jurisdiction: str
    executive_title: str
    progress: WindowProgress


# The window's own columns a card shows.
_WINDOW_CARD_FIELDS = (
    "id",
    "status",
    "closed_on",
    "triggered_earliest",
    "triggered_latest",
    "closes_earliest",
    "closes_latest",
)


_CARD_JURISDICTION = "bill__jurisdiction__"


def _built_once(build: Callable[[], QuerySet[Any, Any]]) -> Callable[[], QuerySet[Any, Any]]:
    """A query that `build` makes once per process, each call given a copy of it: resolving a
    values() query's columns through their joins cost a third of a card list's read. The copy
    is what is filtered, sliced and read, never the one kept (which would keep its rows)."""
    built = functools.cache(build)
    return lambda: built().all()


# The windows as their cards read them, as plain values.
_window_rows = _built_once(
    lambda: SigningWindow.objects.values(
        *_WINDOW_CARD_FIELDS,
        "bill__slug",
        *(f"bill__{name}" for name in DISPLAY_TITLE_FIELDS),
        *translated_columns(f"{_CARD_JURISDICTION}name", f"{_CARD_JURISDICTION}executive_title"),
        f"{_CARD_JURISDICTION}timezone",
    )
)


def _window_cards(windows: QuerySet[SigningWindow, dict[str, Any]]) -> list[WindowCard]:
    """The cards of `windows` (_window_rows(), filtered, ordered and sliced), in one query of
    plain values: model instances of the windows, bills and jurisdictions cost more than the
    query."""
    jurisdiction = _CARD_JURISDICTION
    today_in = _today_by_time_zone()
    language = get_language()  # once: each read goes through asgiref's Local
    cards = []
    for row in windows:
        window = SigningWindow(**{name: row[name] for name in _WINDOW_CARD_FIELDS})
        bill = {name: row[f"bill__{name}"] for name in DISPLAY_TITLE_FIELDS}
        cards.append(
            WindowCard(
                slug=row["bill__slug"],
                title=display_title(bill, language),
                jurisdiction=localized(row, f"{jurisdiction}name", language),
                executive_title=localized(row, f"{jurisdiction}executive_title", language),
                progress=window_progress(window, today=today_in(row[f"{jurisdiction}timezone"])),
            )
        )
    return cards


def window_list_open(
    *, limit: int = SOONEST_WINDOWS, family: Family | None = None
) -> list[WindowCard]:
    """Open signing windows (of one family's bills, if given), the soonest earliest close first
    (one query)."""
    windows = _window_rows().filter(status=SigningWindow.Status.OPEN)
    if family is not None:
        windows = windows.filter(bill__family=family)
    return _window_cards(windows.order_by("closes_earliest", "closes_latest", "id")[:limit])


def window_list_recent(
    *, limit: int = RECENT_WINDOWS, family: Family | None = None
) -> list[WindowCard]:
    """The most recent windows of any status (of one family's bills, if given), for when none is
    open (one query)."""
    windows = _window_rows()
    if family is not None:
        windows = windows.filter(bill__family=family)
    return _window_cards(windows.order_by("-closes_latest", "-id")[:limit])


def _open_windows() -> Prefetch:
    """The open window of each bill, into `bill.open_windows` (a list of at most one)."""
    return Prefetch(
        "windows",
        queryset=SigningWindow.objects.filter(status=SigningWindow.Status.OPEN).select_related(
            "rule"
        ),
        to_attr="open_windows",
    )


def bill_list_base() -> QuerySet[Bill]:
    """A bill as the API gives it alone: with jurisdiction, originating chamber, family and
    the open window (`bill.open_windows`)."""
    return (
        Bill.objects.select_related("jurisdiction", "originating_chamber", "family")
        .defer("search_vector")
        .prefetch_related(_open_windows())
    )


# What the API's list shows of a bill (web.api.serializers.BillSerializer).
API_LIST_COLUMNS = (
    "slug",
    "identifier",
    "status",
    "introduced_on",
    "last_action_on",
    "updated_at",
    *DISPLAY_TITLE_FIELDS,
    "jurisdiction",
    "jurisdiction__code",
    "family",
    "family__slug",
)


def bill_list_for_api() -> QuerySet[Bill]:
    """The bills the API lists: only the columns the list shows, with the jurisdiction's code,
    the family's slug and the open window (`bill.open_windows`). Bills, jurisdictions, chambers
    and families loaded whole were a quarter of the list's time."""
    return (
        Bill.objects.select_related("jurisdiction", "family")
        .only(*API_LIST_COLUMNS)
        .prefetch_related(_open_windows())
    )


@dataclass(frozen=True)
class BillCard:
    """A bill as the lists show it, ready to print in the active language."""

    slug: str
    title: str
    status: str
    status_label: str
    jurisdiction: str
    identifier: str
    chamber: str
    last_action_on: dt.date | None
    window: WindowProgress | None


_WINDOW_DATES = ("triggered_earliest", "triggered_latest", "closes_earliest", "closes_latest")
CARD_COLUMNS = (
    "slug",
    "status",
    "identifier",
    "last_action_on",
    *DISPLAY_TITLE_FIELDS,
    *translated_columns("jurisdiction__name", "originating_chamber__name"),
    "jurisdiction__timezone",
    "open_window__id",
    *(f"open_window__{name}" for name in _WINDOW_DATES),
)


def bills_for_cards() -> QuerySet[Bill]:
    """The bills a list filters, orders and slices before bill_cards() reads them: with their
    open window as a relation (a bill has at most one: signing_window_one_open_per_bill)."""
    return Bill.objects.annotate(
        open_window=FilteredRelation(
            "windows", condition=Q(windows__status=SigningWindow.Status.OPEN)
        )
    )


def bill_cards(*, bills: QuerySet[Bill]) -> list[BillCard]:
    """The cards of `bills` (from bills_for_cards(), filtered, ordered and sliced, or limited to
    a page of ids sliced apart as the bill list does), in one query of plain values: building
    model instances of the bills, their jurisdictions, chambers and windows cost more than the
    rest of a list page's queries. A page of ids keeps the joins to its own rows: a search
    ranked over 6,500 of 100k bills took 24 ms where joining every match before the sort took
    41 (EXPLAIN ANALYZE; the bench's list query)."""
    return _cards(bills.values(*CARD_COLUMNS))


# bills_for_cards() as bill_cards() reads it. Not for the bill list, whose filters take
# bills_for_cards() itself: its sort by the closing window annotates an aggregate, which after
# values() would group by every column read.
_card_rows = _built_once(lambda: bills_for_cards().values(*CARD_COLUMNS))


def _cards(rows: QuerySet[Bill, dict[str, Any]]) -> list[BillCard]:
    status_field = Bill._meta.get_field("status")
    today_in = _today_by_time_zone()
    language = get_language()  # once: each read goes through asgiref's Local
    cards = []
    for row in rows:
        progress = None
        if row["open_window__id"] is not None:
            window = SigningWindow(
                id=row["open_window__id"],
                status=SigningWindow.Status.OPEN,
                **{name: row[f"open_window__{name}"] for name in _WINDOW_DATES},
            )
            progress = window_progress(window, today=today_in(row["jurisdiction__timezone"]))
        cards.append(
            BillCard(
                slug=row["slug"],
                title=display_title(row, language),
                status=row["status"],
                status_label=capfirst(choice_label(status_field, row["status"], language)),
                jurisdiction=localized(row, "jurisdiction__name", language),
                identifier=row["identifier"],
                chamber=(
                    localized(row, "originating_chamber__name", language)
                    if row["originating_chamber__name"] is not None
                    else ""
                ),
                last_action_on=row["last_action_on"],
                window=progress,
            )
        )
    return cards


def bill_list_recent(*, limit: int = RECENT_BILLS, family: Family | None = None) -> list[BillCard]:
    """The bills (of one family, if given) changed most recently (one query)."""
    rows = _card_rows()
    if family is not None:
        rows = rows.filter(family=family)
    return _cards(rows.order_by("-updated_at", "-id")[:limit])


@dataclass(frozen=True)
class BoardBill:
    """A bill as a board cell lists it: its slug and its display title, cut to fit."""

    slug: str
    title: str


def cut_title(text: str, limit: int = BOARD_TITLE_CHARS) -> str:
    """Django's truncatechars, without its cost: up to `limit` characters, the last an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class BoardColumn:
    """One cell of the board, ready to show: the stage (value and label in the active language),
    its count and its latest bills."""

    status: str
    label: str
    count: int = 0
    bills: list[BoardBill] = field(default_factory=list)


@dataclass
class BoardRow:
    jurisdiction: Jurisdiction
    columns: list[BoardColumn]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.columns)


def board_by_jurisdiction(
    *, per_cell: int = BOARD_BILLS_PER_CELL, family: Family | None = None
) -> list[BoardRow]:
    """For each jurisdiction with bills (of one family, if given): the count of bills at each
    stage and the latest few.

    Two queries, whatever the number of bills: the jurisdictions, and the cells with their
    latest bills (on SQLite, three: see _board_cells_portable).
    """
    jurisdictions = list(Jurisdiction.objects.all())
    if connection.vendor == "postgresql":
        counts, latest = _board_cells_postgresql(per_cell=per_cell, family=family)
    else:
        counts, latest = _board_cells_portable(per_cell=per_cell, family=family)
    bills_by_cell: dict[tuple[int, str], list[BoardBill]] = defaultdict(list)
    language = get_language()  # once: each read goes through asgiref's Local
    for bill in latest:
        cell_bills = bills_by_cell[(bill["jurisdiction_id"], bill["status"])]
        title = cut_title(display_title(bill, language))
        cell_bills.append(BoardBill(slug=bill["slug"], title=title))
    labels = {status.value: capfirst(str(status.label)) for status in STATUS_ORDER}
    rows = []
    for jurisdiction in jurisdictions:
        columns = [
            BoardColumn(
                status=status.value,
                label=labels[status.value],
                count=counts.get((jurisdiction.pk, status.value), 0),
                bills=bills_by_cell.get((jurisdiction.pk, status.value), []),
            )
            for status in STATUS_ORDER
        ]
        row = BoardRow(jurisdiction=jurisdiction, columns=columns)
        if row.total:
            rows.append(row)
    return rows


# The count of each (jurisdiction id, status) cell, and its latest bills as plain rows (their
# jurisdiction_id, status, slug and titles): model instances of them cost more than the query.
BoardCells = tuple[dict[tuple[int, str], int], list[dict[str, Any]]]


def _board_cells_postgresql(*, per_cell: int, family: Family | None) -> BoardCells:
    """The count of each (jurisdiction, stage) cell and its latest bills, in one query: a GROUP
    BY over the board index, and for each cell a LATERAL scan of that index for its first
    `per_cell` rows. The ORM cannot write LATERAL; as three ORM queries this was half the
    dashboard's time. Grouped by status first, the order of bill_status_jurisdiction_idx: the
    counts are then taken as the index is read, where grouped the other way PostgreSQL hashed
    every row (the query took 3.2 ms on 10k bills instead of 2.3, and 26 on 100k instead of 17).
    """
    table = Bill._meta.db_table
    wanted = {"jurisdiction_id", "status", "slug", *DISPLAY_TITLE_FIELDS}
    fields = [f for f in Bill._meta.concrete_fields if f.attname in wanted]
    columns = [f.column for f in fields if f.column is not None]
    scope, params = ("WHERE family_id = %s", [family.pk]) if family is not None else ("", [])
    sql = f"""
        SELECT cell.n, {", ".join(f"latest.{c}" for c in columns)}
        FROM (
            SELECT jurisdiction_id, status, COUNT(*) AS n FROM {table} {scope}
            GROUP BY status, jurisdiction_id
        ) AS cell
        CROSS JOIN LATERAL (
            SELECT {", ".join(columns)}, updated_at, id FROM {table}
            WHERE jurisdiction_id = cell.jurisdiction_id AND status = cell.status
            {"AND family_id = %s" if family is not None else ""}
            ORDER BY updated_at DESC, id DESC LIMIT %s
        ) AS latest
        ORDER BY latest.jurisdiction_id, latest.status, latest.updated_at DESC, latest.id DESC
    """  # noqa: S608 (the names come from the model; the values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params, per_cell])
        rows = cursor.fetchall()
    names = [f.attname for f in fields]
    latest = [dict(zip(names, row[1:], strict=True)) for row in rows]
    counts = {
        (bill["jurisdiction_id"], bill["status"]): n
        for (n, *_), bill in zip(rows, latest, strict=True)
    }
    return counts, latest


def _board_cells_portable(*, per_cell: int, family: Family | None) -> BoardCells:
    """The same in three queries any database runs (SQLite, the embedded default): the counts
    (one GROUP BY), the ids of each cell's latest bills (one window-function query) and those
    bills. Fetched by the ids themselves: given the ranking as a subquery, a planner may expect
    every bill back and read the whole table."""
    bills = Bill.objects.all() if family is None else Bill.objects.filter(family=family)
    counts: dict[tuple[int, str], int] = {
        (row["jurisdiction_id"], row["status"]): row["n"]
        for row in bills.order_by().values("jurisdiction_id", "status").annotate(n=Count("id"))
    }
    ranked = (
        bills.order_by()
        .annotate(
            cell_rank=Window(
                RowNumber(),
                partition_by=[F("jurisdiction_id"), F("status")],
                order_by=[F("updated_at").desc(), F("id").desc()],
            )
        )
        .filter(cell_rank__lte=per_cell)
        .values_list("id", flat=True)
    )
    latest = (
        Bill.objects.filter(id__in=list(ranked))
        .order_by("jurisdiction_id", "status", "-updated_at", "-id")
        .values("jurisdiction_id", "status", "slug", *DISPLAY_TITLE_FIELDS)
    )
    return counts, list(latest)


def bill_search(queryset: QuerySet[Bill], text: str) -> QuerySet[Bill]:
    """Free-text search: PostgreSQL full-text search on the trigger-kept vector, else icontains.

    The vector uses the 'simple' configuration (no stemming) because titles are entered in
    English, Russian and Kazakh, and no single stemmer fits all three.
    """
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="simple", search_type="websearch")
        return queryset.filter(search_vector=query).annotate(
            search_rank=SearchRank(F("search_vector"), query)
        )
    condition = Q()
    for name in (
        "identifier",
        "title",
        "title_ru",
        "title_kk",
        "short_title",
        "short_title_ru",
        "short_title_kk",
        "summary",
        "summary_ru",
        "summary_kk",
    ):
        condition |= Q(**{f"{name}__icontains": text})
    return queryset.filter(condition)


def bill_filter_closing_within(queryset: QuerySet[Bill], days: int) -> QuerySet[Bill]:
    """Bills with an open window whose earliest close is within `days` days of today.

    'Today' is each jurisdiction's local date, so one extra query reads the jurisdictions.
    """
    condition = Q()
    for jurisdiction in Jurisdiction.objects.order_by("pk"):
        until = jurisdiction.today() + dt.timedelta(days=days)
        condition |= Q(bill__jurisdiction=jurisdiction, closes_earliest__lte=until)
    if not condition:
        return queryset.none()
    # A subquery, not a join and DISTINCT: with DISTINCT, PostgreSQL refuses an ORDER BY on an
    # expression it cannot match in the select list (the closing sort's MIN, whose parameters
    # are bound apart under server-side binding).
    closing = SigningWindow.objects.filter(
        condition, bill=OuterRef("pk"), status=SigningWindow.Status.OPEN
    )
    return queryset.filter(Exists(closing))


@dataclass
class BillDetail:
    bill: Bill
    subjects: list[Subject]
    sources: list[Source]
    events: list[Event]
    votes: list[Vote]
    windows: list[WindowProgress]
    # The sources of the bill's lineage note (shown where it belongs to a family).
    lineage_sources: list[Source] = field(default_factory=list)
    # The sources of each public event and of each vote on one, by its id.
    event_sources: dict[int, list[Source]] = field(default_factory=dict)
    vote_sources: dict[int, list[Source]] = field(default_factory=dict)

    @property
    def open_window(self) -> WindowProgress | None:
        return next((w for w in self.windows if w.is_open), None)


def bill_get(*, slug: str) -> Bill:
    """One bill with its jurisdiction, originating chamber and family (one query), or 404."""
    return get_object_or_404(
        Bill.objects.select_related("jurisdiction", "originating_chamber", "family").defer(
            "search_vector"
        ),
        slug=slug,
    )


@dataclass(frozen=True)
class MemberVoteGroup:
    option: str
    label: str
    names: list[str]


def member_vote_groups(*, vote: Vote) -> list[MemberVoteGroup]:
    """The members' votes a source listed, grouped by choice (yes, no, abstain, absent, not
    voting) and by name within each; from the prefetched rows. Legislators only: public figures."""
    by_option: dict[str, list[str]] = {}
    for member_vote in vote.member_votes.all():
        by_option.setdefault(member_vote.option, []).append(member_vote.member_name)
    return [
        MemberVoteGroup(option=option, label=str(label), names=sorted(by_option[option]))
        for option, label in MemberVote.Option.choices
        if option in by_option
    ]


def sources_of_owners(links: Mapping[str, QuerySet[Source]]) -> dict[tuple[str, int], list[Source]]:
    """The sources of several owners' relations, by (owner, owner's id), each list in Source's
    order, in one query: a UNION ALL of one arm per relation, where a prefetch per relation
    made one query each. `links` maps each owner's name to a Source query filtered on the
    relation and annotated with `owner_id`, F() of the relation (after the filter: the
    filter's own join, so one row per link). Not a prefetch either for the bulk files: a
    prefetch binds every owner's id, and under server-side binding (tracker.settings.base)
    PostgreSQL refuses a query of more than 65,535 parameters, which the read of every public
    event's sources would make."""
    owned = [queryset.order_by().annotate(owner=Value(owner)) for owner, queryset in links.items()]
    return _by_owner(owned[0].union(*owned[1:], all=True))


def _by_owner(sources: QuerySet[Source]) -> dict[tuple[str, int], list[Source]]:
    """`sources` (annotated with `owner` and `owner_id`) by (owner, owner's id), each list in
    Source's order."""
    ordering: list[Any] = [*(Source._meta.ordering or ()), "pk"]
    found: dict[tuple[str, int], list[Source]] = defaultdict(list)
    for source in sources.order_by(*ordering):
        found[source.owner, source.owner_id].append(source)  # type: ignore[attr-defined]
    return found


def bill_record_sources(*, bill: Bill) -> dict[tuple[str, int], list[Source]]:
    """The sources of the bill, of its lineage note, of its PUBLIC events and of the votes on
    them, by ("bill" | "lineage" | "event" | "vote", id), each list in Source's order, in one
    query through the view of the record's links (web.models.SourceLink); an internal event's
    sources, and its vote's, are not read."""
    return _by_owner(
        # One filter(), so that the annotations read the filter's own join: a row per link.
        Source.objects.filter(record_links__bill=bill, record_links__public=True).annotate(
            owner=F("record_links__owner"), owner_id=F("record_links__owner_key")
        )
    )


def bill_detail(*, bill: Bill) -> BillDetail:
    """A bill's subjects, sources, PUBLIC timeline, votes and windows, in a fixed number of queries.

    Queries: subjects, the public events (with chamber and vote), the sources of the bill, its
    lineage, its events and votes (bill_record_sources), the votes' members' votes, and the
    windows (with rule): five, whatever the size of the timeline. Internal events, and votes
    on them, are filtered out here and never reach a template.
    """
    events = list(
        Event.objects.public().filter(bill=bill).select_related("chamber", "vote").order_by("order")
    )
    # The votes of the public actions came with them (select_related): by date, undated last.
    votes: list[Vote] = sorted(
        (vote for event in events if (vote := getattr(event, "vote", None)) is not None),
        key=lambda vote: (vote.action.date is None, vote.action.date or dt.date.min, vote.pk),
    )
    prefetch_related_objects(votes, "member_votes")
    sources = bill_record_sources(bill=bill)
    for vote in votes:
        vote.member_groups = member_vote_groups(vote=vote)  # type: ignore[attr-defined]
    windows = []
    for window in (
        SigningWindow.objects.filter(bill=bill).select_related("rule").order_by("-opened_at", "-id")
    ):
        window.bill = bill  # already loaded with its jurisdiction: no query per window
        windows.append(window_progress(window))
    return BillDetail(
        bill=bill,
        subjects=list(bill.subjects.all()),
        sources=sources["bill", bill.pk],
        events=events,
        votes=votes,
        windows=windows,
        lineage_sources=sources["lineage", bill.pk],
        event_sources={event.pk: sources["event", event.pk] for event in events},
        vote_sources={vote.pk: sources["vote", vote.pk] for vote in votes},
    )


@dataclass(frozen=True)
class BillEmbed:
    """What the embeddable card shows besides the bill: its countdown and its last action."""

    bill: Bill
    window: WindowProgress | None
    last_action: Event | None


def bill_open_window(*, bill: Bill) -> WindowProgress | None:
    """The countdown of the bill's open signing window, if one is open (one query)."""
    window = (
        SigningWindow.objects.filter(bill=bill, status=SigningWindow.Status.OPEN)
        .select_related("rule")
        .first()
    )
    if window is None:
        return None
    window.bill = bill  # already loaded with its jurisdiction: no query
    return window_progress(window)


def bill_embed(*, bill: Bill) -> BillEmbed:
    """The card other sites embed: the open window's countdown and the latest PUBLIC
    legislative action on the timeline (two queries). Internal events never reach it."""
    last_action = (
        Event.objects.public()
        .legislative()
        .filter(bill=bill)
        .select_related("chamber")
        .order_by("-order")
        .first()
    )
    return BillEmbed(bill=bill, window=bill_open_window(bill=bill), last_action=last_action)


def bill_modified_at(*, bill: Bill, detail: BillDetail) -> dt.datetime:
    """When the bill's public record last changed: the bill, its public events and windows, and
    its votes (their audit history; a vote has no timestamp of its own). One query."""
    times = [bill.updated_at, *(e.updated_at for e in detail.events)]
    times += [p.window.updated_at for p in detail.windows]
    votes = Vote.history.model.objects.filter(id__in=[v.pk for v in detail.votes])
    latest_vote = votes.aggregate(at=Max("history_date"))["at"]
    if latest_vote is not None:
        times.append(latest_vote)
    return max(times)


def event_list_feed(
    *,
    bill: Bill | None = None,
    jurisdiction: Jurisdiction | None = None,
    family: Family | None = None,
    limit: int = FEED_ITEMS,
) -> list[Event]:
    """The latest public events (the feed of changes), newest change first; two queries."""
    events = Event.objects.public().select_related("bill", "chamber").prefetch_related("sources")
    if bill is not None:
        events = events.filter(bill=bill)
    if jurisdiction is not None:
        events = events.filter(bill__jurisdiction=jurisdiction)
    if family is not None:
        events = events.filter(bill__family=family)
    return list(events.order_by("-updated_at", "-id")[:limit])


def window_list_calendar(
    *,
    jurisdiction: Jurisdiction | None = None,
    bill: Bill | None = None,
    family: Family | None = None,
) -> list[SigningWindow]:
    """Signing windows for the iCalendar feed (all statuses: a closed one stays on calendars)."""
    windows = _windows()
    if jurisdiction is not None:
        windows = windows.filter(bill__jurisdiction=jurisdiction)
    if family is not None:
        windows = windows.filter(bill__family=family)
    if bill is not None:
        windows = windows.filter(bill=bill)
    return list(windows.order_by("closes_earliest", "id"))


@dataclass(frozen=True)
class ExecutiveCard:
    """The head of state's record beside a bill awaiting their signature, and where the record
    has enough cases, the likely signing day at their recorded pace."""

    record: ExecutiveRecord
    likely_on: dt.date | None = None
    likely_earliest: dt.date | None = None
    likely_latest: dt.date | None = None


def bill_executive(*, bill: Bill, window: WindowProgress | None) -> ExecutiveCard | None:
    """For a bill awaiting signature: its head of state's record (three queries), else None.
    `window` is the bill's open window, as bill_detail() gave it."""
    if bill.status != BillStatus.AWAITING_SIGNATURE:
        return None
    jurisdiction = bill.jurisdiction
    holder = head_of_state(jurisdiction=jurisdiction, on=jurisdiction.today())
    if holder is None:
        return None
    record = executive_record(holder=holder)
    triggered = window.window.triggered_earliest if window is not None else None
    if window is None or triggered != window.window.triggered_latest or triggered is None:
        return ExecutiveCard(record=record)
    likely = record.likely_signing(triggered=triggered)
    if likely is None:
        return ExecutiveCard(record=record)
    day, bounds = likely
    return ExecutiveCard(
        record=record, likely_on=day, likely_earliest=bounds.earliest, likely_latest=bounds.latest
    )
