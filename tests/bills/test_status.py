"""bill_derive: the one code path from public legislative actions to the bill's status and its
signing windows. Every timeline service ends in it, so the acts below are recorded through the
services and the bill is read back: status and windows come out of the same derivation."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from bills.changes import bill_derive
from bills.models import BillStatus, Chamber, SigningWindow, Visibility
from bills.models import Classification as C
from bills.timeline import event_delete, event_record, event_update
from tests.bills.factories import (
    BillFactory,
    ChamberFactory,
    JurisdictionFactory,
    SigningRuleFactory,
    SourceFactory,
)

D = datetime.date
W = SigningWindow.Status


@pytest.fixture(autouse=True)
def rule(kz):
    """Kazakhstan's rule (factories.KZ_STEPS): up to 10 days to the President, then one month."""
    return SigningRuleFactory(jurisdiction=kz)


def act(bill, classification, chamber=None, date=None, **kwargs):
    kwargs.setdefault("sources", [SourceFactory()])
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


def windows_of(bill):
    return list(bill.windows.order_by("id"))


def test_a_bill_without_actions_is_introduced(bill):
    derived = bill_derive(bill=bill)
    assert derived.status == BillStatus.INTRODUCED
    assert (derived.introduced_on, derived.last_action_on) == (None, None)
    assert not derived.windows.exists()


def test_bicameral_path_to_enactment(bill, lower, upper):
    act(bill, C.INTRODUCTION, lower, D(2025, 10, 1))
    bill.refresh_from_db()
    assert (bill.status, bill.introduced_on) == (BillStatus.INTRODUCED, D(2025, 10, 1))
    act(bill, C.READING_1, lower, D(2025, 10, 15))
    assert status_of(bill) == BillStatus.INTRODUCED
    act(bill, C.PASSAGE, lower, D(2025, 11, 12))
    assert status_of(bill) == BillStatus.PASSED_LOWER
    assert windows_of(bill) == []  # one house only: no final approval yet
    act(bill, C.PASSAGE, upper, D(2025, 12, 4))
    assert status_of(bill) == BillStatus.AWAITING_SIGNATURE
    [window] = windows_of(bill)
    assert window.status == W.OPEN
    assert (window.triggered_earliest, window.triggered_latest) == (D(2025, 12, 4), D(2025, 12, 4))
    assert (window.closes_earliest, window.closes_latest) == (D(2026, 1, 4), D(2026, 1, 14))
    act(bill, C.EXECUTIVE_SIGNATURE, None, D(2025, 12, 20))
    bill.refresh_from_db()
    assert bill.status == BillStatus.ENACTED
    assert bill.last_action_on == D(2025, 12, 20)
    assert bill.introduced_on == D(2025, 10, 1)
    [window] = windows_of(bill)
    assert (window.status, window.closed_on) == (W.SIGNED, D(2025, 12, 20))


def test_upper_house_first(bill, lower, upper):
    act(bill, C.PASSAGE, upper, D(2025, 11, 1))
    assert status_of(bill) == BillStatus.PASSED_UPPER
    assert windows_of(bill) == []
    act(bill, C.PASSAGE, lower, D(2025, 11, 20))
    assert status_of(bill) == BillStatus.AWAITING_SIGNATURE
    # The window opens from the second house's passage, whichever house it is.
    [window] = windows_of(bill)
    assert (window.status, window.triggered_earliest) == (W.OPEN, D(2025, 11, 20))


def test_unicameral_passage_awaits_signature(db):
    j = JurisdictionFactory(code="UNI")
    SigningRuleFactory(jurisdiction=j)
    chamber = ChamberFactory(jurisdiction=j, classification=Chamber.Classification.UNICAMERAL)
    bill = BillFactory(jurisdiction=j)
    act(bill, C.PASSAGE, chamber, D(2025, 11, 1))
    assert status_of(bill) == BillStatus.AWAITING_SIGNATURE
    [window] = windows_of(bill)
    assert (window.status, window.triggered_earliest) == (W.OPEN, D(2025, 11, 1))


@pytest.mark.parametrize(
    ("classification", "expected", "window_status"),
    [
        (C.EXECUTIVE_VETO, BillStatus.VETOED, W.VETOED),
        (C.BECAME_LAW, BillStatus.ENACTED, W.BECAME_LAW),
        (C.WITHDRAWAL, BillStatus.WITHDRAWN, W.WITHDRAWN),
    ],
)
def test_terminal_actions(bill, lower, upper, classification, expected, window_status):
    act(bill, C.PASSAGE, lower, D(2025, 11, 1))
    act(bill, C.PASSAGE, upper, D(2025, 11, 5))
    act(bill, classification, None, D(2025, 11, 9))
    assert status_of(bill) == expected
    [window] = windows_of(bill)
    # The act that ends the executive stage closes the window.
    assert (window.status, window.closed_on) == (window_status, D(2025, 11, 9))


