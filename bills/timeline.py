"""Writes to a bill's timeline: actions and advocacy events, the votes that decided actions, and
the members' votes.

Every recorded, changed or deleted event ends in bills.changes.record_changed, in the same
transaction: the bill's status and windows are derived again (a change that breaks a truth rule
is refused with its message), and an action that has just become public is announced once.
A vote hangs off its action: recording, changing or deleting it never touches a date.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from bills.changes import record_changed
from bills.models import Bill, Chamber, DatePrecision, Event, MemberVote, Source, Visibility, Vote
from bills.signals import vote_recorded
from bills.updates import model_create, model_update

EVENT_FIELDS = (
    "order",
    "classification",
    "description",
    "description_ru",
    "description_kk",
    "date",
    "date_precision",
    "chamber",
    "actor",
    "visibility",
    "sources",
)
VOTE_FIELDS = (
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
    "sources",
)


def _announced(event: Event) -> bool:
    """A public legislative action is news for the bill's subscribers."""
    return event.is_public and event.is_legislative


def sources_required(*, visibility: str, sources: Iterable[Source]) -> None:
    """Every public fact cites a source; only internal (staff-only) notes may have none."""
    if visibility == Visibility.PUBLIC and not list(sources):
        raise ValidationError(
            {
                "sources": _(
                    "A public event cites at least one source (publisher, title, date): pick "
                    "one or create it. Only internal notes may have none."
                )
            }
        )


def _next_order(bill: Bill) -> int:
    current = Event.objects.filter(bill=bill).aggregate(m=Max("order"))["m"]
    return 1 if current is None else current + 1


# Above any position a timeline reaches: renumbering moves rows up here first, so that the
# (bill, order) unique constraint holds at every statement.
_RENUMBER_OFFSET = 1_000_000


def _place_by_date(event: Event) -> None:
    """Move a dated event to where its date puts it: after every act dated the same day or
    earlier, before the first dated later. Undated events keep their places, and so do acts of
    the same day among themselves (their order is the manual tie-break). The others are
    renumbered, so no one has to renumber the timeline by hand."""
    if event.date is None:
        return
    timeline = list(
        Event.objects.filter(bill_id=event.bill_id).order_by("order").values_list("pk", "date")
    )
    others = [(pk, date) for pk, date in timeline if pk != event.pk]
    index = next(
        (i for i, (_, date) in enumerate(others) if date is not None and date > event.date),
        len(others),
    )
    wanted = [pk for pk, _ in others[:index]] + [event.pk] + [pk for pk, _ in others[index:]]
    if wanted == [pk for pk, _ in timeline]:
        return
    rows = Event.objects.filter(bill_id=event.bill_id)
    rows.update(order=F("order") + _RENUMBER_OFFSET)
    for position, pk in enumerate(wanted, start=1):
        Event.objects.filter(pk=pk).update(order=position)
    event.order = wanted.index(event.pk) + 1


@transaction.atomic
def event_record(
    *,
    bill: Bill,
    classification: str,
    description: str,
    sources: Iterable[Source] = (),
    date: datetime.date | None = None,
    date_precision: str | None = None,
    chamber: Chamber | None = None,
    actor: str = "",
    visibility: str = Visibility.PUBLIC,
    order: int | None = None,
    description_ru: str = "",
    description_kk: str = "",
    vote: Mapping[str, Any] | None = None,
) -> Event:
    """Add an entry to the bill's timeline: where its date puts it (at the end when undated),
    unless `order` is given.

    `date_precision` defaults to 'day' with a date and 'unknown' without one. `vote`: keyword
    arguments of `vote_record` (without `action`) for the vote that decided this act, recorded
    with it.
    """
    sources = list(sources)
    sources_required(visibility=visibility, sources=sources)
    if date_precision is None:
        date_precision = DatePrecision.DAY if date is not None else DatePrecision.UNKNOWN
    placed = order is None
    if placed:
        # Lock the bill so that two concurrent appends cannot take the same position.
        Bill.objects.select_for_update().filter(pk=bill.pk).first()
        order = _next_order(bill)
    event = model_create(
        model=Event,
        data={
            "bill": bill,
            "order": order,
            "classification": classification,
            "description": description,
            "description_ru": description_ru,
            "description_kk": description_kk,
            "date": date,
            "date_precision": date_precision,
            "chamber": chamber,
            "actor": actor,
            "visibility": visibility,
            "sources": sources,
        },
    )
    if placed:
        _place_by_date(event)
    if vote is not None:
        vote_record(action=event, **vote)
    record_changed(bill=bill, published=[event] if _announced(event) else [])
    return event


