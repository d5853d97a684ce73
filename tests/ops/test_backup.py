"""export_record / import_record: a round trip gives the same record; internal events only with
the flag; an import into a non-empty database, or of a bad file, changes nothing and exits
non-zero with the reason."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bills import services
from bills.backup import RECORD_MODELS, VERSION, record_counts
from bills.models import Bill, Jurisdiction
from tests.events.factories import SubscriptionFactory
from tests.ops.records import INTERNAL_TEXT, MEMBER, SLUG, build_record

pytestmark = pytest.mark.django_db


def _wipe() -> None:
    for model in reversed(RECORD_MODELS):
        model._default_manager.all().delete()
    assert not any(record_counts().values())


def _export(*args: str) -> dict:
    out = StringIO()
    call_command("export_record", *args, stdout=out)
    return json.loads(out.getvalue())


def _comparable(data: dict) -> list:
    return [{"model": r["model"], "pk": r["pk"], "fields": r["fields"]} for r in data["objects"]]


def test_round_trip_restores_the_same_record(tmp_path: Path):
    record = build_record()
    before_counts = record_counts()
    path = tmp_path / "record.json"
    call_command("export_record", "--include-internal", "--output", str(path), stderr=StringIO())
    before = json.loads(path.read_text())
    assert before["version"] == VERSION == 2
    _wipe()

    out = StringIO()
    call_command("import_record", str(path), stdout=out)
    assert "Imported" in out.getvalue()
    assert record_counts() == before_counts
    assert _comparable(_export("--include-internal")) == _comparable(before)
    # Relations survived, and new rows get fresh primary keys (sequences moved past the import).
    bill = Bill.objects.get(slug=SLUG)
    assert set(bill.subjects.values_list("slug", flat=True)) == {record.subject.slug}
    assert bill.sources.count() == 2
    assert bill.events.get(order=record.passage.order).vote.member_votes.get().member_name == (
        MEMBER
    )
    assert bill.windows.get().rule.steps.count() == 2
    new_subject, _ = services.subject_upsert(slug="new", name="New")
    assert new_subject.pk > max(
        row["pk"] for row in before["objects"] if row["model"] == "bills.subject"
    )


def test_internal_events_are_exported_only_with_the_flag():
    build_record()
    public = _export()
    assert public["include_internal"] is False
    text = json.dumps(public, ensure_ascii=False)
    assert INTERNAL_TEXT not in text
    # Introduction, the Mäjilis passage, the statement and the Senate's approval; then the
    # internal note too. (The timeline is part of the record app since version 2: bills.event.)
    assert public["counts"]["bills.event"] == 4
    full = _export("--include-internal")
    assert INTERNAL_TEXT in json.dumps(full, ensure_ascii=False)
    assert full["counts"]["bills.event"] == 5


def test_subscribers_are_never_exported():
    build_record()
    SubscriptionFactory(
        email="activist@example.org", bill=None, jurisdiction=Jurisdiction.objects.get(code="KZ")
    )
    text = json.dumps(_export("--include-internal"))
    assert "activist@example.org" not in text
    assert "events.subscription" not in text


def test_import_refuses_a_database_that_is_not_empty(tmp_path: Path):
    build_record()
    path = tmp_path / "record.json"
    call_command("export_record", "--output", str(path), stderr=StringIO())
    before = record_counts()
    with pytest.raises(CommandError, match="not empty"):
        call_command("import_record", str(path))
    assert record_counts() == before


@pytest.mark.parametrize(
    "content,reason",
    [
        ("not json", "not JSON"),
        ('{"format": "something-else"}', "not a record export"),
        ('{"format": "bill-tracker-record", "version": 99, "objects": []}', "version"),
        # Version 1 predates the timeline's move into the record app (events.event, vote.bill).
        ('{"format": "bill-tracker-record", "version": 1, "objects": []}', "version 1 files"),
        (
            f'{{"format": "bill-tracker-record", "version": {VERSION}, "objects": '
            '[{"model": "auth.user", "pk": 1, "fields": {"username": "x"}}]}',
            "not part of the record",
        ),
    ],
)
def test_a_bad_file_is_refused_with_the_reason(tmp_path: Path, content: str, reason: str):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=reason):
        call_command("import_record", str(path))
    assert not any(record_counts().values())


def test_a_half_bad_file_writes_nothing(tmp_path: Path):
    build_record()
    data = _export()
    _wipe()
    # The last row is broken: a window whose rule does not exist. Everything before it is valid.
    broken = dict(data["objects"][-1])
    assert broken["model"] == "bills.signingwindow"
    broken["fields"] = dict(broken["fields"], rule=999_999)
    data["objects"][-1] = broken
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_record", str(path))
    assert not any(record_counts().values())


def test_a_file_whose_windows_disagree_with_its_timelines_is_refused(tmp_path: Path):
    build_record()
    data = _export()
    _wipe()
    window = next(row for row in data["objects"] if row["model"] == "bills.signingwindow")
    window["fields"]["closes_latest"] = "2099-01-01"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="not what the timelines give"):
        call_command("import_record", str(path))
    assert not any(record_counts().values())


def test_missing_file_exits_with_a_clear_error(tmp_path: Path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_record", str(tmp_path / "nope.json"))


def test_dry_run_checks_the_file_and_writes_nothing(tmp_path: Path):
    build_record()
    path = tmp_path / "record.json"
    call_command("export_record", "--output", str(path), stderr=StringIO())
    _wipe()
    out = StringIO()
    call_command("import_record", str(path), "--dry-run", stdout=out)
    assert "dry run" in out.getvalue() and "1 bills.bill" in out.getvalue()
    assert not any(record_counts().values())
