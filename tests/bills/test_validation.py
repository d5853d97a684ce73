"""Each validation rule of the record, with its message, through full_clean and the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from bills.models import Bill, Classification, DatePrecision, Event, Source, Vote
from bills.services import chamber_update, source_get_or_create
from bills.timeline import event_record, event_update, vote_record
from tests.bills.factories import SourceFactory

NOV12 = datetime.date(2025, 11, 12)


def vote_kwargs(**overrides):
    """A vote's own fields (its bill, chamber and date are its action's)."""
    values = {
        "motion": "Passage",
        "result": Vote.Result.PASS,
        "yes_count": 60,
        "no_count": 10,
    }
    values.update(overrides)
    return values


def passage(bill, chamber, date=NOV12, **extra):
    """The lower house's passage of the bill, the act a vote decides."""
    return event_record(
        bill=bill,
        classification=extra.pop("classification", Classification.PASSAGE),
        description="Passed.",
        date=date,
        chamber=chamber,
        sources=[SourceFactory()],
        **extra,
    )


def errors_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"yes_count": 99, "no_count": 0},
            "yes_count",
            "99 yes votes is more than the chamber's 98",
        ),
        (
            {"yes_count": 60, "no_count": 30, "abstain_count": 5, "absent_count": 4},
            "yes_count",
            "The counts add up to 99, more than the chamber's 98 seats",
        ),
        ({"yes_count": 40, "no_count": 40}, "result", "40 yes against 40 no is not a pass"),
        ({"yes_count": 30, "no_count": 40}, "result", "contradict the result"),
        ({"unanimous": True, "no_count": 1}, "unanimous", "no votes against"),
        ({"unanimous": True, "no_count": 0, "abstain_count": 2}, "unanimous", "no abstentions"),
        (
            {"unanimous": True, "result": Vote.Result.FAIL, "yes_count": 1, "no_count": 0},
            "unanimous",
            "A unanimous vote is a passed vote",
        ),
    ],
)
def test_vote_rules(introduced_bill, lower, overrides, field, message):
    action = passage(introduced_bill, lower)
    vote = Vote(action=action, **vote_kwargs(**overrides))
    with pytest.raises(ValidationError) as excinfo:
        vote.full_clean()
    assert field in excinfo.value.message_dict
    assert message in " ".join(excinfo.value.message_dict[field])
    # The service refuses the same vote and writes nothing ...
    with pytest.raises(ValidationError):
        vote_record(action=action, **vote_kwargs(**overrides))
    assert not Vote.objects.exists()
    # ... nor does it record the act with it.
    with pytest.raises(ValidationError):
        passage(introduced_bill, lower, vote=vote_kwargs(**overrides))
    assert list(Event.objects.filter(classification=Classification.PASSAGE)) == [action]


def test_vote_on_an_act_before_introduction_is_refused(introduced_bill, lower):
    # A vote has no date of its own: the act it decided is refused before the introduction.
    # Event.clean does not check this rule, so the database trigger refuses the row before the
    # derivation can: an IntegrityError ("act_after_introduction: act dated before the bill
    # introduction") where a ValidationError ("... before the bill's introduction on
    # 2025-10-01") is meant. Either way it is refused and nothing is written.
    with pytest.raises((ValidationError, IntegrityError), match="before the bill"):
        passage(introduced_bill, lower, date=datetime.date(2025, 9, 30), vote=vote_kwargs())
    assert not Vote.objects.exists()
    assert not Event.objects.filter(classification=Classification.PASSAGE).exists()


def test_vote_in_the_future_is_refused(bill, lower):
    tomorrow_far = datetime.date.today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as excinfo:
        passage(bill, lower, date=tomorrow_far, vote=vote_kwargs())
    assert "cannot be dated in the future" in errors_of(excinfo)
    assert not Vote.objects.exists()


def test_vote_chamber_of_another_jurisdiction_is_refused(bill, other_chamber):
    with pytest.raises(ValidationError) as excinfo:
        passage(bill, other_chamber, vote=vote_kwargs())
    assert "another jurisdiction" in " ".join(excinfo.value.message_dict["chamber"])
    assert not Vote.objects.exists()