@transaction.atomic
def event_update(*, event: Event, data: Mapping[str, Any]) -> tuple[Event, list[str]]:
    """Change an event's fields (`sources` too); returns it and the names that changed.
    A new date moves the event to its place on the timeline unless a new order is given."""
    was_announced = _announced(event)
    if "order" in data and data["order"] is None:  # left empty in a form: keep the place
        data = {key: value for key, value in data.items() if key != "order"}
    event, changed = model_update(instance=event, fields=EVENT_FIELDS, data=data)
    if "date" in changed and "order" not in changed:
        _place_by_date(event)
    if changed:
        sources_required(visibility=event.visibility, sources=event.sources.all())
        newly = [event] if _announced(event) and not was_announced else []
        record_changed(bill=event.bill, published=newly)
    return event, changed


@transaction.atomic
def event_delete(*, event: Event) -> None:
    """Delete an event (and the vote that decided it)."""
    bill = event.bill
    event.delete()
    record_changed(bill=bill)


@transaction.atomic
def vote_record(
    *,
    action: Event,
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
) -> Vote:
    """Record the vote that decided `action`: its bill, chamber and date are the action's.

    `member_votes`: (member name, option) pairs where the source lists them; they must agree
    with the counts that are known.
    """
    vote = model_create(
        model=Vote,
        data={
            "action": action,
            "motion": motion,
            "motion_ru": motion_ru,
            "motion_kk": motion_kk,
            "result": result,
            "yes_count": yes_count,
            "no_count": no_count,
            "abstain_count": abstain_count,
            "absent_count": absent_count,
            "not_voting_count": not_voting_count,
            "unanimous": unanimous,
            "sources": list(sources),
        },
    )
    member_votes_set(vote=vote, member_votes=member_votes)
    vote_recorded.send(sender=Vote, bill=action.bill, vote=vote)
    return vote


@transaction.atomic
def vote_update(
    *,
    vote: Vote,
    data: Mapping[str, Any],
    member_votes: Iterable[tuple[str, str]] | None = None,
) -> tuple[Vote, list[str]]:
    """Change a vote's fields (and optionally its member votes); returns the names changed."""
    vote, changed = model_update(instance=vote, fields=VOTE_FIELDS, data=data)
    if member_votes is not None and member_votes_set(vote=vote, member_votes=member_votes):
        changed.append("member_votes")
    elif changed and vote.member_votes.exists():
        # New counts must still agree with the members listed.
        member_votes_set(
            vote=vote, member_votes=vote.member_votes.values_list("member_name", "option")
        )
    return vote, changed


@transaction.atomic
def vote_delete(*, vote: Vote) -> None:
    """Delete a vote; the action it decided stays on the timeline."""
    vote.delete()


def member_votes_set(*, vote: Vote, member_votes: Iterable[tuple[str, str]]) -> bool:
    """Make the vote's member list exactly `member_votes`; say whether it changed."""
    wanted = sorted((str(name).strip(), option) for name, option in member_votes)
    rows = [MemberVote(vote=vote, member_name=name, option=option) for name, option in wanted]
    for row in rows:
        row.full_clean(exclude=["vote"], validate_unique=False)
    names = [row.member_name for row in rows]
    if len(set(names)) != len(names):
        raise ValidationError(_("A member is listed twice in the member votes."))
    if rows:
        errors = vote.member_vote_errors([row.option for row in rows])
        if errors:
            raise ValidationError(errors)
    current = sorted(vote.member_votes.values_list("member_name", "option"))
    if current == wanted:
        return False
    vote.member_votes.all().delete()
    MemberVote.objects.bulk_create(rows)
    return True
