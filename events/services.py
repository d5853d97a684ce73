"""Writes to a bill's timeline: actions and advocacy events, and votes.

After every recorded, changed or deleted action or vote, in the same transaction:
`record_changed` re-derives the bill's status (bills.services.bill_refresh_status), syncs its
signing window (bills.signing.window_sync_for_bill) and, for a newly public legislative event,
raises the 'new action' alert (events.alerts.alert_raise_for_event; mails go out on commit).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from bills import signing
from bills.models import Bill, Chamber, DatePrecision, MemberVote, Source, Vote
from bills.services import bill_refresh_status
from events import alerts
from events.models import Classification, Event, Visibility

EVENT_FIELDS = frozenset(
    {
        "classification",
        "description",
        "description_ru",
        "description_kk",
        "date",
        "date_precision",
        "chamber",
        "actor",
        "visibility",
        "order",
        "vote",
    }
)
VOTE_FIELDS = frozenset(
    {
        "chamber",
        "date",
        "motion",
        "motion_ru",
        "motion_kk",
        "result",
        "yes_count",
        "no_count",
        "abstain_count",
        "absent_count",
        "not_voting_count",
        "unanimous",
    }
)


def _alertable(event: Event) -> bool:
    return event.visibility == Visibility.PUBLIC and event.is_legislative


@transaction.atomic
def record_changed(*, bill: Bill, new_public_events: Sequence[Event] = ()) -> Bill:
    """The derivations every change to a bill's actions or votes needs, in the caller's transaction.

    `new_public_events`: events that have just become visible legislative actions (recorded, or
    made public); each raises its 'new action' alert once.
    """
    bill = bill_refresh_status(bill=bill)
    signing.window_sync_for_bill(bill=bill)
    for event in new_public_events:
        if _alertable(event):
            alerts.alert_raise_for_event(event=event)
    return bill


def _next_order(bill: Bill) -> int:
    current = Event.objects.filter(bill=bill).aggregate(m=Max("order"))["m"]
    return 1 if current is None else current + 1


@transaction.atomic
def event_record(
    *,
    bill: Bill,
    classification: str,
    description: str,
    date: datetime.date | None = None,
    date_precision: str | None = None,
    chamber: Chamber | None = None,
    actor: str = "",
    visibility: str = Visibility.PUBLIC,
    sources: Iterable[Source] = (),
    order: int | None = None,
    vote: Vote | None = None,
    description_ru: str = "",
    description_kk: str = "",
) -> Event:
    """Add an entry to the bill's timeline (at the end unless `order` is given).

    `date_precision` defaults to 'day' with a date and 'unknown' without one.
    """
    if date_precision is None:
        date_precision = DatePrecision.DAY if date is not None else DatePrecision.UNKNOWN
    if order is None:
        # Lock the bill so that two concurrent appends cannot take the same position.
        Bill.objects.select_for_update().filter(pk=bill.pk).first()
        order = _next_order(bill)
    event = Event(
        bill=bill,
        order=order,
        classification=classification,
        description=description,
        description_ru=description_ru,
        description_kk=description_kk,
        date=date,
        date_precision=date_precision,
        chamber=chamber,
        actor=actor,
        visibility=visibility,
        vote=vote,
    )
    event.full_clean()
    event.save()
    event.sources.set(list(sources))
    record_changed(bill=bill, new_public_events=[event])
    return event


def _fields_and_sources_apply(
    *,
    obj: Event | Vote,
    allowed: frozenset[str],
    fields: Mapping[str, Any],
    sources: Iterable[Source] | None,
    caller: str,
) -> list[str]:
    """Set the fields that differ (validated, saved) and the sources; name what changed."""
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{caller}() got unexpected fields: {', '.join(sorted(unknown))}")
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    if changed:
        obj.full_clean()
        obj.save()
    if sources is not None:
        wanted = {s.pk for s in sources}
        if wanted != set(obj.sources.values_list("pk", flat=True)):
            obj.sources.set(list(wanted))
            changed.append("sources")
    return changed


@transaction.atomic
def event_update(
    *, event: Event, sources: Iterable[Source] | None = None, **fields: Any
) -> tuple[Event, bool]:
    """Change an event's fields (and optionally its sources); say whether anything changed."""
    was_alertable = _alertable(event)
    changed = _fields_and_sources_apply(
        obj=event, allowed=EVENT_FIELDS, fields=fields, sources=sources, caller="event_update"
    )
    if changed:
        newly_public = [event] if _alertable(event) and not was_alertable else []
        record_changed(bill=event.bill, new_public_events=newly_public)
    return event, bool(changed)


