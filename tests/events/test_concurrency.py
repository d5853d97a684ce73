"""Two deadline scans at once on PostgreSQL: the unique constraints, not timing, keep each alert
and each delivery single."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from bills.models import BillStatus
from events.alerts import deadlines_scan
from events.models import Alert, Delivery
from tests.events.fixtures import D, subscribe
from tests.record import KzRecord, bill_at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks between concurrent transactions need PostgreSQL (CI's second pass)",
    ),
]
WAIT = 30  # seconds, for a bounded wait on the other transaction


def _windows(record: KzRecord, count: int) -> None:
    """`count` Kazakh bills approved by both houses on 18 Dec 2025, each with a subscriber."""
    for n in range(count):
        bill = bill_at(
            record, BillStatus.AWAITING_SIGNATURE, slug=f"conc-{n}", acted_on=D(2025, 12, 18)
        )
        subscribe(f"reader{n}@example.org", bill=bill)


def _waiting_on_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def test_a_scan_blocked_behind_another_raises_nothing_twice(kz_record):
    """Scan A has inserted its alerts but not committed; scan B starts, must wait on A's rows,
    and after A commits inserts nothing."""
    _windows(kz_record, 20)
    a_scanned, a_may_commit = threading.Event(), threading.Event()
    results: dict[str, object] = {}
    b_pid: list[int] = []

    def scan_a() -> None:
        try:
            with transaction.atomic():
                results["a"] = deadlines_scan(as_of=D(2026, 1, 15))
                a_scanned.set()
                a_may_commit.wait(WAIT)
        finally:
            connections.close_all()

    def scan_b() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                b_pid.append(cursor.fetchone()[0])
            results["b"] = deadlines_scan(as_of=D(2026, 1, 15))
        finally:
            connections.close_all()

    thread_a = threading.Thread(target=scan_a)
    thread_a.start()
    assert a_scanned.wait(WAIT), "scan A did not finish its inserts"
    thread_b = threading.Thread(target=scan_b)
    thread_b.start()
    deadline = time.monotonic() + WAIT
    while not (b_pid and _waiting_on_lock(b_pid[0])):
        assert time.monotonic() < deadline, "scan B never waited on scan A's uncommitted alerts"
        time.sleep(0.05)
    a_may_commit.set()
    thread_a.join(WAIT)
    thread_b.join(WAIT)
    assert not thread_a.is_alive() and not thread_b.is_alive()
    assert (results["a"].alerts, results["a"].deliveries) == (20, 20)
    assert (results["b"].alerts, results["b"].deliveries) == (0, 0)
    assert Alert.objects.filter(kind="window-threshold").count() == 20
    assert Delivery.objects.filter(alert__kind="window-threshold").count() == 20


def test_many_scans_at_once_raise_each_alert_once(kz_record):
    _windows(kz_record, 20)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            start.wait(WAIT)
            deadlines_scan(as_of=D(2026, 1, 15))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert errors == []
    assert Alert.objects.filter(kind="window-threshold").count() == 20
    assert Delivery.objects.filter(alert__kind="window-threshold").count() == 20
