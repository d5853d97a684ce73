"""Recording votes and events: the linked action, member votes, and the hooks run every time."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from bills import signing
from bills.models import BillStatus, Chamber, MemberVote, Vote
from events import alerts
from events.models import Classification as C
from events.models import Event, Visibility
from events.services import event_record, event_update, vote_delete, vote_record, vote_update
from tests.bills.factories import BillFactory, ChamberFactory, JurisdictionFactory, SourceFactory

NOV12 = datetime.date(2025, 11, 12)


@pytest.fixture
def lower(db):
    kz = JurisdictionFactory(code="KZ", timezone="Asia/Almaty")
    return ChamberFactory(jurisdiction=kz, classification=Chamber.Classification.LOWER, seats=98)


@pytest.fixture
def bill(lower):
    return BillFactory(jurisdiction=lower.jurisdiction)


@pytest.fixture
def hooks(monkeypatch):
    """Spy on the two hooks (keeping their real behaviour) to see that services call them."""
    calls = {"window": [], "alert": []}
    real_window, real_alert = signing.window_sync_for_bill, alerts.alert_raise_for_event

    def window(*, bill):
        calls["window"].append(bill.pk)
        return real_window(bill=bill)

    def alert(*, event):
        calls["alert"].append(event.pk)
        return real_alert(event=event)

    monkeypatch.setattr(signing, "window_sync_for_bill", window)
    monkeypatch.setattr(alerts, "alert_raise_for_event", alert)
    return calls


def test_vote_with_its_action(bill, lower, hooks):
    source = SourceFactory()
    vote = vote_record(
        bill=bill,
        chamber=lower,
        date=NOV12,
        motion="Passage of the bill",
        result=Vote.Result.PASS,
        unanimous=True,
        sources=[source],
        action={"description": "The lower house passed the bill unanimously."},
    )
    action = Event.objects.get(vote=vote)
    assert (action.classification, action.chamber, action.date) == (C.PASSAGE, lower, NOV12)
    assert list(action.sources.all()) == [source]
    assert vote.yes_count is None and vote.unanimous
    bill.refresh_from_db()
    assert bill.status == BillStatus.PASSED_LOWER
    assert hooks["window"] and hooks["alert"] == [action.pk]


def test_failed_vote_records_a_failure(bill, lower):
    vote = vote_record(
        bill=bill,
        chamber=lower,
        date=NOV12,
        motion="Passage",
        result=Vote.Result.FAIL,
        yes_count=10,
        no_count=60,
        action={"description": "Rejected."},
    )
    assert vote.action.classification == C.FAILURE
    bill.refresh_from_db()
    assert bill.status == BillStatus.FAILED


def test_member_votes_must_agree_with_counts(bill, lower):
    with pytest.raises(ValidationError, match="count says 2"):
        vote_record(
            bill=bill,
            chamber=lower,
            date=NOV12,
            motion="Passage",
            result=Vote.Result.PASS,
            yes_count=2,
            no_count=0,
            member_votes=[("A", "yes"), ("B", "no")],
        )
    assert not Vote.objects.exists()
    vote = vote_record(
        bill=bill,
        chamber=lower,
        date=NOV12,
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
    event_record(bill=bill, classification=C.STATEMENT, description="Statement", date=NOV12)
    assert hooks["alert"] == []
    assert len(hooks["window"]) == 2


def test_making_an_action_public_raises_its_alert(bill, lower, hooks):
    event = event_record(
        bill=bill,
        classification=C.PASSAGE,
        description="Passed",
        chamber=lower,
        date=NOV12,
        visibility=Visibility.INTERNAL,
    )
    event_update(event=event, visibility=Visibility.PUBLIC)
    assert hooks["alert"] == [event.pk]
    _, changed = event_update(event=event, visibility=Visibility.PUBLIC)
    assert changed is False and hooks["alert"] == [event.pk]


def test_vote_update_and_delete_rederive(bill, lower, hooks):
    vote = vote_record(
        bill=bill,
        chamber=lower,
        date=NOV12,
        motion="Passage",
        result=Vote.Result.PASS,
        yes_count=60,
        no_count=10,
        action={"description": "Passed."},
    )
    before = len(hooks["window"])
    with pytest.raises(ValidationError):
        vote_update(vote=vote, no_count=70)
    vote.refresh_from_db()
    assert vote.no_count == 10
    _, changed = vote_update(vote=vote, no_count=11)
    assert changed and len(hooks["window"]) > before
    vote_delete(vote=vote)
    action = Event.objects.get()
    assert action.vote is None  # the action stays on the timeline, unlinked
    with pytest.raises(TypeError):
        vote_update(vote=action, bogus=1)
