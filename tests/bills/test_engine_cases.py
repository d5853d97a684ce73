"""The engine's cases for the law family (issue "One law, many countries"): a bill that lapses with
its parliament, an override that gives the head of state a new period and a law signed in their
place (Georgia 2024), and a referral to the constitutional court that pauses the period.

The first half is the pure derivation; the second computes windows through the services on a
test jurisdiction whose rule is data, each date worked out by hand in the comment beside it.
"""

from __future__ import annotations

import datetime

import pytest

from bills import services, timeline
from bills.choices import BillStatus, ChamberKind, Classification, CourtReferral, WindowPhase
from bills.choices import WindowStatus as W
from bills.derivation import derive
from bills.models import Bill, Chamber, SigningWindow
from tests.bills.test_derivation import acts
from tests.record import source

C = Classification
D = datetime.date
ONE = [ChamberKind.UNICAMERAL]
U = ChamberKind.UNICAMERAL


# --- The derivation ------------------------------------------------------------------------------


def test_a_lapse_closes_the_window_and_the_bill():
    result = derive(
        actions=acts((C.PASSAGE, U, D(2024, 2, 28)), (C.LAPSE, None, D(2025, 1, 6))),
        chambers=ONE,
    )
    assert result.status == BillStatus.LAPSED
    [cycle] = result.cycles
    assert (cycle.status, cycle.closed_on) == (W.LAPSED, D(2025, 1, 6))
    assert result.open_cycle is None


def test_a_bill_lapses_before_any_window_too():
    result = derive(
        actions=acts((C.INTRODUCTION, U, D(2024, 1, 10)), (C.LAPSE, None, D(2024, 6, 1))),
        chambers=ONE,
    )
    assert (result.status, result.cycles, result.problems) == (BillStatus.LAPSED, [], [])


def test_without_a_period_after_override_the_override_makes_it_law():
    """United States art. I §7: two-thirds of both houses and the bill is law."""
    result = derive(
        actions=acts(
            (C.PASSAGE, U, D(2024, 5, 14)),
            (C.EXECUTIVE_VETO, None, D(2024, 5, 20)),
            (C.VETO_OVERRIDE_PASSAGE, U, D(2024, 6, 4)),
        ),
        chambers=ONE,
    )
    assert result.status == BillStatus.ENACTED
    assert [c.status for c in result.cycles] == [W.VETOED]


def test_an_override_opens_a_second_period_closed_by_a_substitute_signature():
    """Where the law gives the head of state a new period after an override, the second window
    opens at the override and a signature in their place (a Speaker's) closes it as law."""
    timeline_ = acts(
        (C.PASSAGE, U, D(2024, 9, 17)),
        (C.EXECUTIVE_VETO, None, D(2024, 10, 2)),
        (C.VETO_OVERRIDE_PASSAGE, U, D(2024, 10, 3)),
    )
    result = derive(actions=timeline_, chambers=ONE, signs_after_override=True)
    assert result.status == BillStatus.AWAITING_SIGNATURE
    first, second = result.cycles
    assert (first.phase, first.status) == (WindowPhase.PASSAGE, W.VETOED)
    assert (second.phase, second.status) == (WindowPhase.OVERRIDE, W.OPEN)
    assert second.approval.earliest == D(2024, 10, 3) and second.approval_event == 3
    signed = acts(
        (C.PASSAGE, U, D(2024, 9, 17)),
        (C.EXECUTIVE_VETO, None, D(2024, 10, 2)),
        (C.VETO_OVERRIDE_PASSAGE, U, D(2024, 10, 3)),
        (C.SUBSTITUTE_SIGNATURE, None, D(2024, 10, 3)),
    )
    result = derive(actions=signed, chambers=ONE, signs_after_override=True)
    assert result.status == BillStatus.ENACTED
    assert [c.status for c in result.cycles] == [W.VETOED, W.BECAME_LAW]
    assert result.cycles[1].closed_on == D(2024, 10, 3)


def test_a_substitute_signature_needs_a_period_to_close():
    result = derive(
        actions=acts((C.INTRODUCTION, U, D(2024, 1, 1)), (C.SUBSTITUTE_SIGNATURE, None, None)),
        chambers=ONE,
    )
    assert result.problems and "before the approval" in result.problems[0].message


