"""The bulk downloads of /data/: the public record as one JSON file and as CSV tables.

Built from public rows only, with public ids (an event's public_id, a bill's slug, a source's
key): row ids would show the gaps hidden events leave. Rebuilt by web.tasks.data_rebuild a few
seconds after the record changes (debounced), and at the first request if never built.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import hashlib
import io
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from celery import current_app
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bills.models import (
    Bill,
    Event,
    Jurisdiction,
    MemberVote,
    SigningRule,
    SigningWindow,
    Source,
    Visibility,
    Vote,
)
from web import record_signals
from web.api import serializers
from web.models import DataFile
from web.selectors import bill_detail, sources_of_owners

REBUILD_TASK = "web.tasks.data_rebuild"
# Set while a rebuild is queued and not yet started: a burst of edits queues one rebuild. It
# expires, so that a queued message lost with Redis does not block rebuilds for long.
SCHEDULED_KEY = "web:data-rebuild-scheduled"
SCHEDULED_TTL = 300  # seconds
LANGS = ("", "_ru", "_kk")


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[tuple[str, str], ...]


TABLES = (
    Table(
        "bills.csv",
        "One row per bill.",
        (
            ("slug", "the bill's id in every file and URL"),
            ("jurisdiction", "jurisdiction code (KZ, RU …)"),
            ("identifier", "official number, blank where no source gives one"),
            ("title, title_ru, title_kk", "official title in English, Russian, Kazakh"),
            ("short_title, short_title_ru, short_title_kk", "short title"),
            ("status", "introduced, passed-lower, passed-upper, awaiting-signature, enacted, …"),
            ("introduced_on, last_action_on", "dates (YYYY-MM-DD), derived from the timeline"),
            ("sources", "keys of the bill's sources in sources.csv, space-separated"),
            ("url", "the bill's page"),
        ),
    ),
    Table(
        "actions.csv",
        "One row per public timeline event: legislative actions and advocacy events.",
        (
            ("bill", "slug (bills.csv)"),
            ("id", "the event's public id"),
            ("order", "position on the bill's timeline"),
            (
                "classification",
                "Open Civic Data action (passage, executive-signature …) or advocacy event",
            ),
            ("date, date_precision", "YYYY-MM-DD and day/month/unknown (a month date is its 1st)"),
            ("chamber", "lower, upper or unicameral, for a chamber's act"),
            ("actor", "who acted, for advocacy events"),
            ("description, description_ru, description_kk", "what happened"),
            ("sources", "keys in sources.csv, space-separated"),
        ),
    ),
    Table(
        "votes.csv",
        "One row per vote; its bill, chamber and date are its action's.",
        (
            ("bill", "slug"),
            ("action", "the public id of the action it decided (actions.csv)"),
            ("motion, motion_ru, motion_kk", "the motion"),
            ("result", "pass or fail"),
            ("yes, no, abstain, absent, not_voting", "counts, blank where not reported"),
            ("unanimous", "true where the source says unanimous"),
        ),
    ),
    Table(
        "member_votes.csv",
        "One row per legislator's vote, where the source lists them.",
        (
            ("bill", "slug"),
            ("action", "public id of the action"),
            ("member", "the legislator's name"),
            ("option", "yes, no, abstain, absent, not-voting"),
        ),
    ),
    Table(
        "windows.csv",
        "One row per signing window (the time the head of state has to sign or return).",
        (
            ("bill", "slug"),
            ("rule", "signing rule code"),
            ("status", "open, signed, vetoed, became-law, withdrawn"),
            (
                "triggered_earliest, triggered_latest",
                "when the trigger happened (bounds if undated)",
            ),
            ("received_on", "the executive's receipt, where recorded"),
            ("closes_earliest, closes_latest", "when the window closes (one date once known)"),
            ("closed_on", "when it closed"),
        ),
    ),
    Table(
        "sources.csv",
        "One row per source cited by a public fact.",
        (
            ("key", "the source's key in the other files"),
            ("publisher, title, url", "the citation"),
            ("published_on, published_precision", "publication date and its precision"),
        ),
    ),
)
FILES = {"record.json": "application/json", **{t.name: "text/csv; charset=utf-8" for t in TABLES}}


def source_key(source: Source) -> str:
    text = f"{source.publisher}|{source.title}|{source.published_on}|{source.url}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _keys(sources: Iterable[Source]) -> str:
    return " ".join(sorted(source_key(s) for s in sources))


def _csv(header: list[str], rows: Iterable[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode()


def _texts(obj: object, field: str) -> list[str]:
    return [getattr(obj, field + suffix) for suffix in LANGS]


def build() -> dict[str, bytes]:
    """Every file's content, from the public record as it stands."""
    bills = list(Bill.objects.select_related("jurisdiction").order_by("slug"))
    events = list(
        Event.objects.public().select_related("bill", "chamber").order_by("bill__slug", "order")
    )
    cited_by = sources_of_owners(
        {
            "bill": Source.objects.filter(bills__isnull=False).annotate(owner_id=F("bills")),
            "event": Source.objects.filter(events__visibility=Visibility.PUBLIC).annotate(
                owner_id=F("events")
            ),
        }
    )
    votes = list(
        Vote.objects.filter(action__visibility=Visibility.PUBLIC)
        .select_related("action__bill")
        .order_by("action__bill__slug", "action__order")
    )
    members = list(
        MemberVote.objects.filter(vote__action__visibility=Visibility.PUBLIC)
        .select_related("vote__action__bill")
        .order_by("vote__action__bill__slug", "vote__action__order", "member_name")
    )
    windows = list(
        SigningWindow.objects.select_related("bill", "rule").order_by("bill__slug", "id")
    )
    cited: dict[str, Source] = {}
    for sources in cited_by.values():
        for source in sources:
            cited[source_key(source)] = source
    site = serializers.absolute
    files = {
        "bills.csv": _csv(
            [
                "slug",
                "jurisdiction",
                "identifier",
                "title",
                "title_ru",
                "title_kk",
                "short_title",
                "short_title_ru",
                "short_title_kk",
                "status",
                "introduced_on",
                "last_action_on",
                "sources",
                "url",
            ],
            (
                [
                    b.slug,
                    b.jurisdiction.code,
                    b.identifier,
                    *_texts(b, "title"),
                    *_texts(b, "short_title"),
                    b.status,
                    b.introduced_on,
                    b.last_action_on,
                    _keys(cited_by["bill", b.pk]),
                    site(f"/bills/{b.slug}/"),
                ]
                for b in bills
            ),
        ),
        "actions.csv": _csv(
            [
                "bill",
                "id",
                "order",
                "classification",
                "date",
                "date_precision",
                "chamber",
                "actor",
                "description",
                "description_ru",
                "description_kk",
                "sources",
            ],
            (
                [
                    e.bill.slug,
                    e.public_id,
                    e.order,
                    e.classification,
                    e.date,
                    e.date_precision,
                    e.chamber.classification if e.chamber else "",
                    e.actor,
                    *_texts(e, "description"),
                    _keys(cited_by["event", e.pk]),
                ]
                for e in events
            ),
        ),
        "votes.csv": _csv(
            [
                "bill",
                "action",
                "motion",
                "motion_ru",
                "motion_kk",
                "result",
                "yes",
                "no",
                "abstain",
                "absent",
                "not_voting",
                "unanimous",
            ],
            (
                [
                    v.action.bill.slug,
                    v.action.public_id,
                    *_texts(v, "motion"),
                    v.result,
                    v.yes_count,
                    v.no_count,
                    v.abstain_count,
                    v.absent_count,
                    v.not_voting_count,
                    "true" if v.unanimous else "false",
                ]
                for v in votes
            ),
        ),
        "member_votes.csv": _csv(
            ["bill", "action", "member", "option"],
            (
                [m.vote.action.bill.slug, m.vote.action.public_id, m.member_name, m.option]
                for m in members
            ),
        ),
        "windows.csv": _csv(
            [
                "bill",
                "rule",
                "status",
                "triggered_earliest",
                "triggered_latest",
                "received_on",
                "closes_earliest",
                "closes_latest",
                "closed_on",
            ],
            (
                [
                    w.bill.slug,
                    w.rule.code,
                    w.status,
                    w.triggered_earliest,
                    w.triggered_latest,
                    w.received_on,
                    w.closes_earliest,
                    w.closes_latest,
                    w.closed_on,
                ]
                for w in windows
            ),
        ),
        "sources.csv": _csv(
            ["key", "publisher", "title", "url", "published_on", "published_precision"],
            (
                [key, s.publisher, s.title, s.url, s.published_on, s.published_precision]
                for key, s in sorted(cited.items())
            ),
        ),
    }
    record = {
        "format": "bill-tracker-public-record",
        "version": 1,
        "licence": "CC BY 4.0",
        "jurisdictions": serializers.JurisdictionSerializer(
            Jurisdiction.objects.prefetch_related("chambers").order_by("code"), many=True
        ).data,
        "signing_rules": serializers.SigningRuleSerializer(
            SigningRule.objects.select_related("jurisdiction").prefetch_related("steps"), many=True
        ).data,
        "bills": [_bill_detail(bill) for bill in bills],
    }
    files["record.json"] = (
        json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1) + "\n"
    ).encode()
    return files


