"""Each validation rule of the record, with its message, through full_clean and the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from bills.models import Bill, DatePrecision, Source, Vote
from bills.services import source_get_or_create
from events.models import Classification, Event
from events.services import event_record, vote_record

NOV12 = datetime.date(2025, 11, 12)


def vote_kwargs(bill, chamber, **overrides):
    values = {
        "bill": bill,
        "chamber": chamber,
        "date": NOV12,
        "motion": "Passage",
        "result": Vote.Result.PASS,
        "yes_count": 60,
        "no_count": 10,
    }
    values.update(overrides)
    return values


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
        ({"date": datetime.date(2025, 9, 30)}, "date", "before the bill's introduction"),
    ],
)
def test_vote_rules(introduced_bill, lower, overrides, field, message):
    vote = Vote(**vote_kwargs(introduced_bill, lower, **overrides))
    with pytest.raises(ValidationError) as excinfo:
        vote.full_clean()
    assert field in excinfo.value.message_dict
    assert message in " ".join(excinfo.value.message_dict[field])
    # The service refuses the same vote and writes nothing.
    with pytest.raises(ValidationError):
        vote_record(**vote_kwargs(introduced_bill, lower, **overrides))
    assert not Vote.objects.exists()


def test_vote_in_the_future_is_refused(bill, lower):
    tomorrow_far = datetime.date.today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as excinfo:
        vote_record(**vote_kwargs(bill, lower, date=tomorrow_far))
    assert "cannot be dated in the future" in errors_of(excinfo)


def test_vote_chamber_of_another_jurisdiction_is_refused(bill, other_chamber):
    with pytest.raises(ValidationError) as excinfo:
        vote_record(**vote_kwargs(bill, other_chamber))
    assert "another jurisdiction" in " ".join(excinfo.value.message_dict["chamber"])


def test_valid_vote_is_recorded(introduced_bill, lower):
    vote = vote_record(**vote_kwargs(introduced_bill, lower, abstain_count=5))
    assert vote.pk and vote.counted_total() == 75


def test_counts_are_only_checked_against_known_seats(bill, lower):
    lower.seats = None
    lower.save()
    vote = vote_record(**vote_kwargs(bill, lower, yes_count=500, no_count=1))
    assert vote.pk


def test_lowering_seats_below_a_recorded_vote_is_refused(bill, lower):
    vote_record(**vote_kwargs(bill, lower, yes_count=90, no_count=5))
    lower.seats = 50
    with pytest.raises(ValidationError) as excinfo:
        lower.full_clean()
    assert "count more members than 50 seats" in errors_of(excinfo)


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
        )
    assert "another jurisdiction" in " ".join(excinfo.value.message_dict["chamber"])


def test_passage_needs_a_chamber(bill):
    with pytest.raises(ValidationError) as excinfo:
        event_record(
            bill=bill, classification=Classification.PASSAGE, description="Passed.", date=NOV12
        )
    assert "Say which chamber acted" in " ".join(excinfo.value.message_dict["chamber"])


def test_event_in_the_future_is_refused(bill):
    with pytest.raises(ValidationError) as excinfo:
        event_record(
            bill=bill,
            classification=Classification.STATEMENT,
            description="Not yet.",
            date=datetime.date.today() + datetime.timedelta(days=3),
        )
    assert "future" in errors_of(excinfo)


def test_action_linked_to_a_vote_must_match_it(bill, lower, upper):
    vote = vote_record(**vote_kwargs(bill, lower))
    with pytest.raises(ValidationError) as excinfo:
        event_record(
            bill=bill,
            classification=Classification.PASSAGE,
            description="Passed.",
            date=datetime.date(2025, 11, 13),
            chamber=upper,
            vote=vote,
        )
    messages = excinfo.value.message_dict
    assert "another chamber" in " ".join(messages["vote"])
    assert "the vote that decided it 2025-11-12" in " ".join(messages["date"])


def test_event_order_is_unique_per_bill(bill):
    event_record(bill=bill, classification="statement", description="One.", order=1)
    with pytest.raises(ValidationError) as excinfo:
        event_record(bill=bill, classification="statement", description="Two.", order=1)
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
    vote_record(**vote_kwargs(bill, lower))
    with pytest.raises(ValidationError) as excinfo:
        event_record(
            bill=bill,
            classification=Classification.INTRODUCTION,
            description="Introduced.",
            date=datetime.date(2025, 11, 20),
            chamber=lower,
        )
    assert "would come after the vote of 2025-11-12" in errors_of(excinfo)
    assert Bill.objects.get().introduced_on is None
    assert not Event.objects.exists()