def test_valid_vote_is_recorded(introduced_bill, lower):
    action = passage(introduced_bill, lower)
    vote = vote_record(action=action, **vote_kwargs(abstain_count=5))
    assert vote.pk and vote.counted_total() == 75
    # Its bill, chamber and date are its action's.
    assert (vote.action.bill, vote.action.chamber, vote.action.date) == (
        introduced_bill,
        lower,
        NOV12,
    )


def test_counts_are_only_checked_against_known_seats(bill, lower):
    chamber_update(chamber=lower, data={"seats": None})
    vote = vote_record(action=passage(bill, lower), **vote_kwargs(yes_count=500, no_count=1))
    assert vote.pk


def test_lowering_seats_below_a_recorded_vote_is_refused(bill, lower):
    vote_record(action=passage(bill, lower), **vote_kwargs(yes_count=90, no_count=5))
    lower.seats = 50
    with pytest.raises(ValidationError) as excinfo:
        lower.full_clean()
    assert "count more members than 50 seats" in errors_of(excinfo)
    lower.refresh_from_db()
    with pytest.raises(ValidationError):
        chamber_update(chamber=lower, data={"seats": 50})
    lower.refresh_from_db()
    assert lower.seats == 98


@pytest.mark.parametrize(
    ("date", "precision", "message"),
    [
        (datetime.date(2025, 11, 12), DatePrecision.MONTH, "first day of its month"),
        (datetime.date(2025, 11, 12), DatePrecision.UNKNOWN, "must be left blank"),
        (None, DatePrecision.DAY, "set its precision to 'unknown'"),
        (None, DatePrecision.MONTH, "set its precision to 'unknown'"),
    ],
)
def test_event_date_precision(bill, date, precision, message):
    with pytest.raises(ValidationError) as excinfo:
        event_record(
            bill=bill,
            classification=Classification.STATEMENT,
            description="A statement.",
            date=date,
            date_precision=precision,
            sources=[SourceFactory()],
        )
    assert message in " ".join(excinfo.value.message_dict["date"])
    assert not Event.objects.exists()


def test_month_precision_on_day_one_is_accepted(bill):
    event = event_record(
        bill=bill,
        classification=Classification.INCIDENT,
        description="Something happened in October.",
        date=datetime.date(2025, 10, 1),
        date_precision=DatePrecision.MONTH,
        sources=[SourceFactory()],
    )
    assert event.date_precision == DatePrecision.MONTH


def test_event_chamber_of_another_jurisdiction_is_refused(bill, other_chamber):
    with pytest.raises(ValidationError) as excinfo:
        event_record(
            bill=bill,
            classification=Classification.READING_1,
            description="First reading.",
            date=NOV12,
            chamber=other_chamber,
            sources=[SourceFactory()],
        )
    assert "another jurisdiction" in " ".join(excinfo.value.message_dict["chamber"])


def test_passage_needs_a_chamber(bill):
    with pytest.raises(ValidationError) as excinfo:
        event_record(
            bill=bill,
            classification=Classification.PASSAGE,
            description="Passed.",
            date=NOV12,
            sources=[SourceFactory()],
        )
    assert "Say which chamber acted" in " ".join(excinfo.value.message_dict["chamber"])


def test_event_in_the_future_is_refused(bill):
    with pytest.raises(ValidationError) as excinfo:
        event_record(
            bill=bill,
            classification=Classification.STATEMENT,
            description="Not yet.",
            date=datetime.date.today() + datetime.timedelta(days=3),
            sources=[SourceFactory()],
        )
    assert "future" in errors_of(excinfo)


def test_a_public_event_needs_a_source(bill):
    with pytest.raises(ValidationError) as excinfo:
        event_record(bill=bill, classification=Classification.STATEMENT, description="Said.")
    assert "cites at least one source" in " ".join(excinfo.value.message_dict["sources"])
    assert not Event.objects.exists()
    note = event_record(
        bill=bill,
        classification=Classification.OTHER,
        description="Staff note.",
        visibility="internal",
    )
    # Only internal notes may have none: made public, it needs one.
    with pytest.raises(ValidationError, match="cites at least one source"):
        event_update(event=note, data={"visibility": "public"})
    note.refresh_from_db()
    assert note.visibility == "internal"


