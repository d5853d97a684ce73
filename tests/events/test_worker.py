"""End to end with the real services: PostgreSQL, Redis and two real Celery worker processes.

A window crossing a threshold yields exactly one Alert and one mail per confirmed subscriber,
whether the scan runs once, twice in a row, or twice at once on two workers.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from events.models import Alert, Delivery
from events.tasks import scan_deadlines
from tests.bills.factories import SigningWindowFactory
from tests.events.fixtures import rules, subscribe

__all__ = ["rules"]  # fixtures

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
WAIT = 90  # seconds: worker start-up plus the tasks


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def workers(tmp_path):
    """Two solo workers on a queue of this test's own, writing mail files into tmp_path."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if k not in ("EMAIL_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings.local",
        DATABASE_URL=_database_url(),
        DATABASE_CONN_MAX_AGE="0",
        CELERY_QUEUE=queue,
        TRACKER_VAR_DIR=str(tmp_path / "var"),
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
    )
    (tmp_path / "mail").mkdir()
    processes, logs = [], []
    for n in range(2):
        log = tmp_path / f"worker{n}.log"
        logs.append(log)
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "tracker",
                    "worker",
                    "--pool=solo",
                    "-Q",
                    queue,
                    "-n",
                    f"w{n}-{queue}@%h",
                    "--loglevel=INFO",
                ],
                env=env,
                cwd=settings.BASE_DIR,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
        )
    yield queue, tmp_path / "mail", logs
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(what: str, check, logs: list[Path]) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        if time.monotonic() > deadline:
            tail = "\n".join(log.read_text()[-2000:] for log in logs)
            pytest.fail(f"Timed out after {WAIT}s waiting for {what}. Worker logs:\n{tail}")
        time.sleep(0.2)


def _count(logs: list[Path], pattern: str) -> int:
    return sum(len(re.findall(pattern, log.read_text())) for log in logs)


def _mails(folder: Path) -> list[str]:
    text = "".join(path.read_text() for path in sorted(folder.glob("*")))
    return re.findall(r"^Message-ID: (<[^>]+>)$", text, flags=re.M)


def test_real_workers_raise_one_alert_and_one_mail_per_subscriber(rules, workers):
    queue, mail_dir, logs = workers
    ru = rules["RU"].jurisdiction
    # RU: up to 5 days to the President, then 14 days. Closes earliest in 3 days from today.
    # A Russian bill passed by both houses (through the services), the upper house's approval
    # opening the window.
    today = ru.today()
    window = SigningWindowFactory(
        rule=rules["RU"], approved_on=today + datetime.timedelta(days=3 - 14)
    )
    bill = window.bill
    assert window.closes_earliest == today + datetime.timedelta(days=3)
    subscribe("first@example.org", bill=bill)
    subscribe("second@example.org", jurisdiction=ru, language="ru")
    subscribe("pending@example.org", bill=bill, status="pending")

    # Twice at once (two workers), then twice more in a row.
    for _ in range(2):
        scan_deadlines.apply_async(queue=queue)
    _wait_for("two scans", lambda: _count(logs, r"scan_deadlines\[[^\]]+\] succeeded") >= 2, logs)
    for _ in range(2):
        scan_deadlines.apply_async(queue=queue)
        _wait_for(
            "the next scan",
            lambda n=_: _count(logs, r"scan_deadlines\[[^\]]+\] succeeded") >= 3 + n,
            logs,
        )
    _wait_for(
        "both mails sent",
        lambda: Delivery.objects.filter(status="sent").count() >= 2 and len(_mails(mail_dir)) >= 2,
        logs,
    )
    alerts = Alert.objects.filter(window=window)
    assert [(a.kind, a.threshold_days) for a in alerts] == [("window-threshold", 3)]
    deliveries = Delivery.objects.filter(alert__window=window)
    assert deliveries.count() == 2
    assert set(deliveries.values_list("status", flat=True)) == {"sent"}
    mails = _mails(mail_dir)
    assert sorted(mails) == sorted(d.message_id for d in deliveries)
    sent = sum(
        int(n)
        for log in logs
        for n in re.findall(
            r"send_deliveries\[[^\]]+\] succeeded in [^:]+: \{'sent': (\d+)", log.read_text()
        )
    )
    assert sent == 2
    # Ids only travel through Redis and the logs: no address in the workers' output.
    assert _count(logs, r"@example\.org") == 0
