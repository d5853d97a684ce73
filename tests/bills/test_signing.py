"""Signing rules as data, windows derived from the record, and the signing_window command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from bills.models import Jurisdiction, SigningRule, SigningWindow
from bills.signing import RULES_FILE, rules_load, window_sync_for_bill
from events.models import Classification
from events.services import event_delete
from tests.events.fixtures import D, act, approve, chambers, kz_bill, make_bill, rules, source

__all__ = ["kz_bill", "rules"]  # fixtures


# --- Rules as data ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_rules_load_creates_then_reports_unchanged():
    first = rules_load()
    assert sorted(first.created) == ["KZ", "RU", "US", "US-CA"]
    second = rules_load()
    assert (second.created, second.updated, sorted(second.unchanged)) == (
        [],
        [],
        ["KZ", "RU", "US", "US-CA"],
    )
    kz = SigningRule.objects.get(code="KZ")
    assert "art. 44(2)" in kz.legal_source
    assert kz.alert_days == [7, 3, 1, 0]
    steps = list(kz.steps.values_list("length", "unit", "ends_with_receipt"))
    assert steps == [(10, "calendar-days", True), (1, "calendar-months", False)]
    assert SigningRule.objects.get(code="US").lapse_effect == "becomes-law"
    assert "pocket veto" in SigningRule.objects.get(code="US").lapse_note


@pytest.mark.django_db
def test_rules_load_rejects_an_unknown_jurisdiction_key():
    data = _data()
    data["jurisdictions"][0]["capital"] = "Astana"
    with pytest.raises(ValidationError, match="jurisdiction KZ"):
        rules_load(data=data)
    assert not Jurisdiction.objects.exists()


@pytest.mark.django_db
def test_rules_load_keeps_existing_jurisdiction_rows():
    Jurisdiction.objects.create(
        code="US", name="USA (edited)", timezone="America/Chicago", executive_title="President"
    )
    report = rules_load()
    assert "US" not in report.jurisdictions_created
    assert Jurisdiction.objects.get(code="US").name == "USA (edited)"


def _data() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_rules_load_updates_a_changed_rule_and_recomputes_open_windows(rules):
    bill = make_bill("KZ", "kz-change")
    approve(bill, D(2025, 12, 18))
    data = _data()
    kz = next(r for r in data["rules"] if r["code"] == "KZ")
    kz["steps"][1]["length"] = 2  # two months instead of one
    report = rules_load(data=data)
    assert report.updated == ["KZ"]
    window = SigningWindow.objects.get(bill=bill)
    assert (window.closes_earliest, window.closes_latest) == (D(2026, 2, 18), D(2026, 2, 28))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.update(jurisdiction="XX"), "unknown jurisdiction"),
        (lambda r: r.update(in_force_from="1 Sept 1995"), "is not a date"),
        (lambda r: r["steps"][0].update(unit="fortnights"), "step 1"),
        (lambda r: r.update(steps=[]), "at least one step"),
        (lambda r: r.update(alert_days=[7, -1]), "alert_days"),
        (lambda r: r.update(trigger="whenever"), "trigger"),
        (lambda r: r.update(alert_days=["a week"]), "whole days"),
        (lambda r: r["steps"][0].update(length=None), "step 1"),
    ],
)
def test_rules_load_rejects_bad_data_and_writes_nothing(mutate, message):
    data = _data()
    mutate(next(r for r in data["rules"] if r["code"] == "KZ"))
    with pytest.raises(ValidationError, match=message):
        rules_load(data=data)
    assert not SigningRule.objects.exists()
    assert not Jurisdiction.objects.exists()


# --- Windows from the record -----------------------------------------------------------------


def test_final_approval_opens_the_window_with_bounds(kz_bill):
    assert not SigningWindow.objects.filter(bill=kz_bill).exists()  # one chamber only so far
    approve(kz_bill, D(2025, 12, 18))
    window = SigningWindow.objects.get(bill=kz_bill)
    assert window.status == SigningWindow.Status.OPEN
    assert window.rule.code == "KZ"
    assert (window.triggered_earliest, window.triggered_latest) == (
        D(2025, 12, 18),
        D(2025, 12, 18),
    )
    assert (window.closes_earliest, window.closes_latest) == (D(2026, 1, 18), D(2026, 1, 28))
    assert window.received_on is None


def test_receipt_gives_one_exact_deadline(kz_bill):
    approve(kz_bill, D(2025, 12, 18))
    act(kz_bill, Classification.EXECUTIVE_RECEIPT, D(2025, 12, 24))
    window = SigningWindow.objects.get(bill=kz_bill)
    assert window.received_on == D(2025, 12, 24)
    assert window.closes_earliest == window.closes_latest == D(2026, 1, 24)


@pytest.mark.parametrize(
    ("classification", "status"),
    [
        (Classification.EXECUTIVE_SIGNATURE, SigningWindow.Status.SIGNED),
        (Classification.EXECUTIVE_VETO, SigningWindow.Status.VETOED),
        (Classification.BECAME_LAW, SigningWindow.Status.BECAME_LAW),
        (Classification.WITHDRAWAL, SigningWindow.Status.WITHDRAWN),
    ],
)
def test_closing_actions_close_the_window(kz_bill, classification, status):
    approve(kz_bill, D(2025, 12, 18))
    act(kz_bill, classification, D(2026, 1, 5))
    window = SigningWindow.objects.get(bill=kz_bill)
    assert (window.status, window.closed_on) == (status, D(2026, 1, 5))


def test_deleting_the_signature_reopens_and_deleting_the_trigger_removes(kz_bill):
    approval = approve(kz_bill, D(2025, 12, 18))
    signature = act(kz_bill, Classification.EXECUTIVE_SIGNATURE, D(2026, 1, 5))
    event_delete(event=signature)
    window = SigningWindow.objects.get(bill=kz_bill)
    assert (window.status, window.closed_on) == (SigningWindow.Status.OPEN, None)
    event_delete(event=approval)
    assert not SigningWindow.objects.filter(bill=kz_bill).exists()


def test_unknown_trigger_date_is_bounded_by_record_and_sources(kz_bill):
    """The seeded case: the Senate's approval has no date; the Mäjilis vote (12 Nov 2025) bounds
    it below and the CIVICUS article (2 Jan 2026) that reports it bounds it above."""
    approve(kz_bill, None, sources=(source(D(2026, 1, 2)),))
    window = SigningWindow.objects.get(bill=kz_bill)
    assert (window.triggered_earliest, window.triggered_latest) == (D(2025, 11, 12), D(2026, 1, 2))
    assert (window.closes_earliest, window.closes_latest) == (D(2025, 12, 12), D(2026, 2, 12))


def test_unknown_trigger_upper_bound_from_a_later_dated_action(kz_bill):
    approve(kz_bill, None, sources=(source(D(2026, 1, 2)),))
    act(kz_bill, Classification.EXECUTIVE_RECEIPT, D(2025, 12, 20))
    window = SigningWindow.objects.get(bill=kz_bill)
    assert window.triggered_latest == D(2025, 12, 20)
    assert window.closes_earliest == window.closes_latest == D(2026, 1, 20)


def test_month_precision_source_bounds_to_the_end_of_its_month(kz_bill):
    approve(kz_bill, None, sources=(source(D(2025, 12, 1), "month"),))
    window = SigningWindow.objects.get(bill=kz_bill)
    assert window.triggered_latest == D(2025, 12, 31)


def test_internal_actions_do_not_open_windows(kz_bill):
    _lower, upper = chambers("KZ")
    act(kz_bill, Classification.PASSAGE, D(2025, 12, 18), chamber=upper, visibility="internal")
    assert not SigningWindow.objects.filter(bill=kz_bill).exists()


def test_us_window_opens_on_presentment_not_on_passage(rules):
    bill = make_bill("US", "us-bill")
    approve(bill, D(2025, 12, 10))
    assert not SigningWindow.objects.filter(bill=bill).exists()
    act(bill, Classification.EXECUTIVE_RECEIPT, D(2025, 12, 19))
    window = SigningWindow.objects.get(bill=bill)
    assert window.rule.code == "US"
    assert window.received_on == D(2025, 12, 19)
    assert window.closes_earliest == window.closes_latest == D(2025, 12, 31)


def test_a_vetoed_bill_passed_again_opens_a_second_window(kz_bill):
    approve(kz_bill, D(2025, 12, 18))
    act(kz_bill, Classification.EXECUTIVE_VETO, D(2026, 1, 10))
    lower, upper = chambers("KZ")
    act(kz_bill, Classification.PASSAGE, D(2026, 2, 1), chamber=lower)
    act(kz_bill, Classification.PASSAGE, D(2026, 2, 20), chamber=upper)
    windows = list(SigningWindow.objects.filter(bill=kz_bill).order_by("id"))
    assert [w.status for w in windows] == ["vetoed", "open"]
    assert windows[1].closes_earliest == D(2026, 3, 20)


def test_sync_is_idempotent(kz_bill):
    approve(kz_bill, D(2025, 12, 18))
    window = SigningWindow.objects.get(bill=kz_bill)
    history = window.history.count()
    assert window_sync_for_bill(bill=kz_bill) == window
    assert window.history.count() == history


def test_no_rule_in_force_no_window(rules):
    bill = make_bill("RU", "ru-bill", lower_passed=D(1990, 1, 1))
    approve(bill, D(1990, 2, 1))
    assert not SigningWindow.objects.filter(bill=bill).exists()


def test_a_rule_with_no_recorded_start_covers_any_trigger_date(rules):
    from bills.models import SigningRule
    from bills.signing import rule_in_force

    california = SigningRule.objects.get(code="US-CA")
    assert california.in_force_from is None
    for day in (D(1970, 1, 5), D(2025, 9, 30)):
        assert rule_in_force(jurisdiction=california.jurisdiction, on=day) == california
    # The 12th day, Saturday 17 January 1970, runs on to Monday the 19th.
    assert _run("US-CA", "1970-01-05")["closes_latest"] == "1970-01-19"


# --- The signing_window command --------------------------------------------------------------


def _run(*args: str) -> dict:
    out = StringIO()
    call_command("signing_window", *args, stdout=out)
    return json.loads(out.getvalue())


def test_command_prints_the_kazakh_window(rules):
    assert _run("KZ", "2025-12-18") == {
        "rule": "KZ",
        "opens": "2025-12-18",
        "closes_earliest": "2026-01-18",
        "closes_latest": "2026-01-28",
    }


def test_command_with_receipt_gives_equal_dates(rules):
    result = _run("KZ", "2025-12-18", "--receipt", "2025-12-22")
    assert result["closes_earliest"] == result["closes_latest"] == "2026-01-22"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("RU", "2025-12-24"), ("2026-01-07", "2026-01-12")),
        (("US", "2025-12-19"), ("2025-12-31", "2025-12-31")),
        (("US-CA", "2025-12-20"), ("2026-01-02", "2026-01-02")),
        (("us-ca", "2026-01-05"), ("2026-01-20", "2026-01-20")),
    ],
)
def test_command_other_rules(rules, args, expected):
    result = _run(*args)
    assert (result["closes_earliest"], result["closes_latest"]) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("XX", "2025-12-18"), "Unknown rule code 'XX'"),
        (("KZ", "2025-02-30"), "not a date"),
        (("KZ", "18.12.2025"), "not a date"),
        (("KZ", "2025-12-18", "--receipt", "tomorrow"), "not a date"),
        (("KZ", "2025-12-18", "--receipt", "2025-12-01"), "before the final approval"),
        (("US", "2025-12-18", "--receipt", "2025-12-20"), "must be the trigger date"),
        (("KZ", "1990-01-01"), "not in force"),
    ],
)
def test_command_bad_input_exits_with_a_message(rules, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("signing_window", *args, stdout=StringIO())


def test_today_is_the_jurisdictions_date(rules):
    import datetime as dt

    from bills.signing import jurisdiction_today

    kz, us = Jurisdiction.objects.get(code="KZ"), Jurisdiction.objects.get(code="US-CA")
    evening_utc = dt.datetime(2026, 1, 17, 20, 0, tzinfo=dt.UTC)
    assert jurisdiction_today(kz, evening_utc) == D(2026, 1, 18)  # Almaty, UTC+5
    early_utc = dt.datetime(2026, 1, 18, 3, 0, tzinfo=dt.UTC)
    assert jurisdiction_today(us, early_utc) == D(2026, 1, 17)  # Los Angeles, UTC-8
