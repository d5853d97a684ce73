"""Which bills' public record changed since a moment: for clients that sync incrementally.

Read from the audit history (django-simple-history) of bills, their events, votes and signing
windows. A change counts only where the public could see it: an internal event's history is
ignored, unless the event was public at some point (then its removal from view is a change the
public saw). A bill deleted since is listed as deleted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max

from bills.models import Bill, Event, SigningWindow, Visibility, Vote

MAX_CHANGES = 1000


@dataclass(frozen=True)
class BillChange:
    slug: str
    changed_at: datetime.datetime
    deleted: bool


def _latest(rows, key: str = "bill_id") -> dict[int | None, datetime.datetime]:
    return {row[key]: row["at"] for row in rows}


def bill_changes(
    *, since: datetime.datetime, limit: int = MAX_CHANGES
) -> tuple[list[BillChange], bool]:
    """The bills whose public record changed after `since`, oldest change first, at most
    `limit` (and whether more were left out)."""
    times: dict[int, datetime.datetime] = {}

    def merge(found: dict[int | None, datetime.datetime]) -> None:
        for bill_id, at in found.items():
            if bill_id is not None and (bill_id not in times or at > times[bill_id]):
                times[bill_id] = at

    history = Bill.history.model.objects.filter(history_date__gt=since)
    merge(_latest(history.values("id").annotate(at=Max("history_date")), "id"))
    ever_public = Event.history.model.objects.filter(visibility=Visibility.PUBLIC).values("id")
    events = Event.history.model.objects.filter(history_date__gt=since, id__in=ever_public)
    merge(_latest(events.values("bill_id").annotate(at=Max("history_date"))))
    votes = list(
        Vote.history.model.objects.filter(history_date__gt=since, action_id__in=ever_public)
        .values("action_id")
        .annotate(at=Max("history_date"))
    )
    bill_of = dict(
        Event.history.model.objects.filter(id__in=[row["action_id"] for row in votes])
        .values_list("id", "bill_id")
        .distinct()
    )
    for row in votes:
        merge({bill_of.get(row["action_id"]): row["at"]})
    windows = SigningWindow.history.model.objects.filter(history_date__gt=since)
    merge(_latest(windows.values("bill_id").annotate(at=Max("history_date"))))
    ordered = sorted(times.items(), key=lambda item: (item[1], item[0]))
    truncated = len(ordered) > limit
    ordered = ordered[:limit]
    live = dict(Bill.objects.filter(pk__in=[pk for pk, _ in ordered]).values_list("pk", "slug"))
    gone = {
        row["id"]: row["slug"]
        for row in Bill.history.model.objects.filter(id__in=[pk for pk, _ in ordered])
        .exclude(id__in=live)
        .values("id", "slug")
    }
    changes = [
        BillChange(slug=live.get(pk) or gone.get(pk, ""), changed_at=at, deleted=pk not in live)
        for pk, at in ordered
        if pk in live or pk in gone
    ]
    return changes, truncated
