"""The database itself rejects an invalid vote or event saved without the form or the services.

These go around full_clean() on purpose (.objects.create(), .save(), queryset.update()), the way
a shell session or a careless import would; the triggers of bills/migrations/0011 must refuse,
on SQLite and on PostgreSQL alike. The rows they are checked against are built through the
services (factories); only the offending write is raw.
"""

import datetime

import pytest
from django.db import IntegrityError, transaction

from bills.models import Bill, Chamber, Classification, Event, Vote
from tests.bills.factories import EventFactory, VoteFactory

NOV12 = datetime.date(2025, 11, 12)


@pytest.fixture
def action(bill, lower):
    """The lower house's passage of the bill on 12 November 2025, recorded through the services
    (no vote yet)."""
    return EventFactory(bill=bill, classification=Classification.PASSAGE, chamber=lower, date=NOV12)


def raw_vote(action, **overrides):
    values = {
        "action": action,
        "motion": "Passage",
        "result": "pass",
        "yes_count": 60,
        "no_count": 10,
    }
    values.update(overrides)
    return Vote.objects.create(**values)


def raw_event(bill, **overrides):
    values = {
        "bill": bill,
        "order": (bill.events.order_by("-order").values_list("order", flat=True).first() or 0) + 1,
        "classification": "reading-1",
        "description": "x",
        "date": NOV12,
    }
    values.update(overrides)
    return Event.objects.create(**values)


def assert_rejected(rule: str, action) -> None:
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        action()
    assert rule in str(excinfo.value)


# --- Votes: an act of a chamber, counts within its seats ---------------------------------------


def test_valid_raw_vote_is_accepted(action):
    assert raw_vote(action).pk


def test_counts_above_seats_rejected(action):
    assert_rejected("vote_counts_within_seats", lambda: raw_vote(action, yes_count=99, no_count=0))
    assert_rejected(
        "vote_counts_within_seats",
        lambda: raw_vote(action, yes_count=50, no_count=30, absent_count=19),
    )
    assert not Vote.objects.exists()


def test_counts_are_only_checked_against_known_seats(action, lower):
    Chamber.objects.filter(pk=lower.pk).update(seats=None)
    assert raw_vote(action, yes_count=500, no_count=1).pk


def test_vote_on_an_act_without_chamber_rejected(bill):
    reading = EventFactory(bill=bill, classification=Classification.READING_1, chamber=None)
    assert_rejected("vote_action_of_a_chamber", lambda: raw_vote(reading))
    assert not Vote.objects.exists()


def test_moving_a_vote_to_an_act_without_chamber_rejected(action, bill):
    vote = raw_vote(action)
    reading = EventFactory(bill=bill, classification=Classification.READING_1, chamber=None)
    assert_rejected(
        "vote_action_of_a_chamber",
        lambda: Vote.objects.filter(pk=vote.pk).update(action=reading),
    )
    vote.refresh_from_db()
    assert vote.action_id == action.pk


def test_removing_the_chamber_of_a_voted_act_rejected(action, bill):
    raw_vote(action)
    # A reading (not a passage, which a CheckConstraint already ties to a chamber) voted on.
    Event.objects.filter(pk=action.pk).update(classification="reading-3")
    assert_rejected(
        "vote_action_of_a_chamber",
        lambda: Event.objects.filter(pk=action.pk).update(chamber=None),
    )
    action.refresh_from_db()
    assert action.chamber_id is not None


def test_update_through_queryset_rejected(action):
    vote = raw_vote(action)
    assert_rejected(
        "vote_counts_within_seats", lambda: Vote.objects.filter(pk=vote.pk).update(yes_count=500)
    )
    vote.refresh_from_db()
    assert vote.yes_count == 60


def test_moving_a_vote_to_a_smaller_chamber_rejected(action, bill, upper):
    vote = raw_vote(action, yes_count=60, no_count=10)  # 70 > the Senate's 50 seats
    senate = EventFactory(bill=bill, classification=Classification.PASSAGE, chamber=upper)
    assert_rejected(
        "vote_counts_within_seats",
        lambda: Vote.objects.filter(pk=vote.pk).update(action=senate),
    )


def test_row_constraints_rejected(action):
    # CheckConstraints (row-local rules) also hold without the form.
    assert_rejected("vote_pass_needs_majority", lambda: raw_vote(action, yes_count=10, no_count=10))
    assert_rejected("vote_unanimous_coherent", lambda: raw_vote(action, unanimous=True, no_count=2))