def test_a_court_referral_pauses_the_period_until_the_ruling():
    referred = acts(
        (C.PASSAGE, U, D(2024, 3, 1)),
        (C.COURT_REFERRAL, None, D(2024, 3, 5)),
    )
    result = derive(actions=referred, chambers=ONE)
    [cycle] = result.cycles
    assert result.status == BillStatus.AWAITING_SIGNATURE
    assert cycle.status == W.PAUSED and result.open_cycle is cycle
    assert cycle.referral.earliest == D(2024, 3, 5)
    ruled = acts(
        (C.PASSAGE, U, D(2024, 3, 1)),
        (C.COURT_REFERRAL, None, D(2024, 3, 5)),
        (C.COURT_RULING, None, D(2024, 3, 25)),
        (C.EXECUTIVE_SIGNATURE, None, D(2024, 3, 27)),
    )
    result = derive(actions=ruled[:3], chambers=ONE)
    assert result.cycles[0].status == W.OPEN
    assert result.cycles[0].ruling.earliest == D(2024, 3, 25)
    result = derive(actions=ruled, chambers=ONE)
    assert (result.status, result.cycles[0].status) == (BillStatus.ENACTED, W.SIGNED)


def test_a_second_referral_of_one_passage_is_refused():
    result = derive(
        actions=acts(
            (C.PASSAGE, U, D(2024, 3, 1)),
            (C.COURT_REFERRAL, None, D(2024, 3, 5)),
            (C.COURT_REFERRAL, None, D(2024, 3, 6)),
        ),
        chambers=ONE,
    )
    assert result.problems and "already before the court" in result.problems[0].message


def test_a_referral_after_signature_and_life_after_it_change_nothing():
    result = derive(
        actions=acts(
            (C.PASSAGE, U, D(2024, 3, 1)),
            (C.EXECUTIVE_SIGNATURE, None, D(2024, 3, 4)),
            (C.PUBLICATION, None, D(2024, 3, 5)),
            (C.COURT_REFERRAL, None, D(2024, 4, 1)),
            (C.COURT_RULING, None, D(2024, 9, 1)),
            (C.ENTRY_INTO_FORCE, None, D(2024, 3, 15)),
            (C.ENFORCEMENT_CASE, None, D(2024, 10, 1)),
        ),
        chambers=ONE,
    )
    assert result.problems == []
    assert result.status == BillStatus.ENACTED
    assert [c.status for c in result.cycles] == [W.SIGNED]
    assert result.last_action_on == D(2024, 10, 1)


# --- Windows under a rule (the database) ---------------------------------------------------------


def _parliament(*, court_referral: str, override_days: int | None = None):
    jurisdiction, _ = services.jurisdiction_upsert(
        code="ZZ", name="Testland", timezone="UTC", executive_title="President"
    )
    chamber, _ = services.chamber_upsert(
        jurisdiction=jurisdiction, classification=Chamber.Classification.UNICAMERAL, name="Diet"
    )
    steps = [{"label": "President signs or returns", "length": 15, "unit": "calendar-days"}]
    if override_days:
        steps.append(
            {
                "phase": WindowPhase.OVERRIDE,
                "label": "President signs the overridden law",
                "length": override_days,
                "unit": "calendar-days",
            }
        )
    services.rule_upsert(
        code="ZZ",
        jurisdiction=jurisdiction,
        name="Testland: 15 days",
        legal_source="Test constitution, art. 1",
        trigger="final-approval",
        lapse_effect="none",
        court_referral=court_referral,
        steps=steps,
    )
    bill, _ = services.bill_upsert(slug="zz-bill", jurisdiction=jurisdiction, title="A bill")
    return bill, chamber


def _act(bill: Bill, classification: str, day: D, chamber: Chamber | None = None) -> None:
    timeline.event_record(
        bill=bill,
        classification=classification,
        description=f"{classification} (test).",
        date=day,
        chamber=chamber,
        sources=[source(f"{classification} {day}", day)],
    )


def _windows(bill: Bill) -> list[tuple[str, str, D, D]]:
    return [
        (w.phase, w.status, w.closes_earliest, w.closes_latest)
        for w in SigningWindow.objects.filter(bill=bill).order_by("id")
    ]


