"""The database itself rejects an invalid vote or event saved without the form or the services.

These go around full_clean() on purpose (.objects.create(), .save(), queryset.update()), the way
a shell session or a careless import would; the triggers of bills/migrations/0003 must refuse.
"""

import datetime

import pytest
from django.db import IntegrityError, transaction

from bills.models import Bill, Chamber, Vote
from events.models import Event
from tests.bills.factories import VoteFactory

NOV12 = datetime.date(2025, 11, 12)


def raw_vote(bill, chamber, **overrides):
    values = {
        "bill": bill,
        "chamber": chamber,
        "date": NOV12,
        "motion": "Passage",
        "result": "pass",
        "yes_count": 60,
        "no_count": 10,
    }
    values.update(overrides)
    return Vote.objects.create(**values)


def assert_rejected(rule: str, action) -> None:
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        action()
    assert rule in str(excinfo.value)


def test_valid_raw_vote_is_accepted(bill, lower):
    assert raw_vote(bill, lower).pk


def test_counts_above_seats_rejected(bill, lower):
    assert_rejected(
        "vote_counts_within_seats", lambda: raw_vote(bill, lower, yes_count=99, no_count=0)
    )
    assert_rejected(
        "vote_counts_within_seats",
        lambda: raw_vote(bill, lower, yes_count=50, no_count=30, absent_count=19),
    )
    assert not Vote.objects.exists()


def test_vote_before_introduction_rejected(bill, lower):
    Bill.objects.filter(pk=bill.pk).update(introduced_on=datetime.date(2025, 10, 1))
    bill.refresh_from_db()
    assert_rejected(
        "vote_after_introduction",
        lambda: raw_vote(bill, lower, date=datetime.date(2025, 9, 30)),
    )
    assert raw_vote(bill, lower, date=datetime.date(2025, 10, 1)).pk


def test_vote_in_future_rejected(bill, lower):
    future = datetime.date.today() + datetime.timedelta(days=3)
    assert_rejected("vote_not_in_future", lambda: raw_vote(bill, lower, date=future))


def test_vote_chamber_of_other_jurisdiction_rejected(bill, other_chamber):
    assert_rejected("vote_chamber_jurisdiction", lambda: raw_vote(bill, other_chamber))


def test_update_through_queryset_rejected(bill, lower):
    vote = raw_vote(bill, lower)
    assert_rejected(
        "vote_counts_within_seats", lambda: Vote.objects.filter(pk=vote.pk).update(yes_count=500)
    )
    vote.refresh_from_db()
    assert vote.yes_count == 60


def test_row_constraints_rejected(bill, lower):
    # CheckConstraints (row-local rules) also hold without the form.
    assert_rejected(
        "vote_pass_needs_majority", lambda: raw_vote(bill, lower, yes_count=10, no_count=10)
    )
    assert_rejected(
        "vote_unanimous_coherent", lambda: raw_vote(bill, lower, unanimous=True, no_count=2)
    )


def test_event_chamber_of_other_jurisdiction_rejected(bill, other_chamber):
    assert_rejected(
        "event_chamber_jurisdiction",
        lambda: Event.objects.create(
            bill=bill,
            order=1,
            classification="reading-1",
            description="x",
            date=NOV12,
            chamber=other_chamber,
        ),
    )


def test_event_month_precision_not_on_day_one_rejected(bill):
    assert_rejected(
        "event_date_precision_coherent",
        lambda: Event.objects.create(
            bill=bill,
            order=1,
            classification="statement",
            description="x",
            date=NOV12,
            date_precision="month",
        ),
    )


def test_passage_without_chamber_rejected(bill):
    assert_rejected(
        "event_chamber_act_has_chamber",
        lambda: Event.objects.create(
            bill=bill, order=1, classification="passage", description="x", date=NOV12
        ),
    )


def test_moving_introduction_after_a_vote_rejected(bill, lower):
    raw_vote(bill, lower)
    assert_rejected(
        "vote_after_introduction",
        lambda: Bill.objects.filter(pk=bill.pk).update(introduced_on=datetime.date(2025, 12, 1)),
    )


def test_lowering_seats_below_a_vote_rejected(bill, lower):
    raw_vote(bill, lower, yes_count=90, no_count=5)
    assert_rejected(
        "vote_counts_within_seats", lambda: Chamber.objects.filter(pk=lower.pk).update(seats=50)
    )


def test_moving_bill_to_another_jurisdiction_with_votes_rejected(bill, lower, other_chamber):
    raw_vote(bill, lower)
    assert_rejected(
        "vote_chamber_jurisdiction",
        lambda: Bill.objects.filter(pk=bill.pk).update(
            jurisdiction=other_chamber.jurisdiction, originating_chamber=None
        ),
    )


def test_originating_chamber_of_other_jurisdiction_rejected(bill, other_chamber):
    assert_rejected(
        "bill_originating_chamber_jurisdiction",
        lambda: Bill.objects.filter(pk=bill.pk).update(originating_chamber=other_chamber),
    )


def test_vote_factory_builds_valid_votes(db):
    vote = VoteFactory()
    assert vote.chamber.jurisdiction_id == vote.bill.jurisdiction_id


def test_triggers_are_installed_after_all_migrations(db):
    # On SQLite a later migration that rebuilds a table would drop its triggers; bills.apps
    # re-creates them after every migrate. Check the test database (fully migrated) has them.
    from django.db import connection

    from bills.db_triggers import _sqlite_rules

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = {row[0] for row in cursor.fetchall()}
            assert {rule[0] for rule in _sqlite_rules()} <= names
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            names = {row[0] for row in cursor.fetchall()}
            assert {
                "record_vote_check",
                "record_event_check",
                "record_bill_check",
                "record_chamber_check",
            } <= names
