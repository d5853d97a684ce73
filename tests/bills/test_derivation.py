"""bills.derivation.derive: one walk over a timeline gives status, dates and window cycles.

Pure: no database. Each case is a legislature and a timeline of plain facts.
"""

import datetime

import pytest

from bills.choices import BillStatus, ChamberKind, Classification, DatePrecision, Visibility
from bills.choices import WindowStatus as W
from bills.derivation import ActionFact, derive, legislature

C = Classification
D = datetime.date
BICAMERAL = [ChamberKind.LOWER, ChamberKind.UPPER]


def acts(*specs: tuple) -> list[ActionFact]:
    """(classification, chamber kind or None, date or None[, extra fields]) in timeline order."""
    facts = []
    for order, spec in enumerate(specs, start=1):
        classification, chamber, day, *extra = spec
        fields = extra[0] if extra else {}
        fields.setdefault("precision", DatePrecision.DAY if day else DatePrecision.UNKNOWN)
        facts.append(
            ActionFact(
                pk=order,
                order=order,
                classification=classification,
                chamber=chamber,
                chamber_name=chamber or "",
                date=day,
                **fields,
            )
        )
    return facts


def test_legislature_is_both_houses_or_the_single_chamber():
    assert legislature(BICAMERAL) == {"lower", "upper"}
    assert legislature([ChamberKind.UNICAMERAL]) == {"unicameral"}
    assert legislature([ChamberKind.LOWER]) == {"lower"}
    assert legislature([]) == {"unicameral"}


def test_bicameral_status_and_window_come_from_the_same_walk():
    result = derive(
        actions=acts(
            (C.INTRODUCTION, "lower", D(2025, 10, 1)),
            (C.PASSAGE, "lower", D(2025, 11, 12)),
        ),
        chambers=BICAMERAL,
    )
    assert (result.status, result.cycles) == (BillStatus.PASSED_LOWER, [])
    result = derive(
        actions=acts(
            (C.INTRODUCTION, "lower", D(2025, 10, 1)),
            (C.PASSAGE, "lower", D(2025, 11, 12)),
            (C.PASSAGE, "upper", D(2025, 12, 18)),
        ),
        chambers=BICAMERAL,
    )
    assert result.status == BillStatus.AWAITING_SIGNATURE
    assert result.introduced_on == D(2025, 10, 1)
    assert result.last_action_on == D(2025, 12, 18)
    [cycle] = result.cycles
    assert (cycle.approval.earliest, cycle.approval.latest) == (D(2025, 12, 18), D(2025, 12, 18))
    assert cycle.status == W.OPEN
    assert result.open_cycle is cycle


def test_unicameral_legislature_one_passage_is_the_final_approval():
    result = derive(
        actions=acts((C.PASSAGE, "unicameral", D(2025, 11, 1))), chambers=["unicameral"]
    )
    assert result.status == BillStatus.AWAITING_SIGNATURE
    assert [c.status for c in result.cycles] == [W.OPEN]


def test_a_lower_chamber_only_legislature_awaits_signature_with_its_window_open():
    # The fault: such a bill read "passed lower" while its window was open.
    result = derive(actions=acts((C.PASSAGE, "lower", D(2025, 11, 1))), chambers=["lower"])
    assert result.status == BillStatus.AWAITING_SIGNATURE
    assert [c.status for c in result.cycles] == [W.OPEN]


def test_a_returned_bill_that_passes_again_opens_a_second_cycle():
    result = derive(
        actions=acts(
            (C.PASSAGE, "lower", D(2025, 11, 1)),
            (C.PASSAGE, "upper", D(2025, 11, 20)),
            (C.EXECUTIVE_VETO, None, D(2025, 12, 10)),
            (C.PASSAGE, "lower", D(2026, 1, 15)),
            (C.PASSAGE, "upper", D(2026, 1, 29)),
        ),
        chambers=BICAMERAL,
    )
    assert result.status == BillStatus.AWAITING_SIGNATURE
    first, second = result.cycles
    assert (first.status, first.closed_on) == (W.VETOED, D(2025, 12, 10))
    assert (second.status, second.approval.earliest) == (W.OPEN, D(2026, 1, 29))
    assert not result.problems


def test_between_return_and_second_passage_the_bill_is_not_awaiting_signature():
    result = derive(
        actions=acts(
            (C.PASSAGE, "lower", D(2025, 11, 1)),
            (C.PASSAGE, "upper", D(2025, 11, 20)),
            (C.EXECUTIVE_VETO, None, D(2025, 12, 10)),
            (C.PASSAGE, "lower", D(2026, 1, 15)),
        ),
        chambers=BICAMERAL,
    )
    assert result.status == BillStatus.PASSED_LOWER
    assert [c.status for c in result.cycles] == [W.VETOED]


