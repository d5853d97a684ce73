"""Fault injection into the real processes of the stack (tests/faults/stack.py): kill -9 a worker
mid fan-out, stop Redis, restart PostgreSQL mid scan, deliver the same task twice. Each test
prints what it injected and what it counted; the database is the source of truth throughout.

Where recovery would take wall-clock minutes (a delivery's 10-minute lease, the sweeper's
2-minute grace), the test moves the outbox rows' timestamps back instead of waiting: the same
state the sweeper would see minutes later.
"""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings

from tests.faults.stack import ROOT, Stack, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.timeout(300)]

SENT = "SELECT count(*) FROM events_delivery WHERE status = 'sent'"
ALL_DELIVERIES = "SELECT count(*) FROM events_delivery"
ALERTS = "SELECT count(*) FROM events_alert WHERE kind <> 'new-action'"


def _setup(stack: Stack, *, bills: int, per_bill: int, per_jurisdiction: int = 0, approve=True):
    code = (
        "from tests.faults import scenario as s\n"
        f"s.bills_create({bills})\n"
        + ("s.bills_approve(days_ago=25)\n" if approve else "")
        + f"s.subscribers_create(per_bill={per_bill}, per_jurisdiction={per_jurisdiction})\n"
    )
    stack.python(code)


def _task_name(message: bytes) -> str:
    return json.loads(message)["headers"]["task"]


def _expected_message_ids(stack: Stack) -> set[str]:
    return {message_id for (message_id,) in stack.sql("SELECT message_id FROM events_delivery")}


def _received(stack: Stack) -> Counter:
    return Counter(str(message["Message-ID"]) for message in stack.mail.snapshot())


def _fast_forward_outbox(stack: Stack, minutes: int) -> int:
    """Age the pending deliveries by `minutes`: expired leases and past grace, as later on."""
    rows = stack.sql(
        "UPDATE events_delivery SET created_at = created_at - make_interval(mins => %s), "
        "next_attempt_at = next_attempt_at - make_interval(mins => %s) "
        "WHERE status = 'pending' RETURNING id",
        minutes,
        minutes,
    )
    return len(rows)


def _wait_nothing_unacked(stack: Stack) -> None:
    import redis

    broker = redis.Redis(port=stack.redis.port)
    wait_for(
        "the queued tasks to finish",
        lambda: stack.queue_length() == 0 and broker.hlen("unacked") == 0,
    )


def _wait_idle(stack: Stack, timeout: float = 60) -> None:
    """Until the queue is empty and the sent count stops moving for two polls."""
    last = [-1]

    def idle() -> bool:
        sent = stack.scalar(SENT)
        settled = stack.queue_length() == 0 and sent == last[0]
        last[0] = sent
        if not settled:
            time.sleep(0.5)
        return settled

    wait_for("the workers to go idle", idle, timeout=timeout)


def _wait_all_sent(stack: Stack, expected: int, timeout: float = 90) -> None:
    wait_for(
        f"{expected} deliveries sent (at {stack.scalar(SENT)})",
        lambda: stack.scalar(SENT) == expected and len(stack.mail.snapshot()) >= expected,
        timeout=timeout,
    )