@pytest.mark.django_db
def test_a_suspending_referral_adds_the_days_the_court_took():
    bill, diet = _parliament(court_referral=CourtReferral.SUSPENDS)
    _act(bill, C.PASSAGE, D(2024, 3, 1), diet)  # 1 March + 15 days = 16 March
    assert _windows(bill) == [("passage", W.OPEN, D(2024, 3, 16), D(2024, 3, 16))]
    _act(bill, C.COURT_REFERRAL, D(2024, 3, 5))
    assert _windows(bill)[0][1] == W.PAUSED  # no alert falls due while the court holds it
    _act(bill, C.COURT_RULING, D(2024, 3, 25))  # 20 days before the court → 16 + 20 = 5 April
    assert _windows(bill) == [("passage", W.OPEN, D(2024, 4, 5), D(2024, 4, 5))]
    _act(bill, C.EXECUTIVE_SIGNATURE, D(2024, 4, 2))
    bill.refresh_from_db()
    assert bill.status == BillStatus.ENACTED
    assert _windows(bill)[0][1] == W.SIGNED


@pytest.mark.django_db
def test_sign_on_ruling_closes_the_window_on_the_rulings_day():
    """Hungary, Fundamental Law art. 6(4): no violation found, the President signs forthwith."""
    bill, diet = _parliament(court_referral=CourtReferral.SIGN_ON_RULING)
    _act(bill, C.PASSAGE, D(2024, 3, 1), diet)
    _act(bill, C.COURT_REFERRAL, D(2024, 3, 5))
    _act(bill, C.COURT_RULING, D(2024, 3, 28))
    assert _windows(bill) == [("passage", W.OPEN, D(2024, 3, 28), D(2024, 3, 28))]


@pytest.mark.django_db
def test_where_the_law_is_silent_the_ruling_leaves_the_dates_as_computed():
    bill, diet = _parliament(court_referral=CourtReferral.NOT_STATED)
    _act(bill, C.PASSAGE, D(2024, 3, 1), diet)
    _act(bill, C.COURT_REFERRAL, D(2024, 3, 5))
    _act(bill, C.COURT_RULING, D(2024, 3, 28))
    assert _windows(bill) == [("passage", W.OPEN, D(2024, 3, 16), D(2024, 3, 16))]


@pytest.mark.django_db
def test_an_override_period_comes_from_the_rule_and_the_speaker_closes_it():
    bill, diet = _parliament(court_referral=CourtReferral.NOT_STATED, override_days=5)
    _act(bill, C.PASSAGE, D(2024, 9, 17), diet)  # closes 17 Sep + 15 = 2 October
    _act(bill, C.EXECUTIVE_VETO, D(2024, 10, 2))
    _act(bill, C.VETO_OVERRIDE_PASSAGE, D(2024, 10, 3), diet)  # + 5 days = 8 October
    assert _windows(bill) == [
        ("passage", W.VETOED, D(2024, 10, 2), D(2024, 10, 2)),
        ("override", W.OPEN, D(2024, 10, 8), D(2024, 10, 8)),
    ]
    bill.refresh_from_db()
    assert bill.status == BillStatus.AWAITING_SIGNATURE
    _act(bill, C.SUBSTITUTE_SIGNATURE, D(2024, 10, 9))
    bill.refresh_from_db()
    assert bill.status == BillStatus.ENACTED
    assert _windows(bill)[1][:2] == ("override", W.BECAME_LAW)


@pytest.mark.django_db
def test_a_lapse_closes_the_stored_window():
    bill, diet = _parliament(court_referral=CourtReferral.NOT_STATED)
    _act(bill, C.PASSAGE, D(2024, 2, 28), diet)
    _act(bill, C.LAPSE, D(2024, 3, 2))
    bill.refresh_from_db()
    assert bill.status == BillStatus.LAPSED
    assert _windows(bill)[0][1] == W.LAPSED


@pytest.mark.django_db
def test_a_rule_needs_a_period_after_the_final_approval():
    from django.core.exceptions import ValidationError

    jurisdiction, _ = services.jurisdiction_upsert(
        code="ZZ", name="Testland", timezone="UTC", executive_title="President"
    )
    with pytest.raises(ValidationError, match="after the final approval"):
        services.rule_upsert(
            code="ZZ",
            jurisdiction=jurisdiction,
            name="Only an override period",
            legal_source="Test constitution, art. 1",
            trigger="final-approval",
            lapse_effect="none",
            steps=[{"phase": "override", "label": "x", "length": 5, "unit": "calendar-days"}],
        )
