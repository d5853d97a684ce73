"""bill_refresh_status: the one code path from public legislative actions to the bill's status."""

import datetime

import pytest

from bills.models import BillStatus, Chamber
from bills.services import bill_refresh_status
from events.models import Classification as C
from events.models import Visibility
from events.services import event_delete, event_record, event_update
from tests.bills.factories import BillFactory, ChamberFactory, JurisdictionFactory

D = datetime.date


def act(bill, classification, chamber=None, date=None, **kwargs):
    return event_record(
        bill=bill,
        classification=classification,
        description=f"{classification}",
        chamber=chamber,
        date=date,
        **kwargs,
    )


def status_of(bill):
    bill.refresh_from_db()
    return bill.status


def test_a_bill_without_actions_is_introduced(bill):
    assert bill_refresh_status(bill=bill).status == BillStatus.INTRODUCED


def test_bicameral_path_to_enactment(bill, lower, upper):
    act(bill, C.INTRODUCTION, lower, D(2025, 10, 1))
    bill.refresh_from_db()
    assert (bill.status, bill.introduced_on) == (BillStatus.INTRODUCED, D(2025, 10, 1))
    act(bill, C.READING_1, lower, D(2025, 10, 15))
    assert status_of(bill) == BillStatus.INTRODUCED
    act(bill, C.PASSAGE, lower, D(2025, 11, 12))
    assert status_of(bill) == BillStatus.PASSED_LOWER
    act(bill, C.PASSAGE, upper, D(2025, 12, 4))
    assert status_of(bill) == BillStatus.AWAITING_SIGNATURE
    act(bill, C.EXECUTIVE_SIGNATURE, None, D(2025, 12, 20))
    bill.refresh_from_db()
    assert bill.status == BillStatus.ENACTED
    assert bill.last_action_on == D(2025, 12, 20)
    assert bill.introduced_on == D(2025, 10, 1)


def test_upper_house_first(bill, lower, upper):
    act(bill, C.PASSAGE, upper, D(2025, 11, 1))
    assert status_of(bill) == BillStatus.PASSED_UPPER
    act(bill, C.PASSAGE, lower, D(2025, 11, 20))
    assert status_of(bill) == BillStatus.AWAITING_SIGNATURE


def test_unicameral_passage_awaits_signature(db):
    j = JurisdictionFactory(code="UNI")
    chamber = ChamberFactory(jurisdiction=j, classification=Chamber.Classification.UNICAMERAL)
    bill = BillFactory(jurisdiction=j)
    act(bill, C.PASSAGE, chamber, D(2025, 11, 1))
    assert status_of(bill) == BillStatus.AWAITING_SIGNATURE


@pytest.mark.parametrize(
    ("classification", "expected"),
    [
        (C.EXECUTIVE_VETO, BillStatus.VETOED),
        (C.BECAME_LAW, BillStatus.ENACTED),
        (C.WITHDRAWAL, BillStatus.WITHDRAWN),
        (C.FAILURE, BillStatus.FAILED),
    ],
)
def test_terminal_actions(bill, lower, upper, classification, expected):
    act(bill, C.PASSAGE, lower, D(2025, 11, 1))
    act(bill, C.PASSAGE, upper, D(2025, 11, 5))
    act(bill, classification, None, D(2025, 11, 9))
    assert status_of(bill) == expected


def test_veto_override_needs_every_chamber(bill, lower, upper):
    act(bill, C.PASSAGE, lower, D(2025, 11, 1))
    act(bill, C.PASSAGE, upper, D(2025, 11, 5))
    act(bill, C.EXECUTIVE_VETO, None, D(2025, 11, 9))
    act(bill, C.VETO_OVERRIDE_PASSAGE, lower, D(2025, 11, 10))
    assert status_of(bill) == BillStatus.VETOED
    act(bill, C.VETO_OVERRIDE_PASSAGE, upper, D(2025, 11, 11))
    assert status_of(bill) == BillStatus.ENACTED


def test_internal_and_advocacy_events_never_change_the_status(bill, lower, upper):
    act(bill, C.PASSAGE, lower, D(2025, 11, 12))
    act(bill, C.PASSAGE, upper, D(2025, 11, 20), visibility=Visibility.INTERNAL)
    act(bill, C.STATEMENT, None, D(2025, 11, 25), actor="An NGO")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PASSED_LOWER
    # Neither the internal action nor the statement moves the public last-action date.
    assert bill.last_action_on == D(2025, 11, 12)


def test_timeline_order_decides_not_insertion_order(bill, lower, upper):
    act(bill, C.PASSAGE, upper, None, order=5)
    act(bill, C.PASSAGE, lower, D(2025, 11, 12), order=2)
    act(bill, C.INTRODUCTION, lower, D(2025, 10, 1), order=1)
    bill.refresh_from_db()
    assert bill.status == BillStatus.AWAITING_SIGNATURE
    assert bill.introduced_on == D(2025, 10, 1)
    assert bill.last_action_on == D(2025, 11, 12)


def test_update_and_delete_refresh_the_status(bill, lower, upper):
    act(bill, C.PASSAGE, lower, D(2025, 11, 12))
    senate = act(bill, C.PASSAGE, upper, D(2025, 11, 20))
    assert status_of(bill) == BillStatus.AWAITING_SIGNATURE
    event_update(event=senate, visibility=Visibility.INTERNAL)
    assert status_of(bill) == BillStatus.PASSED_LOWER
    event_update(event=senate, visibility=Visibility.PUBLIC)
    assert status_of(bill) == BillStatus.AWAITING_SIGNATURE
    event_delete(event=senate)
    assert status_of(bill) == BillStatus.PASSED_LOWER


def test_status_change_is_kept_in_history(bill, lower):
    act(bill, C.PASSAGE, lower, D(2025, 11, 12))
    statuses = list(bill.history.order_by("history_date").values_list("status", flat=True))
    assert statuses[-1] == BillStatus.PASSED_LOWER
    assert BillStatus.INTRODUCED in statuses
