"""Signing rules of the "LGBT propaganda" law family (issue "One law, many countries").

Each window below is computed by hand in its docstring or comment, then asserted through
bills.rules.window_compute on the rule as shipped in seeds/signing_rules.yaml (loaded by
rules_load). The sources of every number: seeds/SOURCES-signing-rules.md.
"""

from __future__ import annotations

import datetime
import re

import pytest

from bills.models import SigningRule
from bills.rules import rule_in_force, window_compute
from bills.seeds import rules_load

D = datetime.date
FAMILY = ("HU", "BG", "GH", "UG")
pytestmark = pytest.mark.django_db


@pytest.fixture
def rules() -> dict[str, SigningRule]:
    rules_load()
    return {rule.code: rule for rule in SigningRule.objects.select_related("jurisdiction")}


def closes(rule: SigningRule, trigger: D, received_on: D | None = None) -> tuple[D, D]:
    window = window_compute(rule=rule, triggered_earliest=trigger, received_on=received_on)
    return window.closes_earliest, window.closes_latest


@pytest.mark.parametrize("code", FAMILY)
def test_each_rule_cites_an_article_at_an_https_address(rules, code):
    rule = rules[code]
    assert re.search(r"\bart\. \d", rule.legal_source), rule.legal_source
    assert rule.source_url.startswith("https://"), rule.source_url
    assert rule.lapse_note
    assert rule.jurisdiction.code == code and rule.jurisdiction.holiday_country == code


# --- Hungary: Fundamental Law art. 6(3) --------------------------------------------------------


def test_hungary_speaker_then_president_five_days_each(rules):
    """Plausible dates. Adopted 2025-06-10; the Speaker sends within 5 days, so the President
    receives it 2025-06-10 .. 2025-06-15; he signs within 5 days of receipt → closes 2025-06-15
    (received the same day) .. 2025-06-20 (received on the fifth day)."""
    hu = rules["HU"]
    assert hu.trigger == "final-approval" and hu.lapse_effect == "none"
    assert closes(hu, D(2025, 6, 10)) == (D(2025, 6, 15), D(2025, 6, 20))
    # Received 2025-06-12 → 2025-06-12 + 5 days = 2025-06-17, one exact deadline.
    assert closes(hu, D(2025, 6, 10), received_on=D(2025, 6, 12)) == (
        D(2025, 6, 17),
        D(2025, 6, 17),
    )


def test_hungary_rule_is_in_force_from_the_fundamental_law(rules):
    hu = rules["HU"]
    assert hu.in_force_from == D(2012, 1, 1)
    assert rule_in_force(jurisdiction=hu.jurisdiction, on=D(2011, 12, 31)) is None
    assert rule_in_force(jurisdiction=hu.jurisdiction, on=D(2012, 1, 1)) == hu


# --- Bulgaria: Constitution art. 88(3), 101(1) --------------------------------------------------


def test_bulgaria_fifteen_days_from_passage_the_2024_school_law(rules):
    """Real dates (BNT, Politico): the Pre-school and School Education Act amendments were passed
    on 2024-08-07; 2024-08-07 + 15 days = 2024-08-22, one date (no transmission step). President
    Radev signed the promulgation decree on 2024-08-15, inside the window."""
    bg = rules["BG"]
    assert bg.trigger == "final-approval" and bg.lapse_effect == "none"
    assert closes(bg, D(2024, 8, 7)) == (D(2024, 8, 22), D(2024, 8, 22))
    assert D(2024, 8, 15) <= closes(bg, D(2024, 8, 7))[0]


def test_bulgaria_in_force_date_left_blank(rules):
    # Not established (seeds/SOURCES-signing-rules.md): the rule covers any trigger date.
    bg = rules["BG"]
    assert bg.in_force_from is None
    assert rule_in_force(jurisdiction=bg.jurisdiction, on=D(1995, 1, 1)) == bg


# --- Ghana: Constitution art. 106(7) ------------------------------------------------------------


def test_ghana_seven_days_from_presentation_the_2023_presidency_statement(rules):
    """Real dates (Daily Graphic, 2023-11-29): the Presidency says the Criminal Offences
    (Amendment) (No.2) Bill, 2023 was presented to the President on Monday 2023-11-27 and cites
    the seven days of art. 106(7). The presentation is the trigger: 2023-11-27 + 7 days =
    2023-12-04."""
    gh = rules["GH"]
    assert gh.trigger == "executive-receipt" and gh.lapse_effect == "none"
    assert closes(gh, D(2023, 11, 27)) == (D(2023, 12, 4), D(2023, 12, 4))
    assert "Council of State" in gh.legal_source and "art. 106(10)" in gh.lapse_note


# --- Uganda: Constitution art. 91(3), (7) -------------------------------------------------------