def _bill_detail(bill: Bill) -> dict:
    # The API's representation of a bill, reused: one description of the public record.
    return serializers.BillDetailSerializer(bill, context={"detail": bill_detail(bill=bill)}).data


@transaction.atomic
def data_rebuild(*, now: datetime.datetime | None = None) -> list[str]:
    """Build every file and store those whose content changed; returns their names."""
    now = now or timezone.now()
    changed = []
    stored = {f.name: f for f in DataFile.objects.select_for_update()}
    for name, content in build().items():
        digest = hashlib.sha256(content).hexdigest()
        current = stored.get(name)
        if current is not None and current.sha256 == digest:
            continue
        DataFile.objects.update_or_create(
            name=name,
            defaults={
                "content_type": FILES[name],
                "content_gz": gzip.compress(content, mtime=0),
                "size": len(content),
                "sha256": digest,
                "built_at": now,
            },
        )
        changed.append(name)
    return changed


def data_files() -> dict[str, DataFile]:
    """The stored files, built now if they never were."""
    files = {f.name: f for f in DataFile.objects.all()}
    if set(files) != set(FILES):
        data_rebuild()
        files = {f.name: f for f in DataFile.objects.all()}
    return files


# Writes since this thread last published a rebuild (a transaction is one thread's).
_unpublished = threading.local()


def _schedule(**kwargs: object) -> None:
    _unpublished.writes = getattr(_unpublished, "writes", 0) + 1
    transaction.on_commit(_publish, robust=True)


def _publish() -> None:
    # Once per commit, however many rows it wrote: the first of its hooks publishes for all (a
    # seed run writes hundreds, and with tasks run eagerly each would rebuild the files anew).
    if not getattr(_unpublished, "writes", 0):
        return
    _unpublished.writes = 0
    _queue_rebuild()


def _queue_rebuild() -> None:
    # One rebuild for a burst of writes: a write queues it unless one is queued and not yet
    # started (that one will read this write). No countdown: a worker holding a delayed message
    # unacknowledged when Redis goes away crashes in kombu's restore (seen in the fault tests).
    if cache.add(SCHEDULED_KEY, 1, timeout=SCHEDULED_TTL):
        current_app.signature(REBUILD_TASK).apply_async()


def data_rebuild_queued() -> list[str]:
    """The queued rebuild: first let later writes queue another, then read the record."""
    cache.delete(SCHEDULED_KEY)
    return data_rebuild()


def connect_signals() -> None:
    record_signals.connect(_schedule, "bulk-data")