@transaction.atomic
def event_delete(*, event: Event) -> None:
    bill = event.bill
    event.delete()
    record_changed(bill=bill)


@transaction.atomic
def vote_record(
    *,
    bill: Bill,
    chamber: Chamber,
    date: datetime.date,
    motion: str,
    result: str,
    yes_count: int | None = None,
    no_count: int | None = None,
    abstain_count: int | None = None,
    absent_count: int | None = None,
    not_voting_count: int | None = None,
    unanimous: bool = False,
    motion_ru: str = "",
    motion_kk: str = "",
    sources: Iterable[Source] = (),
    member_votes: Iterable[tuple[str, str]] = (),
    action: Mapping[str, Any] | None = None,
) -> Vote:
    """Record a vote and, optionally, the action it decided (linked through Event.vote).

    `member_votes`: (member name, option) pairs where the source lists them; when given, they
    must agree with the counts. `action`: keyword arguments for `event_record` (description
    required; classification defaults to passage/failure by the result, chamber and date to the
    vote's, sources to the vote's).
    """
    sources = list(sources)
    vote = Vote(
        bill=bill,
        chamber=chamber,
        date=date,
        motion=motion,
        motion_ru=motion_ru,
        motion_kk=motion_kk,
        result=result,
        yes_count=yes_count,
        no_count=no_count,
        abstain_count=abstain_count,
        absent_count=absent_count,
        not_voting_count=not_voting_count,
        unanimous=unanimous,
    )
    vote.full_clean()
    vote.save()
    vote.sources.set(sources)
    _member_votes_set(vote=vote, member_votes=member_votes)
    if action is not None:
        spec = dict(action)
        spec.setdefault(
            "classification",
            Classification.PASSAGE if result == Vote.Result.PASS else Classification.FAILURE,
        )
        spec.setdefault("chamber", chamber)
        spec.setdefault("date", date)
        spec.setdefault("sources", sources)
        event_record(bill=bill, vote=vote, **spec)  # refreshes status, window, alert
    else:
        record_changed(bill=bill)
    return vote


def _member_votes_set(*, vote: Vote, member_votes: Iterable[tuple[str, str]]) -> None:
    member_votes = list(member_votes)
    if not member_votes:
        return
    rows = [MemberVote(vote=vote, member_name=name, option=option) for name, option in member_votes]
    for row in rows:
        row.full_clean(exclude=["vote"])
    names = [row.member_name for row in rows]
    if len(set(names)) != len(names):
        raise ValidationError(_("A member is listed twice in the member votes."))
    tally = {option: 0 for option in MemberVote.Option.values}
    for row in rows:
        tally[row.option] += 1
    fields = {
        "yes": "yes_count",
        "no": "no_count",
        "abstain": "abstain_count",
        "absent": "absent_count",
        "not-voting": "not_voting_count",
    }
    for option, field in fields.items():
        count = getattr(vote, field)
        if count is not None and count != tally[option]:
            raise ValidationError(
                _("The member votes list %(n)d '%(option)s' but the count says %(count)d.")
                % {"n": tally[option], "option": option, "count": count}
            )
    vote.member_votes.all().delete()
    MemberVote.objects.bulk_create(rows)


@transaction.atomic
def vote_update(
    *,
    vote: Vote,
    sources: Iterable[Source] | None = None,
    member_votes: Iterable[tuple[str, str]] | None = None,
    **fields: Any,
) -> tuple[Vote, bool]:
    """Change a vote's fields (and optionally sources / member votes); say whether it changed."""
    changed = _fields_and_sources_apply(
        obj=vote, allowed=VOTE_FIELDS, fields=fields, sources=sources, caller="vote_update"
    )
    if member_votes is not None:
        _member_votes_set(vote=vote, member_votes=member_votes)
        changed.append("member_votes")
    if changed:
        record_changed(bill=vote.bill)
    return vote, bool(changed)


@transaction.atomic
def vote_delete(*, vote: Vote) -> None:
    """Delete a vote; the action it decided stays on the timeline, unlinked."""
    bill = vote.bill
    vote.delete()
    record_changed(bill=bill)
