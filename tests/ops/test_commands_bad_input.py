"""Every management command, given bad input, stops with one line saying what was wrong
(a CommandError: `manage.py` prints it alone and exits 1), never a traceback; and writes
nothing."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from bills.models import Bill, Source
from events.models import Alert
from tests.record import kz_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    # Approved 25 days ago: the President's window is open, its thresholds near.
    return kz_record(senate_approved=dt.date.today() - dt.timedelta(days=25))


def _one_line_error(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=StringIO(), stderr=StringIO())
    message = str(raised.value)
    assert message and "\n" not in message and "Traceback" not in message
    return message


def test_export_to_a_path_that_cannot_be_written(record, tmp_path):
    message = _one_line_error("export_record", "--output", str(tmp_path / "no" / "such" / "x.json"))
    assert "cannot write" in message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("KZ", "9999-12-31"), "after the year 9999"),
        (("KZ", "2025-02-30"), "not a date"),
        (("KZ", "2025-11-12", "--receipt", "yesterday"), "not a date"),
        (("XX", "2025-11-12"), "Unknown rule code"),
    ],
)
def test_signing_window_with_impossible_dates(record, args, expected):
    assert expected in _one_line_error("signing_window", *args)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("9999-12-31", "too far in the future"), ("2025-13-01", "not a date")],
)
def test_scan_deadlines_with_impossible_days(record, as_of, expected):
    assert expected in _one_line_error("scan_deadlines", "--as-of", as_of)
    # (The approval's own 'new action' alert was raised when it was recorded.)
    assert not Alert.objects.exclude(kind=Alert.Kind.NEW_ACTION).exists()


def test_load_seeds_with_an_impossible_date_writes_nothing(db, tmp_path):
    seed = tmp_path / "ours.yaml"
    seed.write_text(
        "sources:\n  a: {url: 'https://example.org/a', publisher: P, title: T, "
        "published_on: 2025-02-30}\n",
        encoding="utf-8",
    )
    assert "impossible date" in _one_line_error("load_seeds", str(seed))
    assert not Bill.objects.exists() and not Source.objects.exists()


@pytest.mark.parametrize("name", ["missing.yaml", "empty-folder"])
def test_load_seeds_with_a_path_that_is_not_there(db, tmp_path, name):
    (tmp_path / "empty-folder").mkdir()
    assert str(tmp_path / name) in _one_line_error("load_seeds", str(tmp_path / name))
    assert not Bill.objects.exists()


def test_load_seeds_with_an_unreadable_file(db, tmp_path):
    seed = tmp_path / "binary.yaml"
    seed.write_bytes(b"\xff\xfe\x00garbage")
    assert "cannot read seed file" in _one_line_error("load_seeds", str(seed))


@pytest.mark.parametrize("content", [None, b"not json", b"\xff\xfe"])
def test_import_record_with_a_bad_file(db, tmp_path, content):
    path = tmp_path / "record.json"
    if content is not None:
        path.write_bytes(content)
    assert str(path) in _one_line_error("import_record", str(path))
    assert not Bill.objects.exists()


def test_totp_enroll_for_nobody(db):
    assert "no user named" in _one_line_error("totp_enroll", "nobody")
    get_user_model().objects.create_user("reader", password="x" * 20)
    assert "not staff" in _one_line_error("totp_enroll", "reader")


@pytest.mark.parametrize("addrport", ["busy", "not:a:port"])
def test_up_refuses_a_busy_or_bad_address_before_starting_anything(db, addrport):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        target = f"127.0.0.1:{port}" if addrport == "busy" else addrport
        message = _one_line_error("up", target)
    assert ("cannot serve" in message) if addrport == "busy" else ("not a port" in message)
    assert not Bill.objects.exists()  # refused before migrating, seeding or the worker


def test_manage_py_prints_one_line_and_exits_non_zero(tmp_path):
    # The real entry point, in a process of its own: exit status 1, one line, no traceback.
    result = subprocess.run(
        [sys.executable, "manage.py", "signing_window", "KZ", "2025-02-30"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "TRACKER_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "not a date" in result.stderr


def test_scan_deadlines_lists_each_alert_it_raised_once(record, caplog):
    out = StringIO()
    caplog.set_level("INFO")
    call_command("scan_deadlines", stdout=out)
    lines = out.getvalue().splitlines()
    raised = list(Alert.objects.filter(kind=Alert.Kind.WINDOW_THRESHOLD))
    assert raised, "the window is 5 days from its earliest close: a threshold is crossed"
    assert sum("Deadline scan as of" in line for line in lines) == 1
    for alert in raised:
        mentions = [line for line in lines if f"{alert.threshold_days} days before" in line]
        assert len(mentions) == 1 and record.bill.slug in mentions[0]
        assert str(alert.window.closes_earliest) in mentions[0]
    # The command prints its report; it does not log it a second time.
    assert "Deadline scan as of" not in caplog.text


def test_load_seeds_takes_an_organisations_own_folder(db, tmp_path):
    shipped = Path(settings.BASE_DIR) / "seeds"
    folder = tmp_path / "ours"
    folder.mkdir()
    # The shipped record, copied under another name: loaded once, nothing changes twice.
    (folder / "copy.yaml").write_text((shipped / "kazakhstan.yaml").read_text("utf-8"), "utf-8")
    call_command("load_seeds", stdout=StringIO())
    shipped_bills = Bill.objects.count()
    out = StringIO()
    call_command("load_seeds", str(folder), stdout=out)
    assert Bill.objects.count() == shipped_bills
    assert "nothing changed" in out.getvalue()
    out = StringIO()
    call_command("load_seeds", str(folder), stdout=out)
    assert "nothing changed" in out.getvalue()


def test_a_dry_run_scan_lists_what_it_would_raise_and_writes_nothing(record):
    out = StringIO()
    call_command("scan_deadlines", "--dry-run", stdout=out)
    assert "Dry run, nothing written" in out.getvalue()
    assert f"{record.bill.slug}: " in out.getvalue()
    assert not Alert.objects.exclude(kind=Alert.Kind.NEW_ACTION).exists()