def test_kill_minus_9_worker_mid_fan_out_of_1000_mails(make_stack, report):
    stack = make_stack(workers=1, concurrency=4, beat=False, web=False)
    _setup(stack, bills=1, per_bill=1000)
    stack.publish("events.tasks.scan_deadlines")
    wait_for("a third of the fan-out sent", lambda: stack.scalar(SENT) >= 300, timeout=90)
    killed_pid = stack.kill("worker1", signal.SIGKILL)
    sent_at_kill = stack.scalar(SENT)
    mails_at_kill = len(stack.mail.snapshot())
    in_flight = stack.scalar(
        "SELECT count(*) FROM events_delivery WHERE status = 'pending' AND attempts > 0"
    )
    stack.start_worker("worker2")
    _wait_idle(stack)
    # The dead worker's claimed deliveries keep a 10-minute lease, and its unacknowledged
    # messages sit in Redis until the visibility timeout: the sweeper recovers both.
    aged = _fast_forward_outbox(stack, minutes=11)
    stack.publish("events.tasks.sweep_outbox")
    _wait_all_sent(stack, 1000)
    _wait_idle(stack)

    received = _received(stack)
    duplicates = sum(n - 1 for n in received.values())
    report(
        "kill -9 worker mid fan-out",
        killed_pid=killed_pid,
        sent_at_kill=sent_at_kill,
        mails_at_kill=mails_at_kill,
        claimed_in_flight=in_flight,
        mails_in_flight_bound=stack.concurrency,
        recovered_by_sweeper=aged,
        alerts=stack.scalar(ALERTS),
        deliveries=stack.scalar(ALL_DELIVERIES),
        sent=stack.scalar(SENT),
        mails=sum(received.values()),
        distinct_message_ids=len(received),
        duplicate_mails=duplicates,
    )
    assert 300 <= sent_at_kill < 1000, "the kill did not land mid fan-out"
    assert stack.scalar(ALERTS) == 1
    assert stack.scalar(ALL_DELIVERIES) == 1000
    assert stack.scalar(SENT) == 1000
    assert set(received) == _expected_message_ids(stack)
    # Deliveries go out in batches (settings.DELIVERY_BATCH_SIZE): the dead worker held up to a
    # batch per pool slot claimed, all recovered by the sweeper. A mail handed to SMTP but not yet
    # marked sent is the one case the outbox can repeat (with the same Message-ID, so mail
    # systems drop it): at most one mail in flight per pool slot, whatever the batch size.
    assert in_flight <= stack.concurrency * settings.DELIVERY_BATCH_SIZE  # the stack's default
    assert duplicates <= min(in_flight, stack.concurrency)


def test_redis_down_while_windows_cross_thresholds(make_stack, report):
    stack = make_stack(workers=1, concurrency=4, beat=True, web=True)
    _setup(stack, bills=5, per_bill=20, per_jurisdiction=10, approve=False)
    # The setup's writes queued a rebuild of the bulk files: let it finish first. A worker that
    # holds an unacknowledged message when Redis goes away exits in kombu's restore (kombu's
    # redis transport; compose restarts it, the fault stack does not).
    _wait_nothing_unacked(stack)
    stack.redis.stop()
    outage_started = time.monotonic()
    # During the outage the Senate approves all five bills (recorded through the services, as
    # the admin would): each opens a window already past a threshold and raises a 'new action'
    # alert whose publish is lost with Redis.
    stack.python("from tests.faults import scenario as s; s.bills_approve(days_ago=25)")
    pages = ["/", "/bills/", "/bills/fault-bill-0/", "/feeds/changes.atom", "/privacy/"]
    statuses = [stack.get(page)[0] for page in pages for _ in range(2)]
    beat_alive = stack.services["beat"].alive()
    # The container health check (docker-compose.yml) stays green: no restart loop in an outage.
    health = subprocess.run(
        [sys.executable, "-m", "tracker.healthcheck", f"http://127.0.0.1:{stack.web_port}/healthz"],
        cwd=ROOT,
        env=stack.env(),
        capture_output=True,
        timeout=30,
    ).returncode
    outage = time.monotonic() - outage_started
    stack.redis.start()  # a fresh, empty Redis: every message published before is gone
    # The next beat ticks, twice over (a repeated tick must not raise anything twice).
    stack.publish("events.tasks.scan_deadlines", copies=2)
    wait_for("the threshold alerts", lambda: stack.scalar(ALERTS) == 5, timeout=60)
    _wait_idle(stack)
    aged = _fast_forward_outbox(stack, minutes=3)
    stack.publish("events.tasks.sweep_outbox", copies=2)
    # Per bill: the 'new action' and the threshold alert, each to 20 bill + 10 jurisdiction
    # subscribers.
    expected = 5 * 2 * (20 + 10)
    _wait_all_sent(stack, expected)
    _wait_idle(stack)

    received = _received(stack)
    report(
        "redis down",
        outage_seconds=round(outage, 1),
        web_statuses_during_outage=dict(Counter(statuses)),
        health_check_exit=health,
        beat_survived=beat_alive and stack.services["beat"].alive(),
        alerts=stack.scalar(
            "SELECT count(*) FROM events_alert WHERE created_at > now() - interval '10 minutes'"
        ),
        threshold_alerts=stack.scalar(ALERTS),
        deliveries=stack.scalar(ALL_DELIVERIES),
        lost_publishes_swept=aged,
        mails=sum(received.values()),
        distinct_message_ids=len(received),
    )
    assert statuses == [200] * len(statuses)
    assert health == 0
    assert beat_alive and stack.services["beat"].alive()
    assert stack.scalar(ALERTS) == 5
    assert stack.scalar(ALL_DELIVERIES) == expected
    assert sum(received.values()) == expected == len(received)
    assert set(received) == _expected_message_ids(stack)


