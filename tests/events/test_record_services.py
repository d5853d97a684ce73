"""Recording votes and events: the linked action, member votes, and the hooks run every time.

Note: these services moved from events.services to bills.timeline (the record is the bills
app's); the tests stay here because what they watch for is the alerting app's job: recording a
newly public legislative action makes the record announce it (bills.changes ->
bills.signals.actions_published), and events.receivers raises its 'new action' alert. The other
hook is the bill's one derivation (bills.changes.bill_derive: status, dates and windows).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from bills import changes
from bills.models import BillStatus, Event, MemberVote, Visibility, Vote
from bills.models import Classification as C
from bills.timeline import event_record, event_update, vote_delete, vote_record, vote_update
from events import receivers
from tests.bills.factories import BillFactory, SourceFactory

NOV12 = datetime.date(2025, 11, 12)


@pytest.fixture
def lower(kz_record):
    """The Mäjilis of the shared Kazakhstan record (a two-house legislature)."""
    return kz_record.lower


@pytest.fixture
def bill(kz_record, lower):
    """A new Kazakh bill with nothing on its timeline yet."""
    return BillFactory(jurisdiction=kz_record.jurisdiction, originating_chamber=lower)


@pytest.fixture
def hooks(monkeypatch):
    """Spy on the two hooks (keeping their real behaviour) to see that services call them: the
    bill's derivation, and the 'new action' alert events.receivers raises for each action the
    record announces."""
    calls = {"derive": [], "alert": []}
    real_derive, real_alert = changes.bill_derive, receivers.alert_raise_for_event

    def derive(*, bill):
        calls["derive"].append(bill.pk)
        return real_derive(bill=bill)

    def alert(*, event):
        calls["alert"].append(event.pk)
        return real_alert(event=event)

    monkeypatch.setattr(changes, "bill_derive", derive)
    monkeypatch.setattr(receivers, "alert_raise_for_event", alert)
    return calls


def test_vote_with_its_action(bill, lower, hooks):
    source = SourceFactory()
    action = event_record(
        bill=bill,
        classification=C.PASSAGE,
        description="The lower house passed the bill unanimously.",
        date=NOV12,
        chamber=lower,
        sources=[source],
        vote={
            "motion": "Passage of the bill",
            "result": Vote.Result.PASS,
            "unanimous": True,
            "sources": [source],
        },
    )
    vote = Vote.objects.get(action=action)
    assert (action.classification, action.chamber, action.date) == (C.PASSAGE, lower, NOV12)
    assert list(action.sources.all()) == [source]
    assert vote.yes_count is None and vote.unanimous
    bill.refresh_from_db()
    assert bill.status == BillStatus.PASSED_LOWER
    assert hooks["derive"] and hooks["alert"] == [action.pk]


def test_failed_vote_records_a_failure(bill, lower):
    # The vote hangs off its action: a failed vote decides a failure, never a passage.
    with pytest.raises(ValidationError, match="so the vote's result is"):
        event_record(
            bill=bill,
            classification=C.PASSAGE,
            description="Rejected.",
            chamber=lower,
            date=NOV12,
            sources=[SourceFactory()],
            vote={"motion": "Passage", "result": Vote.Result.FAIL, "yes_count": 10},
        )
    assert not Event.objects.filter(bill=bill).exists()
    action = event_record(
        bill=bill,
        classification=C.FAILURE,
        description="Rejected.",
        chamber=lower,
        date=NOV12,
        sources=[SourceFactory()],
        vote={"motion": "Passage", "result": Vote.Result.FAIL, "yes_count": 10, "no_count": 60},
    )
    vote = Vote.objects.get(action=action)
    assert vote.action.classification == C.FAILURE
    bill.refresh_from_db()
    assert bill.status == BillStatus.FAILED


def test_member_votes_must_agree_with_counts(bill, lower):
    action = event_record(
        bill=bill,
        classification=C.PASSAGE,
        description="Passed.",
        chamber=lower,
        date=NOV12,
        sources=[SourceFactory()],
    )
    with pytest.raises(ValidationError, match="count says 2"):
        vote_record(
            action=action,
            motion="Passage",
            result=Vote.Result.PASS,
            yes_count=2,
            no_count=0,
            member_votes=[("A", "yes"), ("B", "no")],
        )
    assert not Vote.objects.filter(action__bill=bill).exists()
    vote = vote_record(
        action=action,
        motion="Passage",
        result=Vote.Result.PASS,
        yes_count=2,
        no_count=1,
        member_votes=[("A", "yes"), ("B", "yes"), ("C", "no")],
    )
    assert MemberVote.objects.filter(vote=vote).count() == 3


def test_internal_and_advocacy_events_raise_no_alert(bill, lower, hooks):
    event_record(
        bill=bill,
        classification=C.PASSAGE,
        description="Internal note",
        chamber=lower,
        date=NOV12,
        visibility=Visibility.INTERNAL,
    )
    event_record(
        bill=bill,
        classification=C.STATEMENT,
        description="Statement",
        date=NOV12,
        sources=[SourceFactory()],
    )
    assert hooks["alert"] == []
    assert len(hooks["derive"]) == 2


def test_making_an_action_public_raises_its_alert(bill, lower, hooks):
    event = event_record(
        bill=bill,
        classification=C.PASSAGE,
        description="Passed",
        chamber=lower,
        date=NOV12,
        visibility=Visibility.INTERNAL,
        sources=[SourceFactory()],  # what a public event needs once it is published
    )
    event_update(event=event, data={"visibility": Visibility.PUBLIC})
    assert hooks["alert"] == [event.pk]
    _, changed = event_update(event=event, data={"visibility": Visibility.PUBLIC})
    assert changed == [] and hooks["alert"] == [event.pk]


def test_vote_update_and_delete_rederive(bill, lower, hooks):
    """A vote hangs off its action and the derivation reads only the actions: changing or
    deleting a vote leaves the bill's derived status and windows as they were (no re-derivation),
    and deleting it leaves the action on the timeline."""
    action = event_record(
        bill=bill,
        classification=C.PASSAGE,
        description="Passed.",
        chamber=lower,
        date=NOV12,
        sources=[SourceFactory()],
        vote={"motion": "Passage", "result": Vote.Result.PASS, "yes_count": 60, "no_count": 10},
    )
    vote = Vote.objects.get(action=action)
    before = len(hooks["derive"])
    with pytest.raises(ValidationError):
        vote_update(vote=vote, data={"no_count": 70})
    vote.refresh_from_db()
    assert vote.no_count == 10
    _, changed = vote_update(vote=vote, data={"no_count": 11})
    assert changed == ["no_count"] and len(hooks["derive"]) == before
    vote_delete(vote=vote)
    action = Event.objects.get(bill=bill)
    with pytest.raises(Vote.DoesNotExist):
        action.vote  # noqa: B018 -- the action stays on the timeline, unlinked
    bill.refresh_from_db()
    assert bill.status == BillStatus.PASSED_LOWER and len(hooks["derive"]) == before
    with pytest.raises(TypeError):
        vote_update(vote=action, bogus=1)