def test_a_failure_before_the_final_approval_fails_the_bill_without_a_window(bill, lower, upper):
    act(bill, C.PASSAGE, lower, D(2025, 11, 1))
    act(bill, C.FAILURE, upper, D(2025, 11, 9))
    assert status_of(bill) == BillStatus.FAILED
    assert windows_of(bill) == []


def test_a_failure_while_the_executive_holds_the_bill_is_refused(bill, lower, upper):
    # Status and window cannot disagree: a failed bill with an open window is not recorded.
    act(bill, C.PASSAGE, lower, D(2025, 11, 1))
    act(bill, C.PASSAGE, upper, D(2025, 11, 5))
    with pytest.raises(ValidationError, match="comes while the bill awaits the executive"):
        act(bill, C.FAILURE, upper, D(2025, 11, 9))
    assert status_of(bill) == BillStatus.AWAITING_SIGNATURE
    assert [w.status for w in windows_of(bill)] == [W.OPEN]


def test_veto_override_needs_every_chamber(bill, lower, upper):
    act(bill, C.PASSAGE, lower, D(2025, 11, 1))
    act(bill, C.PASSAGE, upper, D(2025, 11, 5))
    act(bill, C.EXECUTIVE_VETO, None, D(2025, 11, 9))
    act(bill, C.VETO_OVERRIDE_PASSAGE, lower, D(2025, 11, 10))
    assert status_of(bill) == BillStatus.VETOED
    act(bill, C.VETO_OVERRIDE_PASSAGE, upper, D(2025, 11, 11))
    assert status_of(bill) == BillStatus.ENACTED
    # An override enacts the bill over the veto: it opens no new window.
    assert [w.status for w in windows_of(bill)] == [W.VETOED]


def test_internal_and_advocacy_events_never_change_the_status(bill, lower, upper):
    act(bill, C.PASSAGE, lower, D(2025, 11, 12))
    act(bill, C.PASSAGE, upper, D(2025, 11, 20), visibility=Visibility.INTERNAL)
    act(bill, C.STATEMENT, None, D(2025, 11, 25), actor="An NGO")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PASSED_LOWER
    # Neither the internal action nor the statement moves the public last-action date ...
    assert bill.last_action_on == D(2025, 11, 12)
    # ... nor opens a window.
    assert windows_of(bill) == []


def test_timeline_order_decides_not_insertion_order(bill, lower, upper):
    act(
        bill, C.PASSAGE, upper, None, order=5, sources=[SourceFactory(published_on=D(2025, 11, 14))]
    )
    act(bill, C.PASSAGE, lower, D(2025, 11, 12), order=2)
    act(bill, C.INTRODUCTION, lower, D(2025, 10, 1), order=1)
    bill.refresh_from_db()
    assert bill.status == BillStatus.AWAITING_SIGNATURE
    assert bill.introduced_on == D(2025, 10, 1)
    assert bill.last_action_on == D(2025, 11, 12)
    # The undated approval lies between the act before it and the article reporting it.
    [window] = windows_of(bill)
    assert (window.triggered_earliest, window.triggered_latest) == (
        D(2025, 11, 12),
        D(2025, 11, 14),
    )


def test_update_and_delete_refresh_the_status(bill, lower, upper):
    act(bill, C.PASSAGE, lower, D(2025, 11, 12))
    senate = act(bill, C.PASSAGE, upper, D(2025, 11, 20))
    assert status_of(bill) == BillStatus.AWAITING_SIGNATURE
    assert [w.status for w in windows_of(bill)] == [W.OPEN]
    event_update(event=senate, data={"visibility": Visibility.INTERNAL})
    assert status_of(bill) == BillStatus.PASSED_LOWER
    assert windows_of(bill) == []
    event_update(event=senate, data={"visibility": Visibility.PUBLIC})
    assert status_of(bill) == BillStatus.AWAITING_SIGNATURE
    assert [w.status for w in windows_of(bill)] == [W.OPEN]
    event_delete(event=senate)
    assert status_of(bill) == BillStatus.PASSED_LOWER
    assert windows_of(bill) == []


def test_derive_again_changes_nothing(bill, lower, upper):
    act(bill, C.PASSAGE, lower, D(2025, 11, 12))
    act(bill, C.PASSAGE, upper, D(2025, 11, 20))
    bill.refresh_from_db()
    [window] = windows_of(bill)
    counts = (bill.history.count(), window.history.count())
    derived = bill_derive(bill=bill)
    assert (derived.status, derived.updated_at) == (bill.status, bill.updated_at)
    assert windows_of(bill) == [window]
    assert (bill.history.count(), window.history.count()) == counts


def test_status_change_is_kept_in_history(bill, lower):
    act(bill, C.PASSAGE, lower, D(2025, 11, 12))
    statuses = list(bill.history.order_by("history_date").values_list("status", flat=True))
    assert statuses[-1] == BillStatus.PASSED_LOWER
    assert BillStatus.INTRODUCED in statuses
