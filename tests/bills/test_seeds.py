"""load_seeds: the Kazakhstan bill from the two articles and the law family's other cases, each
from the sources logged beside it, loaded idempotently."""

import datetime
import shutil
from io import StringIO

import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError, call_command

from bills.models import Bill, BillStatus, Classification, DatePrecision, Event, Source, Vote
from bills.seeds import SEEDS_DIR

pytestmark = pytest.mark.django_db

RECORD_APPS = ("bills", "events")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in RECORD_APPS
        for model in apps.get_app_config(app).get_models()
    }


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_seeds", *args, stdout=out)
    return out.getvalue()


def test_running_twice_leaves_the_same_rows_and_says_so():
    first = load()
    counts = row_counts()
    assert "Seeds loaded" in first
    second = load()
    assert row_counts() == counts
    assert "Seeds already loaded: nothing changed." in second
    assert " 0 created, 0 updated" in second


def test_dry_run_writes_nothing():
    out = load("--dry-run")
    assert "Dry run" in out and "nothing written" in out
    assert not Bill.objects.exists() and not Source.objects.exists()


def test_the_kazakhstan_record():
    load()
    bill = Bill.objects.get(slug="kz-lgbt-propaganda-ban")
    assert bill.jurisdiction.code == "KZ"
    assert bill.jurisdiction.timezone == "Asia/Almaty"
    assert bill.identifier == ""  # no number in the sources
    assert "non-traditional sexual orientation" in bill.title
    assert "30 December 2025" in bill.summary
    # Derived, not typed in: the Senate's approval opened the President's window, and his
    # signature closed it.
    assert bill.status == BillStatus.ENACTED
    window = bill.windows.get()
    assert (window.triggered_earliest, window.status, window.closed_on) == (
        datetime.date(2025, 12, 18),
        "signed",
        datetime.date(2025, 12, 30),
    )
    assert (window.closes_earliest, window.closes_latest) == (
        datetime.date(2026, 1, 18),
        datetime.date(2026, 1, 28),
    )
    assert bill.introduced_on is None  # no introduction date in the sources
    chambers = {c.classification: c for c in bill.jurisdiction.chambers.all()}
    assert chambers["lower"].name_kk == "Мәжіліс" and chambers["lower"].seats is None

    vote = Vote.objects.get(action__bill=bill)
    # The vote's chamber and date are its action's (stored once).
    assert vote.action.chamber.classification == "lower"
    assert vote.action.date == datetime.date(2025, 11, 12)
    assert vote.unanimous and vote.result == Vote.Result.PASS
    assert vote.yes_count is None and vote.no_count is None
    assert vote.action.classification == Classification.PASSAGE

    senate = Event.objects.get(bill=bill, chamber=chambers["upper"])
    assert senate.classification == Classification.PASSAGE
    assert senate.date == datetime.date(2025, 12, 18)
    assert senate.date_precision == DatePrecision.DAY
    assert set(senate.sources.values_list("publisher", flat=True)) == {
        "CIVICUS",
        "Zakon.kz",
        "BAQ.KZ",
    }
    signature = Event.objects.get(bill=bill, classification=Classification.EXECUTIVE_SIGNATURE)
    assert signature.date == datetime.date(2025, 12, 30)
    assert set(signature.sources.values_list("publisher", flat=True)) == {"TASS", "Zakon.kz"}
    assert not Vote.objects.filter(action=senate).exists()  # no vote counts in the sources
    assert senate.order > vote.action.order

    # Every event cites at least one source.
    for event in bill.events.all():
        assert event.sources.exists(), event
    gay_express = Source.objects.get(publisher="Gay Express")
    assert gay_express.url == "https://gayexpress.co.nz/?p=114399"
    assert gay_express.title == "" and gay_express.published_precision == DatePrecision.UNKNOWN
    assert "114399" in gay_express.note
    civicus = Source.objects.get(publisher="CIVICUS")
    assert civicus.published_on == datetime.date(2026, 1, 2)
    assert "South Africa Spectator" in civicus.note


def _date_range(event: Event) -> tuple[datetime.date, datetime.date]:
    """The days an event's date may stand for: one day, or a whole month."""
    if event.date_precision == DatePrecision.MONTH:
        next_month = (event.date.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return event.date, next_month - datetime.timedelta(days=1)
    return event.date, event.date


def test_timeline_order_agrees_with_known_dates():
    load()
    for bill in Bill.objects.all():
        events = bill.events.order_by("order")
        dated = [(_date_range(e), e) for e in events if e.date is not None]
        # No later entry can only have happened before an earlier one.
        for i, ((earliest, _), event) in enumerate(dated):
            for (_, latest), later in dated[i + 1 :]:
                assert earliest <= latest, (bill.slug, event.order, later.order)


def test_detained_activists_are_not_named():
    text = (SEEDS_DIR / "kazakhstan.yaml").read_text(encoding="utf-8")
    for name in ("Agishev", "Turynkhan"):
        assert name not in text


def test_bad_seed_data_exits_non_zero_and_writes_nothing(tmp_path, monkeypatch):
    data = yaml.safe_load((SEEDS_DIR / "kazakhstan.yaml").read_text(encoding="utf-8"))
    # A month-precision date that is not the first of the month, late in the file.
    data["bills"][0]["events"][-1]["date_precision"] = "month"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    shutil.copy(SEEDS_DIR / "families.yaml", tmp_path)  # the family the bill belongs to
    monkeypatch.setattr("bills.seeds.SEEDS_DIR", tmp_path)
    with pytest.raises(CommandError) as excinfo:
        load()
    message = str(excinfo.value)
    assert "nothing written" in message
    assert "events[order=11]" in message and "first day of its month" in message
    assert not Bill.objects.exists() and not Source.objects.exists()


def test_unknown_source_key_is_reported(tmp_path, monkeypatch):
    data = yaml.safe_load((SEEDS_DIR / "kazakhstan.yaml").read_text(encoding="utf-8"))
    data["bills"][0]["events"][0]["sources"] = ["nowhere"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    shutil.copy(SEEDS_DIR / "families.yaml", tmp_path)  # the family the bill belongs to
    monkeypatch.setattr("bills.seeds.SEEDS_DIR", tmp_path)
    with pytest.raises(CommandError, match="unknown source key"):
        load()
    assert not Event.objects.exists()
