"""Importing the acts (events and votes) of one or more bills from a spreadsheet, CSV or XLSX.

`sheet_read` turns an uploaded file into rows of text (SheetError: the file as a whole is
unreadable); `sheet_import` writes them through the same services as the admin and the seeds
(bills.timeline, bills.services.source_get_or_create), all rows in one transaction. Any bad row
refuses the whole file (ImportRefused, with "row N: reason" for every bad row) and nothing is
written; a dry run is the same import rolled back, reporting what each row would create or
change. An act already on the timeline (same bill, classification and chamber, and the same
date, or an undated or month-precision one the row's date completes) is updated rather than
added twice, as the seed loader updates rather than duplicates.

Row numbers are the spreadsheet's: the header is row 1, the first act is row 2.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from bills import services as bill_services
from bills import timeline
from bills.changes import record_batch
from bills.choices import ADVOCACY_CLASSIFICATIONS, Classification, DatePrecision, Visibility
from bills.models import Bill, Chamber, Event, MemberVote, SigningWindow, Source, Vote
from bills.seeds import SeedReport
from bills.validation import error_messages

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024

REQUIRED_COLUMNS = ("bill", "classification", "description")
COUNT_COLUMNS = {
    "yes": "yes_count",
    "no": "no_count",
    "abstain": "abstain_count",
    "absent": "absent_count",
    "not_voting": "not_voting_count",
}
COLUMNS = (
    "bill",
    "classification",
    "chamber",
    "date",
    "actor",
    "description",
    "description_ru",
    "description_kk",
    "visibility",
    "motion",
    "result",
    *COUNT_COLUMNS,
    "unanimous",
    "members",
    "source_url",
    "source_publisher",
    "source_title",
    "source_date",
)
VOTE_COLUMNS = ("motion", "result", *COUNT_COLUMNS, "unanimous", "members")
SOURCE_COLUMNS = ("source_url", "source_publisher", "source_title", "source_date")
RESULTS = {"passed": Vote.Result.PASS, "pass": Vote.Result.PASS}
RESULTS |= {"failed": Vote.Result.FAIL, "fail": Vote.Result.FAIL}
TRUE = {"yes", "true", "1", "y"}
FALSE = {"no", "false", "0", "n"}
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # not the other ISO forms fromisoformat takes


class SheetError(Exception):
    """The file as a whole cannot be read as the import's spreadsheet: one message says why."""


