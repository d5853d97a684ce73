"""Backup and restore of the public record (and, on request, the internal events) as JSON.

What is written: jurisdictions, chambers, subjects, sources, bills, votes, member votes, timeline
events, signing rules with their steps, and signing windows, with their primary keys, so that a
restore is the same record. What is not: subscribers, alerts and deliveries (people, not the
record), staff accounts, and the audit history. Internal events only with `include_internal`.
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

from bills.models import (
    Bill,
    Chamber,
    Jurisdiction,
    MemberVote,
    SigningRule,
    SigningRuleStep,
    SigningWindow,
    Source,
    Subject,
    Vote,
)
from events.models import Event, Visibility

FORMAT = "bill-tracker-record"
VERSION = 1

# In dependency order: each model refers only to models before it.
RECORD_MODELS: tuple[type[models.Model], ...] = (
    Jurisdiction,
    Chamber,
    Subject,
    Source,
    Bill,
    Vote,
    MemberVote,
    Event,
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
        if model is Event and not include_internal:
            queryset = queryset.filter(visibility=Visibility.PUBLIC)
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
            f"unsupported export version {data.get('version')!r}; this code reads {VERSION}"
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
        for position, wrapped in enumerate(serializers.deserialize("python", objects)):
            instance = wrapped.object
            try:
                # Field-level checks only: cross-row rules are the database's constraints and
                # triggers, which see the rows as they are inserted.
                instance.clean_fields()
            except ValidationError as exc:
                raise RecordImportError(
                    f"row {position} ({_label(type(instance))} {instance.pk}): {exc.messages}"
                ) from exc
            wrapped.save()
            counts[_label(type(instance))] = counts.get(_label(type(instance)), 0) + 1
    except DeserializationError as exc:
        raise RecordImportError(f"unreadable row: {exc}") from exc
    except DatabaseError as exc:
        raise RecordImportError(f"the database refused a row: {exc}") from exc
    _reset_sequences()
    return counts


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