def test_postgres_restart_during_a_scan(make_stack, private_postgres, report):
    stack = make_stack(workers=1, concurrency=2, beat=False, web=False)
    _setup(stack, bills=3, per_bill=20)
    # The setup's writes queued a rebuild of the bulk files, which reads the windows too: let it
    # finish, so that the one waiting on the lock below is the scan.
    _wait_nothing_unacked(stack)
    # Hold the windows table so that the scan is certainly in progress (waiting on its first
    # query) when PostgreSQL restarts under it.
    import psycopg

    blocker = psycopg.connect(stack.database_url)
    blocker.execute("LOCK TABLE bills_signingwindow IN ACCESS EXCLUSIVE MODE")
    stack.publish("events.tasks.scan_deadlines")
    wait_for(
        "the scan to wait on the locked table",
        lambda: stack.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            stack.database,
        ),
        timeout=60,
    )
    started = time.monotonic()
    private_postgres.restart()  # our own cluster only; the shared server is never touched
    restart_seconds = time.monotonic() - started
    blocker.close()
    wait_for("the threshold alerts after the retry", lambda: stack.scalar(ALERTS) == 3, timeout=90)
    _wait_all_sent(stack, 60)
    _wait_idle(stack)

    received = _received(stack)
    retries = sum(
        "scan_deadlines" in line and "Retry in" in line
        for line in stack.log("worker1").splitlines()
    )
    report(
        "postgres restart mid scan",
        restart_seconds=round(restart_seconds, 1),
        scan_retries=retries,
        threshold_alerts=stack.scalar(ALERTS),
        deliveries=stack.scalar(ALL_DELIVERIES),
        mails=sum(received.values()),
        distinct_message_ids=len(received),
    )
    assert retries >= 1, "the scan did not fail and retry"
    assert stack.scalar(ALERTS) == 3
    assert stack.scalar(ALL_DELIVERIES) == 60
    assert sum(received.values()) == 60 == len(received)


def test_the_same_tasks_delivered_twice(make_stack, report):
    stack = make_stack(workers=0, beat=False, web=False)
    _setup(stack, bills=1, per_bill=30)
    # With no worker running: one scan message, and (from a scan run here) one send message per
    # batch of deliveries; then every message in the queue is pushed a second time, byte for
    # byte, as a broker redelivery would.
    stack.publish("events.tasks.scan_deadlines")
    stack.python("from events.alerts import deadlines_scan; deadlines_scan()")
    import redis

    broker = redis.Redis(port=stack.redis.port)
    queued_before = broker.lrange(stack.queue, 0, -1)
    # The alerts' messages (the record written above also queued a rebuild of the bulk files).
    messages = [m for m in queued_before if _task_name(m).startswith("events.")]
    # Tasks carry ids only: no subscriber's address ever sits in Redis.
    for message in queued_before:
        envelope = json.loads(message)
        body = (
            base64.b64decode(envelope["body"])
            if envelope["properties"].get("body_encoding") == "base64"
            else envelope["body"].encode()
        )
        assert b"@example.org" not in body and b"@example.org" not in message
    for message in queued_before:
        broker.lpush(stack.queue, message)
    queued = stack.queue_length()
    stack.start_worker("worker1")
    stack.start_worker("worker2")
    _wait_all_sent(stack, 30)
    _wait_idle(stack)

    received = _received(stack)
    report(
        "same task delivered twice",
        messages_duplicated=len(messages),
        queued=queued,
        threshold_alerts=stack.scalar(ALERTS),
        deliveries=stack.scalar(ALL_DELIVERIES),
        mails=sum(received.values()),
        distinct_message_ids=len(received),
    )
    # One scan, and the 30 deliveries in one batch message (settings.DELIVERY_BATCH_SIZE).
    batches = -(-30 // settings.DELIVERY_BATCH_SIZE)
    assert queued == 2 * len(queued_before) and len(messages) == 1 + batches
    assert stack.scalar(ALERTS) == 1
    assert stack.scalar(ALL_DELIVERIES) == 30
    assert sum(received.values()) == 30 == len(received)