class ImportRefused(Exception):
    """At least one row is bad: nothing was written. `errors`: "row N: reason" lines."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class RowError(Exception):
    """One row is bad (the parser's reason, before any service is called)."""


@dataclass
class Row:
    number: int
    values: dict[str, str]


@dataclass
class RowResult:
    number: int
    outcome: str  # created, updated, unchanged
    act: str
    changes: list[str] = field(default_factory=list)  # the names of the fields changed
    details: list[str] = field(default_factory=list)  # each change as "name: old → new"

    def __str__(self) -> str:
        text = f"row {self.number}: {self.outcome} {self.act}"
        return f"{text} ({'; '.join(self.details)})" if self.details else text


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    counts: SeedReport = field(default_factory=SeedReport)
    dry_run: bool = False
    # What the derivation made of each bill the file touched: "slug: status a → b", windows.
    bills: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return self.counts.lines()


# --- Reading the file ---------------------------------------------------------------------------


def sheet_read(*, name: str, content: bytes) -> list[Row]:
    """The rows of an uploaded CSV (UTF-8) or XLSX file (its first sheet), as stripped text.

    Raises SheetError for a file that is empty, too big, not a spreadsheet, not UTF-8, or whose
    header is missing a required column or names an unknown one."""
    if not content:
        raise SheetError("The file is empty.")
    if len(content) > MAX_BYTES:
        raise SheetError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if content[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm")):
        table = _xlsx_table(content)
    elif name.lower().endswith((".csv", ".txt")) or b"\x00" not in content[:1024]:
        table = _csv_table(content)
    else:
        raise SheetError("This is not a CSV or XLSX file.")
    return _rows(table)


def _csv_table(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"The CSV file is not UTF-8 (byte {exc.start}): save it as 'CSV UTF-8' and upload it "
            "again."
        ) from exc
    if "\x00" in text:
        raise SheetError("This is not a CSV or XLSX file.")
    # Spreadsheets set to a European locale save CSV with semicolons: read the header's choice.
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SheetError(f"The CSV file cannot be read: {exc}.") from exc


def _xlsx_table(content: bytes) -> list[list[str]]:
    # The 2 MB bound is on the compressed file: bound what it unpacks to as well.
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SheetError("The XLSX file cannot be read: it is not a valid XLSX file.") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetError(
            f"The XLSX file unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB: "
            "save it as CSV, or split it."
        )
    # Read-only and values only (data_only): no formulas evaluated, no macros, no images. A
    # damaged or foreign file makes openpyxl raise almost anything (BadZipFile, KeyError, its
    # InvalidFileException, XML errors): each is the one message, never a server error.
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise SheetError(f"The XLSX file cannot be read: {type(exc).__name__}.") from exc
    try:
        sheet = workbook.worksheets[0]
        table = []
        for values in sheet.iter_rows(values_only=True):
            table.append([_cell(v) for v in values])
            if len(table) > MAX_ROWS + 1:
                break
        return table
    except Exception as exc:
        raise SheetError(f"The XLSX file cannot be read: {type(exc).__name__}.") from exc
    finally:
        workbook.close()


def _cell(value: Any) -> str:
    """A cell as the text a CSV would hold: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(table: list[list[str]]) -> list[Row]:
    # Blank rows above the header are skipped; the numbers stay the spreadsheet's.
    first = next((i for i, cells in enumerate(table) if any(c.strip() for c in cells)), None)
    if first is None:
        raise SheetError("The file has no header row.")
    header = [c.strip().lower() for c in table[first]]
    while header and header[-1] == "":
        header.pop()
    unknown = [c or "(blank)" for c in header if c not in COLUMNS]
    if unknown:
        raise SheetError(
            f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)}."
        )
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise SheetError(f"Column(s) named twice: {', '.join(twice)}.")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SheetError(f"Missing required column(s): {', '.join(missing)}.")
    rows = []
    for number, cells in enumerate(table[first + 1 :], start=first + 2):
        if not any(c.strip() for c in cells):
            continue
        if any(c.strip() for c in cells[len(header) :]):
            raise SheetError(f"Row {number} has more cells than the header has columns.")
        values = {
            name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)
        }
        rows.append(Row(number=number, values=values))
    if not rows:
        raise SheetError("The file has a header but no rows.")
    if len(rows) > MAX_ROWS:
        raise SheetError(f"The file has more than {MAX_ROWS} rows: split it.")
    return rows


# --- Parsing one row ----------------------------------------------------------------------------


def _date(value: str, column: str) -> tuple[datetime.date | None, str]:
    """YYYY-MM-DD (day precision), YYYY-MM (month precision, stored as day 1), or empty."""
    if not value:
        return None, DatePrecision.UNKNOWN
    month = MONTH.match(value)
    try:
        if month:
            return datetime.date(int(month[1]), int(month[2]), 1), DatePrecision.MONTH
        if DAY.match(value):
            return datetime.date.fromisoformat(value), DatePrecision.DAY
    except ValueError:
        pass
    raise RowError(f"{column}: {value!r} is not a date (YYYY-MM-DD, or YYYY-MM for a month)")


def _count(value: str, column: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise RowError(f"{column}: {value!r} is not a whole number")
    return int(value)


def _flag(value: str, column: str) -> bool | None:
    if not value:
        return None
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise RowError(f"{column}: {value!r} is not yes or no")


def _members(value: str) -> list[tuple[str, str]] | None:
    """'Name: choice; Name: choice' with choices yes, no, abstain, absent, not-voting."""
    if not value:
        return None
    members = []
    for part in value.split(";"):
        if not part.strip():
            continue
        name, sep, option = part.rpartition(":")
        option = option.strip().lower().replace("_", "-").replace(" ", "-")
        if not sep or not name.strip():
            raise RowError(f"members: {part.strip()!r} is not 'Name: choice'")
        if option not in MemberVote.Option.values:
            raise RowError(
                f"members: {option!r} is not one of {', '.join(MemberVote.Option.values)}"
            )
        members.append((name.strip(), option))
    return members


def _choice(value: str, column: str, allowed: list[str]) -> str:
    if value not in allowed:
        raise RowError(f"{column}: {value!r} is not one of {', '.join(allowed)}")
    return value


@dataclass
class _Parsed:
    bill: Bill
    classification: str
    chamber: Chamber | None
    date: datetime.date | None
    precision: str
    fields: dict[str, Any]
    visibility: str | None
    vote: dict[str, Any] | None
    members: list[tuple[str, str]] | None
    source: dict[str, Any] | None


def _parse(values: dict[str, str]) -> _Parsed:
    get = values.get
    for column in REQUIRED_COLUMNS:
        if not get(column):
            raise RowError(f"{column}: required")
    bill = Bill.objects.select_related("jurisdiction").filter(slug=get("bill")).first()
    if bill is None:
        raise RowError(f"bill: no bill with the slug {get('bill')!r}")
    classification = _choice(get("classification", ""), "classification", Classification.values)
    chamber = None
    if get("chamber"):
        kind = _choice(get("chamber", ""), "chamber", Chamber.Classification.values)
        chamber = bill.jurisdiction.chambers.filter(classification=kind).first()
        if chamber is None:
            raise RowError(f"chamber: {bill.jurisdiction.code} has no {kind!r} chamber")
    date, precision = _date(get("date", ""), "date")
    visibility = None
    if get("visibility"):
        visibility = _choice(get("visibility", ""), "visibility", Visibility.values)
    fields: dict[str, Any] = {
        "description": " ".join(get("description", "").split()),
        **{n: " ".join(get(n, "").split()) for n in ("description_ru", "description_kk", "actor")},
    }
    return _Parsed(
        bill=bill,
        classification=classification,
        chamber=chamber,
        date=date,
        precision=precision,
        fields=fields,
        visibility=visibility,
        vote=_vote(values),
        members=_members(get("members", "")),
        source=_source(values),
    )


def _vote(values: dict[str, str]) -> dict[str, Any] | None:
    """The vote columns that are filled in (None: the row says nothing of a vote)."""
    if not any(values.get(c) for c in VOTE_COLUMNS):
        return None
    vote: dict[str, Any] = {}
    if values.get("motion"):
        vote["motion"] = " ".join(values["motion"].split())
    if values.get("result"):
        result = values["result"].lower()
        if result not in RESULTS:
            raise RowError(f"result: {values['result']!r} is not passed or failed")
        vote["result"] = RESULTS[result]
    for column, name in COUNT_COLUMNS.items():
        count = _count(values.get(column, ""), column)
        if count is not None:
            vote[name] = count
    unanimous = _flag(values.get("unanimous", ""), "unanimous")
    if unanimous is not None:
        vote["unanimous"] = unanimous
    return vote


def _source(values: dict[str, str]) -> dict[str, Any] | None:
    if not any(values.get(c) for c in SOURCE_COLUMNS):
        return None
    published_on, precision = _date(values.get("source_date", ""), "source_date")
    return {
        "url": values.get("source_url", ""),
        "publisher": " ".join(values.get("source_publisher", "").split()),
        "title": " ".join(values.get("source_title", "").split()),
        "published_on": published_on,
        "published_precision": precision,
    }


# --- Writing ------------------------------------------------------------------------------------


def _source_write(data: dict[str, Any], report: SeedReport) -> Source:
    """The row's source through source_get_or_create; a blank cell keeps what the source already
    has (its note too), so that re-stating a known source changes nothing."""
    if data["url"]:
        existing = Source.objects.filter(url=data["url"]).first()
    else:
        existing = Source.objects.filter(
            url="",
            publisher=data["publisher"],
            title=data["title"],
            published_on=data["published_on"],
        ).first()
    kwargs = dict(data)
    if existing is not None:
        for name in ("publisher", "title"):
            kwargs[name] = kwargs[name] or getattr(existing, name)
        if kwargs["published_on"] is None:
            kwargs["published_on"] = existing.published_on
            kwargs["published_precision"] = existing.published_precision
        kwargs["note"] = existing.note
    source, outcome = bill_services.source_get_or_create(**kwargs)
    report.add("sources", outcome)
    return source


def _match(row: _Parsed) -> Event | None:
    """The act on the bill's timeline this row states again, or completes.

    A legislative act: same classification and chamber, and the same date, or an existing act
    left undated or dated to the month the row's date falls in (an undated row matches any, a
    month-only row an act dated in that month). An advocacy event (several statements may
    share a day): also the same description."""
    candidates = Event.objects.filter(
        bill=row.bill, classification=row.classification, chamber=row.chamber
    ).order_by("order")
    if row.classification in ADVOCACY_CLASSIFICATIONS:
        candidates = candidates.filter(description=row.fields["description"])
    found = []
    for event in candidates:
        if row.date is None or event.date is None:
            found.append(event)
        elif DatePrecision.MONTH in (event.date_precision, row.precision):
            if (event.date.year, event.date.month) == (row.date.year, row.date.month):
                found.append(event)
        elif event.date == row.date:
            found.append(event)
    exact = [e for e in found if e.date == row.date and e.date_precision == row.precision]
    if len(exact) == 1:
        return exact[0]
    if len(found) > 1:
        raise RowError(
            f"matches {len(found)} acts already on the timeline (orders "
            f"{', '.join(str(e.order) for e in found)}): correct it in the admin"
        )
    return found[0] if found else None


def _act(row: _Parsed) -> str:
    where = f" ({row.chamber.classification})" if row.chamber else ""
    when = (
        row.date.isoformat()[: 7 if row.precision == DatePrecision.MONTH else 10]
        if row.date
        else "undated"
    )
    return f"{row.bill.slug}: {row.classification}{where}, {when}"


def _row_write(row: _Parsed, number: int, report: ImportReport) -> RowResult:
    counts = report.counts
    sources = [_source_write(row.source, counts)] if row.source is not None else []
    existing = _match(row)
    if existing is None:
        vote = None
        if row.vote is not None:
            if "motion" not in row.vote or "result" not in row.vote:
                raise RowError("a vote needs its motion and result (passed or failed)")
            vote = {**row.vote, "member_votes": row.members or ()}
        event = timeline.event_record(
            bill=row.bill,
            classification=row.classification,
            chamber=row.chamber,
            date=row.date,
            date_precision=row.precision,
            visibility=row.visibility or Visibility.PUBLIC,
            sources=sources,
            vote=vote,
            **row.fields,
        )
        counts.add("events", "created")
        if vote is not None:
            counts.add("votes", "created")
        return RowResult(number=number, outcome="created", act=f"{_act(row)} (#{event.order})")
    # Complete the act: what the row leaves blank stays as it is; sources are added.
    data: dict[str, Any] = {"description": row.fields["description"]}
    data |= {n: v for n, v in row.fields.items() if v and n != "description"}
    # A row's date completes the act's; it never blurs a day already known into a month.
    blurs = row.precision == DatePrecision.MONTH and existing.date_precision == DatePrecision.DAY
    if row.date is not None and not blurs:
        data |= {"date": row.date, "date_precision": row.precision}
    if row.visibility is not None:
        data["visibility"] = row.visibility
    if sources:
        data["sources"] = list({s.pk: s for s in [*existing.sources.all(), *sources]}.values())
    before = _values(existing, data)
    event, changed = timeline.event_update(event=existing, data=data)
    counts.add("events", "updated" if changed else "unchanged")
    result = RowResult(number=number, outcome="unchanged", act=f"{_act(row)} (#{event.order})")
    _describe(result, "", changed, before, _values(event, data))
    if row.vote is not None or row.members is not None:
        _vote_write(event, row, counts, result)
    if result.changes:
        result.outcome = "updated"
    return result


def _values(instance: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The instance's current values of the fields in `data` (many-to-many ones as pk sets)."""
    m2m = {f.name for f in instance._meta.many_to_many}
    return {
        n: set(getattr(instance, n).values_list("pk", flat=True))
        if n in m2m
        else getattr(instance, n)
        for n in data
    }


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _describe(
    result: RowResult,
    prefix: str,
    changed: list[str],
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    for name in changed:
        result.changes.append(f"{prefix}{name}")
        if name not in before:
            result.details.append(f"{prefix}{name}")
        elif isinstance(before[name], set):
            added = len(after[name] - before[name])
            result.details.append(f"{prefix}{name}: {added} added")
        else:
            result.details.append(f"{prefix}{name}: {_shown(before[name])} → {_shown(after[name])}")


def _vote_write(event: Event, row: _Parsed, counts: SeedReport, result: RowResult) -> None:
    vote = Vote.objects.filter(action=event).first()
    fields = row.vote or {}
    if vote is None:
        if "motion" not in fields or "result" not in fields:
            raise RowError("a vote needs its motion and result (passed or failed)")
        timeline.vote_record(action=event, member_votes=row.members or (), **fields)
        counts.add("votes", "created")
        result.changes.append("vote")
        result.details.append("vote recorded")
        return
    before = _values(vote, fields)
    vote, changed = timeline.vote_update(vote=vote, data=fields, member_votes=row.members)
    counts.add("votes", "updated" if changed else "unchanged")
    _describe(result, "vote.", changed, before, _values(vote, fields))


def _reasons(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(error_messages(exc))
    if isinstance(exc, IntegrityError):
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"the database refused the change: {first}"
    return str(exc)


def _derived(pk: int) -> tuple[str, list[str]]:
    """A bill's derived status and its signing windows, as the preview shows them."""
    bill = Bill.objects.get(pk=pk)
    windows = [
        f"{w.status} signing window closing {w.closes_earliest}"
        + (f"…{w.closes_latest}" if w.closes_latest != w.closes_earliest else "")
        for w in SigningWindow.objects.filter(bill_id=pk).order_by("id")
    ]
    return bill.status, windows


def _derived_changes(before: dict[int, tuple[str, list[str]]]) -> list[str]:
    lines = []
    slugs = dict(Bill.objects.filter(pk__in=before).values_list("pk", "slug"))
    for pk, (status, windows) in before.items():
        new_status, new_windows = _derived(pk)
        parts = [f"status {status} → {new_status}"] if new_status != status else []
        parts += [w for w in new_windows if w not in windows]
        lines.append(f"{slugs[pk]}: {'; '.join(parts) if parts else 'status unchanged'}")
    return lines


def sheet_import(*, rows: list[Row], dry_run: bool = False) -> ImportReport:
    """Write every row through the services in one transaction, or none.

    Each row runs in its own savepoint and record batch (its act and vote derived together), so
    that every bad row is reported, not only the first. Raises ImportRefused when any row is
    bad; `dry_run` rolls back a good file too, after reporting what it would do."""
    report = ImportReport(dry_run=dry_run)
    errors: list[str] = []
    before: dict[int, tuple[str, list[str]]] = {}
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic(), record_batch():
                    parsed = _parse(row.values)
                    before.setdefault(parsed.bill.pk, _derived(parsed.bill.pk))
                    report.rows.append(_row_write(parsed, row.number, report))
            except (RowError, ValidationError, IntegrityError) as exc:
                errors.append(f"row {row.number}: {_reasons(exc)}")
        if not errors:
            report.bills = _derived_changes(before)
        if errors or dry_run:
            transaction.set_rollback(True)
    if errors:
        raise ImportRefused(errors)
    return report
