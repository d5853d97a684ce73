"""Signing rules as data, windows derived from the record, and the signing_window command."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from bills import services
from bills.changes import bill_derive
from bills.models import (
    Bill,
    BillStatus,
    Chamber,
    Classification,
    Jurisdiction,
    SigningRule,
    SigningWindow,
)
from bills.rules import rule_in_force
from bills.seeds import SEEDS_DIR, SIGNING_RULES_FILE, rules_load
from bills.timeline import event_delete, event_record
from tests.bills.factories import SourceFactory
from tests.record import act, approve, kz_record, source

D = datetime.date
RULES_FILE = SEEDS_DIR / SIGNING_RULES_FILE
INTRODUCED = D(2025, 10, 1)
LOWER_PASSED = D(2025, 11, 12)


@pytest.fixture
def rules(db) -> dict[str, SigningRule]:
    """The seeded signing rules (seeds/signing_rules.yaml) and their jurisdictions."""
    rules_load()
    return {rule.code: rule for rule in SigningRule.objects.select_related("jurisdiction")}


def chambers(code: str) -> tuple[Chamber, Chamber]:
    jurisdiction = Jurisdiction.objects.get(code=code)
    lower, _ = services.chamber_upsert(
        jurisdiction=jurisdiction, classification=Chamber.Classification.LOWER, name="Lower"
    )
    upper, _ = services.chamber_upsert(
        jurisdiction=jurisdiction, classification=Chamber.Classification.UPPER, name="Upper"
    )
    return lower, upper


def record_act(bill: Bill, classification: str, date: D | None, **extra):
    extra.setdefault("sources", [source(f"{bill.slug}: {classification} on {date}", date)])
    return event_record(
        bill=bill,
        classification=classification,
        description=f"{classification}.",
        date=date,
        **extra,
    )


def make_bill(
    code: str,
    slug: str,
    *,
    introduced: D = INTRODUCED,
    lower_passed: D | None = LOWER_PASSED,
) -> Bill:
    """A bill of that jurisdiction, introduced (by default on 1 Oct 2025) and passed by the lower
    house (by default on 12 Nov 2025)."""
    lower, _upper = chambers(code)
    bill, _ = services.bill_upsert(
        slug=slug, jurisdiction=Jurisdiction.objects.get(code=code), title=f"Bill {slug}"
    )
    record_act(bill, Classification.INTRODUCTION, introduced, chamber=lower)
    if lower_passed:
        record_act(bill, Classification.PASSAGE, lower_passed, chamber=lower)
    return bill


def upper_passage(bill: Bill, date: D | None):
    """Passage by the upper house: the final approval."""
    _lower, upper = chambers(bill.jurisdiction.code)
    return record_act(bill, Classification.PASSAGE, date, chamber=upper)


# --- Rules as data ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_rules_load_creates_then_reports_unchanged():
    first = rules_load()
    assert sorted(first.created) == ["BG", "GE", "GH", "HU", "KG", "KZ", "RU", "UG", "US", "US-CA"]
    second = rules_load()
    assert (second.created, second.updated, sorted(second.unchanged)) == (
        [],
        [],
        ["BG", "GE", "GH", "HU", "KG", "KZ", "RU", "UG", "US", "US-CA"],
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
    services.jurisdiction_upsert(
        code="US", name="USA (edited)", timezone="America/Chicago", executive_title="President"
    )
    report = rules_load()
    assert "US" not in report.jurisdictions_created
    assert Jurisdiction.objects.get(code="US").name == "USA (edited)"


def _data() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_rules_load_updates_a_changed_rule_and_recomputes_open_windows(rules):
    bill = kz_record(slug="kz-change", senate_approved=D(2025, 12, 18)).bill
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


def test_final_approval_opens_the_window_with_bounds(kz_record):
    bill = kz_record.bill
    assert not SigningWindow.objects.filter(bill=bill).exists()  # one chamber only so far
    assert bill.status == BillStatus.PASSED_LOWER
    approve(kz_record, D(2025, 12, 18))
    bill.refresh_from_db()
    window = SigningWindow.objects.get(bill=bill)
    # One derivation: the status and the window say the same.
    assert bill.status == BillStatus.AWAITING_SIGNATURE
    assert window.status == SigningWindow.Status.OPEN
    assert window.rule.code == "KZ"
    assert (window.triggered_earliest, window.triggered_latest) == (
        D(2025, 12, 18),
        D(2025, 12, 18),
    )
    assert (window.closes_earliest, window.closes_latest) == (D(2026, 1, 18), D(2026, 1, 28))
    assert window.received_on is None


def test_receipt_gives_one_exact_deadline(kz_record):
    approve(kz_record, D(2025, 12, 18))
    act(kz_record, Classification.EXECUTIVE_RECEIPT, D(2025, 12, 24))
    window = SigningWindow.objects.get(bill=kz_record.bill)
    assert window.received_on == D(2025, 12, 24)
    assert window.closes_earliest == window.closes_latest == D(2026, 1, 24)


@pytest.mark.parametrize(
    ("classification", "status", "bill_status"),
    [
        (Classification.EXECUTIVE_SIGNATURE, SigningWindow.Status.SIGNED, BillStatus.ENACTED),
        (Classification.EXECUTIVE_VETO, SigningWindow.Status.VETOED, BillStatus.VETOED),
        (Classification.BECAME_LAW, SigningWindow.Status.BECAME_LAW, BillStatus.ENACTED),
        (Classification.WITHDRAWAL, SigningWindow.Status.WITHDRAWN, BillStatus.WITHDRAWN),
    ],
)
def test_closing_actions_close_the_window(kz_record, classification, status, bill_status):
    approve(kz_record, D(2025, 12, 18))
    act(kz_record, classification, D(2026, 1, 5))
    window = SigningWindow.objects.get(bill=kz_record.bill)
    assert (window.status, window.closed_on) == (status, D(2026, 1, 5))
    assert kz_record.refresh().bill.status == bill_status


def test_deleting_the_signature_reopens_and_deleting_the_trigger_removes(kz_record):
    bill = kz_record.bill
    approval = approve(kz_record, D(2025, 12, 18))
    signature = act(kz_record, Classification.EXECUTIVE_SIGNATURE, D(2026, 1, 5))
    event_delete(event=signature)
    window = SigningWindow.objects.get(bill=bill)
    assert (window.status, window.closed_on) == (SigningWindow.Status.OPEN, None)
    bill.refresh_from_db()
    assert bill.status == BillStatus.AWAITING_SIGNATURE
    event_delete(event=approval)
    assert not SigningWindow.objects.filter(bill=bill).exists()
    bill.refresh_from_db()
    assert bill.status == BillStatus.PASSED_LOWER


def test_unknown_trigger_date_is_bounded_by_record_and_sources(kz_record):
    """The seeded case: the Senate's approval has no date; the Mäjilis vote (12 Nov 2025) bounds
    it below and the CIVICUS article (2 Jan 2026) that reports it bounds it above."""
    approve(kz_record, None)  # cites an article of 2 January 2026
    window = SigningWindow.objects.get(bill=kz_record.bill)
    assert (window.triggered_earliest, window.triggered_latest) == (D(2025, 11, 12), D(2026, 1, 2))
    assert (window.closes_earliest, window.closes_latest) == (D(2025, 12, 12), D(2026, 2, 12))


def test_unknown_trigger_upper_bound_from_a_later_dated_action(kz_record):
    approve(kz_record, None)  # cites an article of 2 January 2026
    act(kz_record, Classification.EXECUTIVE_RECEIPT, D(2025, 12, 20))
    window = SigningWindow.objects.get(bill=kz_record.bill)
    assert window.triggered_latest == D(2025, 12, 20)
    assert window.closes_earliest == window.closes_latest == D(2026, 1, 20)


def test_month_precision_source_bounds_to_the_end_of_its_month(kz_record):
    december = SourceFactory(published_on=D(2025, 12, 1), published_precision="month")
    act(kz_record, Classification.PASSAGE, None, chamber=kz_record.upper, sources=[december])
    window = SigningWindow.objects.get(bill=kz_record.bill)
    assert window.triggered_latest == D(2025, 12, 31)


def test_internal_actions_do_not_open_windows(kz_record):
    act(
        kz_record,
        Classification.PASSAGE,
        D(2025, 12, 18),
        chamber=kz_record.upper,
        visibility="internal",
    )
    assert not SigningWindow.objects.filter(bill=kz_record.bill).exists()


def test_us_window_opens_on_presentment_not_on_passage(rules):
    bill = make_bill("US", "us-bill")
    upper_passage(bill, D(2025, 12, 10))
    # Awaiting signature, but the US President's ten days run from presentment.
    bill.refresh_from_db()
    assert bill.status == BillStatus.AWAITING_SIGNATURE
    assert not SigningWindow.objects.filter(bill=bill).exists()
    record_act(bill, Classification.EXECUTIVE_RECEIPT, D(2025, 12, 19))
    window = SigningWindow.objects.get(bill=bill)
    assert window.rule.code == "US"
    assert window.received_on == D(2025, 12, 19)
    assert window.closes_earliest == window.closes_latest == D(2025, 12, 31)


def test_a_vetoed_bill_passed_again_opens_a_second_window(kz_record):
    approve(kz_record, D(2025, 12, 18))
    act(kz_record, Classification.EXECUTIVE_VETO, D(2026, 1, 10))
    act(kz_record, Classification.PASSAGE, D(2026, 2, 1), chamber=kz_record.lower)
    act(kz_record, Classification.PASSAGE, D(2026, 2, 20), chamber=kz_record.upper)
    windows = list(SigningWindow.objects.filter(bill=kz_record.bill).order_by("id"))
    assert kz_record.refresh().bill.status == BillStatus.AWAITING_SIGNATURE
    assert [w.status for w in windows] == ["vetoed", "open"]
    assert windows[1].closes_earliest == D(2026, 3, 20)


def test_sync_is_idempotent(kz_record):
    approve(kz_record, D(2025, 12, 18))
    window = SigningWindow.objects.get(bill=kz_record.bill)
    history = window.history.count()
    derived = bill_derive(bill=kz_record.bill)
    assert list(derived.windows.all()) == [window]
    assert derived.windows.get().updated_at == window.updated_at
    assert window.history.count() == history


def test_no_rule_in_force_no_window(rules):
    bill = make_bill("RU", "ru-bill", introduced=D(1989, 12, 1), lower_passed=D(1990, 1, 1))
    upper_passage(bill, D(1990, 2, 1))
    assert not SigningWindow.objects.filter(bill=bill).exists()


def test_a_rule_with_no_recorded_start_covers_any_trigger_date(rules):
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
    kz, us = Jurisdiction.objects.get(code="KZ"), Jurisdiction.objects.get(code="US-CA")
    evening_utc = datetime.datetime(2026, 1, 17, 20, 0, tzinfo=datetime.UTC)
    assert kz.today(now=evening_utc) == D(2026, 1, 18)  # Almaty, UTC+5
    early_utc = datetime.datetime(2026, 1, 18, 3, 0, tzinfo=datetime.UTC)
    assert us.today(now=early_utc) == D(2026, 1, 17)  # Los Angeles, UTC-8


def test_the_rule_in_force_is_the_latest_to_start_of_those_whose_dates_include_the_day():
    from bills.rules import choose_rule_in_force

    def rule(pk: int, start: D | None, end: D | None = None) -> SigningRule:
        return SigningRule(pk=pk, in_force_from=start, in_force_until=end)

    undated, old = rule(1, None), rule(2, D(1995, 1, 1), D(2019, 12, 31))
    new = rule(3, D(2020, 1, 1))
    rules = [new, undated, old]
    assert choose_rule_in_force(rules, on=D(2024, 6, 1)) is new
    assert choose_rule_in_force(rules, on=D(2019, 12, 31)) is old
    assert choose_rule_in_force(rules, on=D(1990, 1, 1)) is undated
    assert choose_rule_in_force([old], on=D(2020, 1, 1)) is None
    twin = rule(4, D(2020, 1, 1))
    assert choose_rule_in_force([twin, new], on=D(2024, 6, 1)) is new  # the lowest id of a tie