def test_uganda_thirty_days_from_presentation_the_2023_act(rules):
    """The Anti-Homosexuality Bill 2023 was passed again on 2023-05-02 and assented to on
    2023-05-29 (press reports). Its presentation date was not found: taking the earliest
    possible, the day it was passed again, 2023-05-02 + 30 days = 2023-06-01 (May has 31 days:
    29 days to 2023-05-31, one more to 2023-06-01). The assent on 2023-05-29 falls inside any
    window opened by a presentation on or after 2023-05-02."""
    ug = rules["UG"]
    assert ug.trigger == "executive-receipt" and ug.lapse_effect == "becomes-law"
    assert closes(ug, D(2023, 5, 2)) == (D(2023, 6, 1), D(2023, 6, 1))
    assert D(2023, 5, 29) <= closes(ug, D(2023, 5, 2))[0]
    assert "art. 91(7)" in ug.legal_source


def test_uganda_thirty_calendar_days_across_a_month_end(rules):
    """Plausible date: presented 2025-01-31 → + 28 days = 2025-02-28 (not a leap year), + 2 more
    = 2025-03-02; calendar days, no extension past holidays."""
    assert closes(rules["UG"], D(2025, 1, 31)) == (D(2025, 3, 2), D(2025, 3, 2))


# --- Georgia and Kyrgyzstan: periods as reported (articles not read) ---------------------------


def test_georgia_two_weeks_from_receipt_and_the_override_period(rules):
    """Receipt 2024-09-20 + 14 days = 2024-10-04. After an override on 2024-10-03: sent back
    within three days (received 3..6 October), then five days → closes 8..11 October."""
    ge = rules["GE"]
    assert ge.trigger == "executive-receipt" and ge.lapse_effect == "becomes-law"
    assert closes(ge, D(2024, 9, 20)) == (D(2024, 10, 4), D(2024, 10, 4))
    override = window_compute(rule=ge, triggered_earliest=D(2024, 10, 3), phase="override")
    assert (override.closes_earliest, override.closes_latest) == (D(2024, 10, 8), D(2024, 10, 11))


def test_kyrgyzstan_one_month_from_receipt_across_month_ends(rules):
    """One calendar month: 31 January 2023 → 28 February 2023 (clamped), 30 June → 30 July."""
    kg = rules["KG"]
    assert kg.trigger == "executive-receipt"
    assert closes(kg, D(2023, 1, 31)) == (D(2023, 2, 28), D(2023, 2, 28))
    assert closes(kg, D(2024, 1, 31)) == (D(2024, 2, 29), D(2024, 2, 29))
    assert closes(kg, D(2023, 6, 30)) == (D(2023, 7, 30), D(2023, 7, 30))


def test_hungary_signs_forthwith_after_the_courts_ruling(rules):
    from bills.deadlines import Bounds
    from bills.rules import court_adjusted

    hu = rules["HU"]
    assert hu.court_referral == "sign-on-ruling"
    # Adopted 2025-06-10 → closes 15..20 June; referred on 14 June, ruled on 10 July: the
    # President must sign on the ruling's day.
    window = window_compute(rule=hu, triggered_earliest=D(2025, 6, 10))
    closed = court_adjusted(
        rule=hu,
        closes=Bounds(window.closes_earliest, window.closes_latest),
        referral=Bounds(D(2025, 6, 14), D(2025, 6, 14)),
        ruling=Bounds(D(2025, 7, 10), D(2025, 7, 10)),
    )
    assert closed == Bounds(D(2025, 7, 10), D(2025, 7, 10))


def test_bulgaria_return_opens_a_second_window_from_the_second_passage(rules):
    """Art. 101: a returned act passed again opens a new 15-day period (art. 88(3)) from the new
    passage: passed 2024-08-07, returned 2024-08-14, passed again 2024-09-04 → 2024-09-19."""
    from bills import services, timeline
    from bills.models import Chamber, SigningWindow
    from tests.record import source

    bg = rules["BG"]
    assembly, _ = services.chamber_upsert(
        jurisdiction=bg.jurisdiction,
        classification=Chamber.Classification.UNICAMERAL,
        name="National Assembly",
    )
    bill, _ = services.bill_upsert(slug="bg-test", jurisdiction=bg.jurisdiction, title="A bill")
    for kind, day, chamber in (
        ("passage", D(2024, 8, 7), assembly),
        ("executive-veto", D(2024, 8, 14), None),
        ("passage", D(2024, 9, 4), assembly),
    ):
        timeline.event_record(
            bill=bill,
            classification=kind,
            description=f"{kind} (test).",
            date=day,
            chamber=chamber,
            sources=[source(f"bg {kind} {day}", day)],
        )
    windows = list(SigningWindow.objects.filter(bill=bill).order_by("id"))
    assert [(w.status, w.closes_earliest) for w in windows] == [
        ("vetoed", D(2024, 8, 22)),
        ("open", D(2024, 9, 19)),
    ]