def test_a_vote_must_match_its_action(bill, lower):
    """A vote hangs off the act it decided: that act is a chamber's legislative act, and the
    vote's result is the one the act says (it cannot disagree with its action's chamber or
    date: it has none of its own)."""
    statement = event_record(
        bill=bill,
        classification=Classification.STATEMENT,
        description="A statement.",
        date=NOV12,
        sources=[SourceFactory()],
    )
    with pytest.raises(ValidationError) as excinfo:
        vote_record(action=statement, **vote_kwargs())
    assert "not an advocacy event" in " ".join(excinfo.value.message_dict["action"])
    reading = passage(bill, None, classification=Classification.READING_1)
    with pytest.raises(ValidationError) as excinfo:
        vote_record(action=reading, **vote_kwargs())
    assert "say on the action which chamber voted" in " ".join(excinfo.value.message_dict["action"])
    passed = passage(bill, lower)
    with pytest.raises(ValidationError) as excinfo:
        vote_record(action=passed, **vote_kwargs(result=Vote.Result.FAIL, yes_count=10))
    assert "so the vote's result is 'passed'" in " ".join(excinfo.value.message_dict["result"])
    failed = passage(bill, lower, classification=Classification.FAILURE)
    with pytest.raises(ValidationError) as excinfo:
        vote_record(action=failed, **vote_kwargs())
    assert "so the vote's result is 'failed'" in " ".join(excinfo.value.message_dict["result"])
    assert not Vote.objects.exists()
    # Once decided by a vote, the act stays a legislative act.
    vote_record(action=passed, **vote_kwargs())
    with pytest.raises(ValidationError) as excinfo:
        event_update(event=passed, data={"classification": Classification.STATEMENT})
    assert "A vote decided this event" in " ".join(excinfo.value.message_dict["classification"])


def test_event_order_is_unique_per_bill(bill):
    event_record(
        bill=bill,
        classification="statement",
        description="One.",
        order=1,
        sources=[SourceFactory()],
    )
    with pytest.raises(ValidationError) as excinfo:
        event_record(
            bill=bill,
            classification="statement",
            description="Two.",
            order=1,
            sources=[SourceFactory()],
        )
    assert "already exists" in errors_of(excinfo)


def test_originating_chamber_of_another_jurisdiction_is_refused(bill, other_chamber):
    bill.originating_chamber = other_chamber
    with pytest.raises(ValidationError) as excinfo:
        bill.full_clean()
    assert "another jurisdiction" in " ".join(excinfo.value.message_dict["originating_chamber"])


def test_source_date_precision(db):
    with pytest.raises(ValidationError) as excinfo:
        source_get_or_create(
            publisher="Example",
            title="T",
            published_on=datetime.date(2025, 11, 5),
            published_precision=DatePrecision.MONTH,
        )
    assert "first day of its month" in errors_of(excinfo)
    source, outcome = source_get_or_create(publisher="Example", url="https://x.example/a")
    assert outcome == "created" and source.published_precision == DatePrecision.UNKNOWN
    assert source_get_or_create(publisher="Example", url="https://x.example/a")[1] == "unchanged"
    assert Source.objects.count() == 1


def test_introduction_after_an_existing_vote_is_refused(bill, lower):
    action = passage(bill, lower, vote=vote_kwargs())
    with pytest.raises(ValidationError) as excinfo:
        event_record(
            bill=bill,
            classification=Classification.INTRODUCTION,
            description="Introduced.",
            date=datetime.date(2025, 11, 20),
            chamber=lower,
            sources=[SourceFactory()],
        )
    # The voted act would come before the introduction.
    assert "dated 2025-11-12, before the bill's introduction on 2025-11-20" in errors_of(excinfo)
    assert Bill.objects.get().introduced_on is None
    assert list(Event.objects.all()) == [action]
