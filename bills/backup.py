"""Backup and restore of the public record (and, on request, the internal events) as JSON.

What is written: jurisdictions, chambers, subjects, sources, bills, timeline events, votes,
member votes, signing rules with their steps, and signing windows, with their primary keys, so
that a restore is the same record. What is not: subscribers, alerts and deliveries (people, not
the record), staff accounts, and the audit history. Internal events only with `include_internal`.

A restore validates every row as the services validate it (full_clean), requires a source for
every public event, and derives each bill again from its imported timeline (bills.changes): a
file whose status, dates or signing windows disagree with what its timelines give is refused, so
what is restored is what the record's one derivation says, with the file's ids and timestamps.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction

from bills.changes import bill_derive
from bills.models import (
    Bill,
    Chamber,
    Event,
    Family,
    Jurisdiction,
    MemberVote,
    Officeholder,
    SigningRule,
    SigningRuleStep,
    SigningWindow,
    Source,
    Subject,
    Visibility,
    Vote,
)
from bills.timeline import sources_required

FORMAT = "bill-tracker-record"
VERSION = 2  # 2: the timeline is part of the record app; a vote hangs off its action
# What a restore checks against the derivation of each imported timeline.
DERIVED_WINDOW_FIELDS = (
    "rule_id",
    "phase",
    "triggered_earliest",
    "triggered_latest",
    "received_on",
    "closes_earliest",
    "closes_latest",
    "status",
    "closed_on",
)

# In dependency order: each model refers only to models before it.
RECORD_MODELS: tuple[type[models.Model], ...] = (
    Jurisdiction,
    Chamber,
    Subject,
    Source,
    Family,
    Officeholder,
    Bill,
    Event,
    Vote,
    MemberVote,
    SigningRule,
    SigningRuleStep,
    SigningWindow,
)


class RecordImportError(Exception):
    """The file cannot be imported; nothing was written."""


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _querysets(*, include_internal: bool) -> Iterable[models.QuerySet]:
    for model in RECORD_MODELS:
        queryset = model._default_manager.order_by("pk")
        if not include_internal:
            # Internal events stay out, and so do the votes (and members' votes) on them.
            if model is Event:
                queryset = queryset.filter(visibility=Visibility.PUBLIC)
            elif model is Vote:
                queryset = queryset.filter(action__visibility=Visibility.PUBLIC)
            elif model is MemberVote:
                queryset = queryset.filter(vote__action__visibility=Visibility.PUBLIC)
        yield queryset


def record_export(*, include_internal: bool = False) -> dict[str, Any]:
    """The whole record as a JSON-ready dict. Internal events only when asked for."""
    objects: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for queryset in _querysets(include_internal=include_internal):
        rows = serializers.serialize("python", queryset)
        counts[_label(queryset.model)] = len(rows)
        objects.extend(rows)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "include_internal": include_internal,
        "counts": counts,
        "objects": objects,
    }


def record_export_json(*, include_internal: bool = False) -> tuple[str, dict[str, int]]:
    """The record as JSON text, and the row counts per model."""
    data = record_export(include_internal=include_internal)
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return text + "\n", data["counts"]


def record_counts() -> dict[str, int]:
    """Rows per record model in the database now."""
    return {_label(model): model._default_manager.count() for model in RECORD_MODELS}


def _parse(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RecordImportError(f'not a record export: expected "format": "{FORMAT}"')
    if data.get("version") != VERSION:
        raise RecordImportError(
            f"unsupported export version {data.get('version')!r}; this code reads {VERSION} "
            "(version 1 files predate the timeline's move into the record: restore them with "
            "the release that wrote them, then export again)"
        )
    objects = data.get("objects")
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise RecordImportError('"objects" must be a list of serialized rows')
    allowed = {_label(model) for model in RECORD_MODELS}
    for position, row in enumerate(objects):
        if row.get("model") not in allowed:
            raise RecordImportError(
                f"row {position}: model {row.get('model')!r} is not part of the record"
            )
    return objects


@transaction.atomic
def record_import(*, data: Any) -> dict[str, int]:
    """Load an export into an empty database, all or nothing; returns the rows per model.

    Raises RecordImportError (and writes nothing) when the database already holds part of a
    record, or when the file is not a valid export.
    """
    objects = _parse(data)
    present = {label: n for label, n in record_counts().items() if n}
    if present:
        listing = ", ".join(f"{n} {label}" for label, n in present.items())
        raise RecordImportError(
            f"the database is not empty ({listing}); import_record only restores into an "
            "empty database"
        )
    counts: dict[str, int] = {}
    try:
        for position, row in enumerate(objects):
            for wrapped in serializers.deserialize("python", [row]):
                _import_row(position, wrapped)
                label = _label(type(wrapped.object))
                counts[label] = counts.get(label, 0) + 1
        _reset_sequences()
        for event in Event.objects.filter(visibility=Visibility.PUBLIC).order_by("pk"):
            try:
                sources_required(visibility=event.visibility, sources=event.sources.all())
            except ValidationError as exc:
                raise RecordImportError(f"{event}: {' '.join(exc.messages)}") from exc
        disagree = [bill for bill in Bill.objects.order_by("pk") if not _derives_as_stored(bill)]
    except DeserializationError as exc:
        raise RecordImportError(f"unreadable row: {exc}") from exc
    except ValidationError as exc:
        raise RecordImportError(f"the record breaks a rule: {' '.join(exc.messages)}") from exc
    except DatabaseError as exc:
        raise RecordImportError(f"the database refused a row: {exc}") from exc
    if disagree:
        raise RecordImportError(
            "the status, dates or signing windows in the file are not what the timelines give "
            f"(bills {', '.join(b.slug for b in disagree[:5])}): it was not written by "
            "export_record from a consistent record"
        )
    return counts


def _derived(bill: Bill) -> tuple[Any, ...]:
    windows = bill.windows.order_by("id").values_list(*DERIVED_WINDOW_FIELDS)
    return (bill.status, bill.introduced_on, bill.last_action_on, list(windows))


def _derives_as_stored(bill: Bill) -> bool:
    """Derive the bill from its imported timeline; True if the file's derived facts match (the
    rows, their ids and timestamps are then left as the file has them)."""
    stored = _derived(bill)
    derived = bill_derive(bill=bill)
    return _derived(derived) == stored


def _import_row(position: int, wrapped: Any) -> None:
    instance = wrapped.object
    try:
        # As the services validate: fields, the model's rules, uniqueness and constraints.
        instance.full_clean()
    except ValidationError as exc:
        raise RecordImportError(
            f"row {position} ({_label(type(instance))} {instance.pk}): {exc.messages}"
        ) from exc
    wrapped.save()


def record_import_from(stream: IO[str]) -> dict[str, int]:
    try:
        data = json.load(stream)
    except json.JSONDecodeError as exc:
        raise RecordImportError(f"not JSON: {exc}") from exc
    return record_import(data=data)


def _reset_sequences() -> None:
    """After inserting explicit primary keys, move PostgreSQL's sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(RECORD_MODELS))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