def test_a_veto_override_by_every_chamber_enacts_the_bill():
    timeline = [
        (C.PASSAGE, "lower", D(2025, 11, 1)),
        (C.PASSAGE, "upper", D(2025, 11, 20)),
        (C.EXECUTIVE_VETO, None, D(2025, 12, 10)),
        (C.VETO_OVERRIDE_PASSAGE, "lower", D(2026, 1, 15)),
    ]
    halfway = derive(actions=acts(*timeline), chambers=BICAMERAL)
    assert halfway.status == BillStatus.VETOED
    overridden = derive(
        actions=acts(*timeline, (C.VETO_OVERRIDE_PASSAGE, "upper", D(2026, 1, 20))),
        chambers=BICAMERAL,
    )
    assert overridden.status == BillStatus.ENACTED
    # The override enacts the law; it opens no second signing window.
    assert [c.status for c in overridden.cycles] == [W.VETOED]


@pytest.mark.parametrize(
    "hidden",
    [
        {"visibility": Visibility.INTERNAL},  # a staff note of an act
        {},  # an advocacy event (below, as a statement)
    ],
)
def test_internal_and_advocacy_events_change_nothing(hidden):
    base = [
        (C.INTRODUCTION, "lower", D(2025, 10, 1)),
        (C.PASSAGE, "lower", D(2025, 11, 12)),
    ]
    if hidden:
        extra = (C.PASSAGE, "upper", D(2025, 12, 18), dict(hidden))
    else:
        extra = (C.STATEMENT, None, D(2025, 12, 30))
    without = derive(actions=acts(*base), chambers=BICAMERAL)
    with_it = derive(actions=acts(*base, extra), chambers=BICAMERAL)
    assert (with_it.status, with_it.last_action_on, with_it.cycles) == (
        without.status,
        without.last_action_on,
        without.cycles,
    )


def test_an_undated_approval_is_bounded_by_the_acts_and_its_sources():
    result = derive(
        actions=acts(
            (C.PASSAGE, "lower", D(2025, 11, 12)),
            (
                C.PASSAGE,
                "upper",
                None,
                {"sources_latest": (D(2026, 1, 2),), "recorded_on": D(2026, 3, 1)},
            ),
        ),
        chambers=BICAMERAL,
    )
    [cycle] = result.cycles
    assert (cycle.approval.earliest, cycle.approval.latest) == (D(2025, 11, 12), D(2026, 1, 2))


def test_the_receipt_narrows_the_cycle_and_the_signature_closes_it():
    result = derive(
        actions=acts(
            (C.PASSAGE, "lower", D(2025, 11, 12)),
            (C.PASSAGE, "upper", D(2025, 12, 18)),
            (C.EXECUTIVE_RECEIPT, None, D(2025, 12, 22)),
            (C.EXECUTIVE_SIGNATURE, None, D(2025, 12, 30)),
        ),
        chambers=BICAMERAL,
    )
    [cycle] = result.cycles
    assert cycle.receipt.earliest == D(2025, 12, 22)
    assert (cycle.status, cycle.closed_on) == (W.SIGNED, D(2025, 12, 30))
    assert result.status == BillStatus.ENACTED


def test_problems_name_the_rule_and_the_events():
    duplicate = derive(
        actions=acts(
            (C.PASSAGE, "lower", D(2025, 11, 12)),
            (C.PASSAGE, "upper", None),
            (C.PASSAGE, "upper", D(2025, 12, 18)),
        ),
        chambers=BICAMERAL,
    )
    [problem] = duplicate.problems
    assert problem.events == (2, 3)
    assert "#2 (passed, upper) is already this chamber's passage" in problem.message
    early = derive(
        actions=acts(
            (C.PASSAGE, "lower", D(2025, 11, 12)),
            (C.PASSAGE, "upper", D(2025, 12, 18)),
            (C.EXECUTIVE_SIGNATURE, None, D(2025, 12, 1)),
        ),
        chambers=BICAMERAL,
    )
    [problem] = early.problems
    assert "before the approval that sent the bill to the executive" in problem.message
    late_receipt = derive(
        actions=acts(
            (C.PASSAGE, "lower", D(2025, 11, 12)),
            (C.PASSAGE, "upper", D(2025, 12, 18)),
            (C.EXECUTIVE_RECEIPT, None, D(2026, 1, 5)),
            (C.EXECUTIVE_SIGNATURE, None, D(2025, 12, 30)),
        ),
        chambers=BICAMERAL,
    )
    [problem] = late_receipt.problems
    assert "before the executive received the bill" in problem.message
