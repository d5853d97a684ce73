"""Loading the seed data in seeds/ through the record services, idempotently.

`seeds_load` reads the record files (every seeds/*.yaml but the rules, and any other given) and
the signing rules (seeds/signing_rules.yaml, `rules_load`), validates their shape, and creates
or updates rows through bills.services and bills.timeline, all in one transaction and one record
batch (each bill derived once, at the end): bad seed data raises SeedError and nothing is
written.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from bills import services as bill_services
from bills import timeline
from bills.changes import record_batch, record_changed
from bills.models import (
    Bill,
    Chamber,
    Event,
    Family,
    Jurisdiction,
    Officeholder,
    SigningRule,
    Source,
    Subject,
    Vote,
)
from bills.validation import error_messages

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
SIGNING_RULES_FILE = "signing_rules.yaml"
# libyaml's safe loader where PyYAML was built with it (ten times faster on the family's files).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def default_record_files() -> list[Path]:
    """The record's seed files: one per jurisdiction (and the families), all but the rules."""
    return sorted(p for p in SEEDS_DIR.glob("*.yaml") if p.name != SIGNING_RULES_FILE)


class SeedError(Exception):
    """The seed data is wrong: the message says where and why."""


@dataclass
class SeedReport:
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())

    def lines(self) -> list[str]:
        out = []
        for kind, c in self.counts.items():
            out.append(
                f"{kind}: {c['created']} created, {c['updated']} updated, "
                f"{c['unchanged']} unchanged"
            )
        return out


def _date(value: Any, where: str) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise SeedError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def _req(data: dict[str, Any], key: str, where: str) -> Any:
    if not isinstance(data, dict):
        raise SeedError(f"{where}: expected a mapping, got {type(data).__name__}")
    if key not in data or data[key] in (None, ""):
        raise SeedError(f"{where}: '{key}' is required")
    return data[key]