def test_lowering_seats_below_a_vote_rejected(action, lower):
    raw_vote(action, yes_count=90, no_count=5)
    assert_rejected(
        "vote_counts_within_seats", lambda: Chamber.objects.filter(pk=lower.pk).update(seats=50)
    )
    lower.refresh_from_db()
    assert lower.seats == 98


# --- Events: the bill's jurisdiction, not in the future, not before the introduction -----------


def test_event_chamber_of_other_jurisdiction_rejected(bill, other_chamber):
    assert_rejected("event_chamber_jurisdiction", lambda: raw_event(bill, chamber=other_chamber))
    assert not Event.objects.exists()


def test_event_moved_to_a_chamber_of_other_jurisdiction_rejected(action, other_chamber):
    assert_rejected(
        "event_chamber_jurisdiction",
        lambda: Event.objects.filter(pk=action.pk).update(chamber=other_chamber),
    )


def test_event_in_future_rejected(bill, action):
    future = datetime.date.today() + datetime.timedelta(days=3)
    assert_rejected("event_not_in_future", lambda: raw_event(bill, date=future))
    assert_rejected(
        "event_not_in_future", lambda: Event.objects.filter(pk=action.pk).update(date=future)
    )
    action.refresh_from_db()
    assert action.date == NOV12


def test_act_before_introduction_rejected(introduced_bill, lower):
    bill = introduced_bill
    assert bill.introduced_on == datetime.date(2025, 10, 1)
    early = datetime.date(2025, 9, 30)
    assert_rejected(
        "act_after_introduction",
        lambda: raw_event(bill, classification="passage", chamber=lower, date=early),
    )
    passage = raw_event(
        bill, classification="passage", chamber=lower, date=datetime.date(2025, 10, 1)
    )
    assert_rejected(
        "act_after_introduction",
        lambda: Event.objects.filter(pk=passage.pk).update(date=early),
    )
    # Only public legislative acts: an advocacy event or an internal note may be earlier.
    assert raw_event(bill, classification="statement", date=early).pk
    assert raw_event(
        bill, classification="passage", chamber=lower, date=early, visibility="internal"
    ).pk


def test_moving_introduction_after_an_act_rejected(action, bill):
    raw_vote(action)
    assert_rejected(
        "act_after_introduction",
        lambda: Bill.objects.filter(pk=bill.pk).update(introduced_on=datetime.date(2025, 12, 1)),
    )
    bill.refresh_from_db()
    assert bill.introduced_on is None


def test_event_month_precision_not_on_day_one_rejected(bill):
    assert_rejected(
        "event_date_precision_coherent",
        lambda: raw_event(bill, classification="statement", date_precision="month"),
    )


def test_passage_without_chamber_rejected(bill):
    assert_rejected(
        "event_chamber_act_has_chamber", lambda: raw_event(bill, classification="passage")
    )


# --- Bills and chambers keep their acts in one jurisdiction -----------------------------------


def test_moving_bill_to_another_jurisdiction_with_acts_rejected(action, bill, other_chamber):
    raw_vote(action)
    assert_rejected(
        "event_chamber_jurisdiction",
        lambda: Bill.objects.filter(pk=bill.pk).update(
            jurisdiction=other_chamber.jurisdiction, originating_chamber=None
        ),
    )


def test_moving_chamber_to_another_jurisdiction_with_acts_rejected(action, lower, other_chamber):
    assert_rejected(
        "event_chamber_jurisdiction",
        lambda: Chamber.objects.filter(pk=lower.pk).update(jurisdiction=other_chamber.jurisdiction),
    )


def test_originating_chamber_of_other_jurisdiction_rejected(bill, other_chamber):
    assert_rejected(
        "bill_originating_chamber_jurisdiction",
        lambda: Bill.objects.filter(pk=bill.pk).update(originating_chamber=other_chamber),
    )


def test_vote_factory_builds_valid_votes(db):
    vote = VoteFactory()
    assert vote.action.chamber.jurisdiction_id == vote.action.bill.jurisdiction_id


def test_triggers_are_installed_after_all_migrations(db):
    # On SQLite a later migration that rebuilds a table would drop its triggers; bills.apps
    # re-creates them after every migrate. Check the test database (fully migrated) has them.
    from django.db import connection

    from bills.db_triggers import current

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = {row[0] for row in cursor.fetchall()}
            assert {rule[0] for rule in current().SQLITE_RULES} <= names
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            names = {row[0] for row in cursor.fetchall()}
            assert {
                "record_vote_check",
                "record_event_check",
                "record_bill_check",
                "record_chamber_check",
            } <= names