def _only(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise SeedError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")


def _text(data: dict[str, Any], *names: str) -> dict[str, str]:
    """Optional text fields, stripped (YAML folded scalars end with a newline)."""
    return {n: str(data[n]).strip() for n in names if data.get(n) not in (None, "")}


class _Loader:
    def __init__(self, report: SeedReport) -> None:
        self.report = report
        self.sources: dict[str, Source] = {}
        self.bills: list[Bill] = []

    def sources_load(self, items: dict[str, Any]) -> None:
        if not isinstance(items, dict):
            raise SeedError("sources: expected a mapping of key -> source")
        for key, data in items.items():
            where = f"sources.{key}"
            _only(
                data,
                {"publisher", "title", "url", "published_on", "published_precision", "note"},
                where,
            )
            source, outcome = bill_services.source_get_or_create(
                publisher=str(_req(data, "publisher", where)).strip(),
                title=str(data.get("title") or "").strip(),
                url=str(data.get("url") or "").strip(),
                published_on=_date(data.get("published_on"), f"{where}.published_on"),
                published_precision=data.get("published_precision"),
                note=str(data.get("note") or "").strip(),
            )
            self.sources[key] = source
            self.report.add("sources", outcome)

    def source_list(self, keys: Any, where: str) -> list[Source]:
        if not isinstance(keys, list) or not keys:
            raise SeedError(f"{where}: every fact needs at least one source key")
        missing = [k for k in keys if k not in self.sources]
        if missing:
            raise SeedError(f"{where}: unknown source key(s) {', '.join(map(str, missing))}")
        return [self.sources[k] for k in keys]

    def subjects_load(self, items: list[dict[str, Any]]) -> None:
        for i, data in enumerate(items or []):
            where = f"subjects[{i}]"
            _only(data, {"slug", "name", "name_ru", "name_kk"}, where)
            _, outcome = bill_services.subject_upsert(
                slug=_req(data, "slug", where),
                name=_req(data, "name", where),
                **_text(data, "name_ru", "name_kk"),
            )
            self.report.add("subjects", outcome)

    def jurisdictions_load(self, items: list[dict[str, Any]]) -> None:
        for i, data in enumerate(items or []):
            where = f"jurisdictions[{i}]"
            fields = {
                "code",
                "ocd_id",
                "name",
                "name_ru",
                "name_kk",
                "classification",
                "timezone",
                "languages",
                "executive_title",
                "executive_title_ru",
                "executive_title_kk",
                "holiday_country",
                "holiday_subdivision",
            }
            _only(data, fields | {"chambers"}, where)
            for key in ("code", "name", "timezone", "executive_title"):
                _req(data, key, where)
            jurisdiction, outcome = bill_services.jurisdiction_upsert(
                **_text(data, *fields),
            )
            self.report.add("jurisdictions", outcome)
            for j, chamber in enumerate(data.get("chambers") or []):
                cwhere = f"{where}.chambers[{j}]"
                _only(chamber, {"classification", "name", "name_ru", "name_kk", "seats"}, cwhere)
                seats = chamber.get("seats")
                if seats is not None and not isinstance(seats, int):
                    raise SeedError(f"{cwhere}.seats: expected a whole number or null")
                _, outcome = bill_services.chamber_upsert(
                    jurisdiction=jurisdiction,
                    classification=_req(chamber, "classification", cwhere),
                    name=_req(chamber, "name", cwhere),
                    seats=seats,
                    **_text(chamber, "name_ru", "name_kk"),
                )
                self.report.add("chambers", outcome)

    def families_load(self, items: list[dict[str, Any]]) -> None:
        for i, data in enumerate(items or []):
            where = f"families[{i}]"
            texts = ("name_ru", "name_kk", "summary", "summary_ru", "summary_kk")
            _only(data, {"slug", "name", "sources", *texts}, where)
            _, outcome = bill_services.family_upsert(
                slug=_req(data, "slug", where),
                name=" ".join(str(_req(data, "name", where)).split()),
                sources=self.source_list(data.get("sources"), f"{where}.sources"),
                **_text(data, *texts),
            )
            self.report.add("families", outcome)

    def officeholders_load(self, items: list[dict[str, Any]]) -> None:
        for i, data in enumerate(items or []):
            where = f"officeholders[{i}]"
            _only(
                data,
                {"jurisdiction", "role", "name", "name_ru", "name_kk", "term_start", "term_end"}
                | {"sources"},
                where,
            )
            code = _req(data, "jurisdiction", where)
            jurisdiction = Jurisdiction.objects.filter(code=code).first()
            if jurisdiction is None:
                raise SeedError(f"{where}.jurisdiction: no jurisdiction {code!r}")
            _, outcome = bill_services.officeholder_upsert(
                jurisdiction=jurisdiction,
                role=str(data.get("role") or Officeholder.Role.HEAD_OF_STATE),
                name=str(_req(data, "name", where)).strip(),
                term_start=_date(data.get("term_start"), f"{where}.term_start"),
                term_end=_date(data.get("term_end"), f"{where}.term_end"),
                sources=self.source_list(data.get("sources"), f"{where}.sources"),
                **_text(data, "name_ru", "name_kk"),
            )
            self.report.add("officeholders", outcome)

    def bills_load(self, items: list[dict[str, Any]]) -> None:
        for i, data in enumerate(items or []):
            where = f"bills[{i}]"
            text_fields = (
                "identifier",
                "title_ru",
                "title_kk",
                "short_title",
                "short_title_ru",
                "short_title_kk",
                "summary",
                "summary_ru",
                "summary_kk",
                "lineage",
                "lineage_ru",
                "lineage_kk",
            )
            _only(
                data,
                {"slug", "jurisdiction", "title", "originating_chamber", "subjects", "sources"}
                | set(text_fields)
                | {"events", "family", "lineage_sources"},
                where,
            )
            code = _req(data, "jurisdiction", where)
            jurisdiction = Jurisdiction.objects.filter(code=code).first()
            if jurisdiction is None:
                raise SeedError(f"{where}.jurisdiction: no jurisdiction {code!r}")
            slugs = data.get("subjects") or []
            subjects = list(Subject.objects.filter(slug__in=slugs))
            if len(subjects) != len(set(slugs)):
                raise SeedError(f"{where}.subjects: unknown subject slug(s) in {slugs}")
            family = None
            if data.get("family"):
                family = Family.objects.filter(slug=data["family"]).first()
                if family is None:
                    raise SeedError(f"{where}.family: no family {data['family']!r}")
            lineage_sources = None
            if data.get("lineage"):
                lineage_sources = self.source_list(
                    data.get("lineage_sources"), f"{where}.lineage_sources"
                )
            originating = None
            if data.get("originating_chamber"):
                originating = self.chamber(jurisdiction, data["originating_chamber"], where)
            bill, outcome = bill_services.bill_upsert(
                slug=_req(data, "slug", where),
                jurisdiction=jurisdiction,
                title=" ".join(str(_req(data, "title", where)).split()),
                originating_chamber=originating,
                subjects=subjects,
                sources=self.source_list(data.get("sources"), f"{where}.sources"),
                family=family,
                lineage_sources=lineage_sources or [],
                **{
                    name: " ".join(value.split()) if name.startswith("lineage") else value
                    for name, value in _text(data, *text_fields).items()
                },
            )
            self.report.add("bills", outcome)
            self.bills.append(bill)
            events = sorted(data.get("events") or [], key=lambda e: int(_req(e, "order", where)))
            orders = [e["order"] for e in events]
            if len(set(orders)) != len(orders):
                raise SeedError(f"{where}.events: two events share an order")
            for event in events:
                ewhere = f"{where}.events[order={event['order']}]"
                try:
                    self.event_load(bill, event, ewhere)
                except ValidationError as exc:
                    raise SeedError(f"{ewhere}: {'; '.join(error_messages(exc))}") from exc

    def chamber(self, jurisdiction: Jurisdiction, classification: str, where: str) -> Chamber:
        chamber = jurisdiction.chambers.filter(classification=classification).first()
        if chamber is None:
            raise SeedError(f"{where}: {jurisdiction.code} has no {classification!r} chamber")
        return chamber

    def event_load(self, bill: Bill, data: dict[str, Any], where: str) -> None:
        _only(
            data,
            {
                "order",
                "classification",
                "actor",
                "chamber",
                "date",
                "date_precision",
                "description",
                "description_ru",
                "description_kk",
                "visibility",
                "sources",
                "vote",
            },
            where,
        )
        chamber = (
            self.chamber(bill.jurisdiction, data["chamber"], where) if data.get("chamber") else None
        )
        date = _date(data.get("date"), f"{where}.date")
        fields: dict[str, Any] = {
            "classification": _req(data, "classification", where),
            "description": " ".join(str(_req(data, "description", where)).split()),
            "description_ru": " ".join(str(data.get("description_ru") or "").split()),
            "description_kk": " ".join(str(data.get("description_kk") or "").split()),
            "actor": str(data.get("actor") or "").strip(),
            "chamber": chamber,
            "date": date,
            "date_precision": data.get("date_precision") or ("day" if date else "unknown"),
            "visibility": data.get("visibility") or "public",
        }
        sources = self.source_list(data.get("sources"), f"{where}.sources")
        vote = self.vote_fields(data.get("vote"), where)
        existing = Event.objects.filter(bill=bill, order=data["order"]).first()
        if existing is None:
            event = timeline.event_record(bill=bill, order=data["order"], sources=sources, **fields)
            self.report.add("events", "created")
        else:
            event, changed = timeline.event_update(
                event=existing, data={**fields, "sources": sources}
            )
            self.report.add("events", "updated" if changed else "unchanged")
        if vote is not None:
            self.vote_load(event, vote)

    def vote_fields(self, data: dict[str, Any] | None, where: str) -> dict[str, Any] | None:
        """The vote that decided the event (its bill, chamber and date are the event's)."""
        if data is None:
            return None
        where = f"{where}.vote"
        counts = ("yes_count", "no_count", "abstain_count", "absent_count", "not_voting_count")
        _only(data, {"motion", "motion_ru", "motion_kk", "result", "unanimous", *counts}, where)
        return {
            "motion": str(_req(data, "motion", where)),
            "result": _req(data, "result", where),
            "unanimous": bool(data.get("unanimous", False)),
            "motion_ru": str(data.get("motion_ru") or ""),
            "motion_kk": str(data.get("motion_kk") or ""),
            **{c: data.get(c) for c in counts},
        }

    def vote_load(self, event: Event, fields: dict[str, Any]) -> None:
        existing = Vote.objects.filter(action=event).first()
        if existing is None:
            timeline.vote_record(action=event, **fields)
            self.report.add("votes", "created")
            return
        _, changed = timeline.vote_update(vote=existing, data=fields)
        self.report.add("votes", "updated" if changed else "unchanged")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506 (a safe loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SeedError(f"{path}: cannot read seed file: {_one_line(exc)}") from exc
    except ValueError as exc:  # PyYAML builds unquoted dates itself: 2025-02-30
        raise SeedError(f"{path}: impossible date ({exc})") from exc
    if not isinstance(data, dict):
        raise SeedError(f"{path}: expected a mapping at the top level")
    unknown = set(data) - {
        "sources",
        "subjects",
        "families",
        "jurisdictions",
        "officeholders",
        "bills",
    }
    if unknown:
        raise SeedError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    return data


@dataclass
class RulesReport:
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


RULE_KEYS = {*bill_services.RULE_FIELDS, "steps"}
STEP_KEYS = set(bill_services.STEP_FIELDS)


@transaction.atomic
def rules_load(*, path: Path | str | None = None, data: dict | None = None) -> RulesReport:
    """Create or update the signing rules (and any missing jurisdiction) from the YAML file.

    Idempotent: a second run reports everything unchanged. Bills under a changed rule are
    derived again. Raises ValidationError (and writes nothing) on bad data.
    """
    if data is None:
        source = Path(path or SEEDS_DIR / SIGNING_RULES_FILE)
        try:
            data = yaml.load(source.read_text("utf-8"), Loader=YAML_LOADER)  # noqa: S506 (a safe loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
            raise ValidationError(
                f"{source}: cannot read the signing rules: {_one_line(exc)}"
            ) from exc
    if not isinstance(data, dict):
        raise ValidationError("signing rules: expected a mapping at the top level.")
    report = RulesReport()
    with record_batch():
        for spec in data.get("jurisdictions") or []:
            code = spec.get("code", "") if isinstance(spec, dict) else ""
            if Jurisdiction.objects.filter(code=code).exists():
                continue
            try:
                bill_services.jurisdiction_upsert(**spec)
            except TypeError as exc:  # an unknown or missing key in the YAML
                raise ValidationError(f"jurisdiction {code or '?'}: {exc}") from exc
            report.jurisdictions_created.append(code)
        for spec in data.get("rules") or []:
            rule, outcome = _rule_load(spec)
            getattr(report, outcome).append(rule.code)
    return report


def _rule_load(spec: Any) -> tuple[SigningRule, str]:
    if not isinstance(spec, dict):
        raise ValidationError("signing rule: expected a mapping.")
    code = str(spec.get("code") or "")
    where = f"signing rule {code or '?'}"
    unknown = set(spec) - RULE_KEYS
    if unknown:
        raise ValidationError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
    jurisdiction = Jurisdiction.objects.filter(code=spec.get("jurisdiction")).first()
    if jurisdiction is None:
        raise ValidationError(f"{where}: unknown jurisdiction {spec.get('jurisdiction')!r}.")
    steps = spec.get("steps") or []
    if not isinstance(steps, list) or not all(isinstance(s, dict) for s in steps):
        raise ValidationError(f"{where}: steps must be a list of mappings.")
    for step in steps:
        if set(step) - STEP_KEYS:
            raise ValidationError(
                f"{where}: unknown step key(s) {', '.join(sorted(set(step) - STEP_KEYS))}."
            )
    alert_days = spec.get("alert_days", [7, 3, 1, 0])
    if not isinstance(alert_days, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) for d in alert_days
    ):
        raise ValidationError(f"{where}: alert_days must be a list of whole days.")
    try:
        in_force_from = _date(spec.get("in_force_from"), f"{where}.in_force_from")
        in_force_until = _date(spec.get("in_force_until"), f"{where}.in_force_until")
    except SeedError as exc:
        raise ValidationError(str(exc)) from exc
    try:
        return bill_services.rule_upsert(
            code=code,
            jurisdiction=jurisdiction,
            name=str(spec.get("name", "")),
            legal_source=" ".join(str(spec.get("legal_source", "")).split()),
            source_url=str(spec.get("source_url", "")),
            in_force_from=in_force_from,
            in_force_until=in_force_until,
            trigger=str(spec.get("trigger", "")),
            lapse_effect=str(spec.get("lapse_effect", "")),
            lapse_note=" ".join(str(spec.get("lapse_note", "")).split()),
            court_referral=str(spec.get("court_referral") or "not-stated"),
            alert_days=alert_days,
            steps=steps,
        )
    except ValidationError as exc:
        raise ValidationError(f"{where}: {'; '.join(error_messages(exc))}") from exc


def _rules_count(report: SeedReport, path: Path) -> None:
    result = rules_load(path=path)
    for outcome in ("created", "updated", "unchanged"):
        report.counts.setdefault("signing rules", Counter())[outcome] += len(
            getattr(result, outcome)
        )
    if result.jurisdictions_created:
        report.counts.setdefault("jurisdictions", Counter())["created"] += len(
            result.jurisdictions_created
        )


def _load_all(report: SeedReport, documents: list[tuple[Path, dict]], rules_path: Path) -> None:
    loader = _Loader(report)
    # Order matters: jurisdictions, then the signing rules (windows need them), then the bills
    # whose recorded actions open windows. The batch around this derives each bill once.
    for _path, data in documents:
        loader.sources_load(data.get("sources") or {})
        loader.subjects_load(data.get("subjects") or [])
        loader.families_load(data.get("families") or [])
        loader.jurisdictions_load(data.get("jurisdictions") or [])
    if rules_path.exists():
        _rules_count(report, rules_path)
    for _path, data in documents:
        # After the rules: they may create the officeholders' jurisdictions.
        loader.officeholders_load(data.get("officeholders") or [])
    for path, data in documents:
        try:
            loader.bills_load(data.get("bills") or [])
        except SeedError as exc:
            raise SeedError(f"{path.name}: {exc}") from exc
    for bill in loader.bills:
        # Rules may have been added after the bill's actions: derive it once more.
        record_changed(bill=bill)


def seeds_load(
    *, record_files: list[Path] | None = None, rules_file: Path | None = None, dry_run: bool = False
) -> SeedReport:
    """Load the record seeds (and signing rules) in one transaction; roll back on dry run.

    Raises SeedError for bad seed data (with where and why); nothing is written then.
    """
    paths = record_files or default_record_files()
    rules_path = rules_file or SEEDS_DIR / SIGNING_RULES_FILE
    report = SeedReport()
    documents = [(path, _read_yaml(path)) for path in paths]
    try:
        with transaction.atomic():
            with record_batch():
                _load_all(report, documents, rules_path)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as exc:
        raise SeedError(f"invalid seed data: {'; '.join(error_messages(exc))}") from exc
    return report


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def seed_paths(*, extra: list[str]) -> list[Path]:
    """The shipped record seeds, then each extra file, or each folder's *.yaml (sorted): an
    organisation's own record kept as YAML under version control."""
    paths = default_record_files()
    for name in extra:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.yaml") if p.name != SIGNING_RULES_FILE)
            if not found:
                raise SeedError(f"{path}: no .yaml seed files in this folder")
            paths += found
        elif path.is_file():
            paths.append(path)
        else:
            raise SeedError(f"{path}: no such file or folder")
    # A file named twice is loaded once.
    return list(dict.fromkeys(p.resolve() for p in paths))
