"""The e-mail outbox's kill -9 fault test, for webhooks: a worker killed mid fan-out of 1000
signed POSTs to a real local receiver, then the sweeper. Each delivery reaches the receiver,
at most the requests in flight twice (with the same X-Tracker-Delivery id, so a receiver can
drop the repeat), and every request's signature checks."""

from __future__ import annotations

import secrets
import signal
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.events.receiver import Received
from tests.faults.stack import wait_for
from tests.faults.test_faults import ALL_DELIVERIES, SENT, _fast_forward_outbox, _wait_idle

pytestmark = [pytest.mark.faults, pytest.mark.timeout(300)]

HOOKS = 1000
WEBHOOK_DELIVERIES = "SELECT count(*) FROM events_delivery WHERE webhook_id IS NOT NULL"


class CountingReceiver:
    """Counts every delivery id it is POSTed and checks each signature; a little slow (as a
    real receiver across a network), so that the kill lands mid fan-out."""

    def __init__(self, secret: str, delay: float = 0.01) -> None:
        self.secret = secret
        self.received: Counter[str] = Counter()
        self.bad_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Received(self.path, dict(self.headers.items()), body)
                time.sleep(delay)
                with receiver.lock:
                    receiver.received[request.headers["X-Tracker-Delivery"]] += 1
                    receiver.bad_signatures += not request.signed_by(receiver.secret)
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receiver = CountingReceiver(secrets.token_hex(32))
    yield receiver
    receiver.close()


def test_kill_minus_9_worker_mid_fan_out_of_1000_webhooks(make_stack, receiver, report):
    # The receiver is on 127.0.0.1: the stack's processes are told to allow it.
    stack = make_stack(
        workers=1,
        concurrency=4,
        beat=False,
        web=False,
        extra_env={"WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true"},
    )
    stack.python(
        "from tests.faults import scenario as s\n"
        "s.bills_create(1)\n"
        "s.bills_approve(days_ago=25)\n"
        f"s.webhooks_create(url={receiver.url!r}, count={HOOKS}, secret={receiver.secret!r})\n"
    )
    stack.publish("events.tasks.scan_deadlines")
    wait_for("a third of the fan-out sent", lambda: stack.scalar(SENT) >= 300, timeout=90)
    killed_pid = stack.kill("worker1", signal.SIGKILL)
    sent_at_kill = stack.scalar(SENT)
    received_at_kill = receiver.total()
    in_flight = stack.scalar(
        "SELECT count(*) FROM events_delivery WHERE status = 'pending' AND attempts > 0"
    )
    stack.start_worker("worker2")
    _wait_idle(stack)
    # The dead worker's claimed deliveries keep their 10-minute lease: the sweeper recovers them.
    aged = _fast_forward_outbox(stack, minutes=11)
    stack.publish("events.tasks.sweep_outbox")
    wait_for(
        f"{HOOKS} webhook deliveries sent (at {stack.scalar(SENT)})",
        lambda: stack.scalar(SENT) == HOOKS and len(receiver.received) >= HOOKS,
        timeout=120,
    )
    _wait_idle(stack)

    expected = {
        message_id.strip("<>").split("@")[0]
        for (message_id,) in stack.sql(
            "SELECT message_id FROM events_delivery WHERE webhook_id IS NOT NULL"
        )
    }
    duplicates = sum(n - 1 for n in receiver.received.values())
    report(
        "kill -9 worker mid webhook fan-out",
        killed_pid=killed_pid,
        sent_at_kill=sent_at_kill,
        requests_at_kill=received_at_kill,
        claimed_in_flight=in_flight,
        requests_in_flight_bound=stack.concurrency,
        recovered_by_sweeper=aged,
        deliveries=stack.scalar(ALL_DELIVERIES),
        webhook_deliveries=stack.scalar(WEBHOOK_DELIVERIES),
        sent=stack.scalar(SENT),
        requests=receiver.total(),
        distinct_delivery_ids=len(receiver.received),
        duplicate_requests=duplicates,
        bad_signatures=receiver.bad_signatures,
        webhooks_disabled=stack.scalar(
            "SELECT count(*) FROM events_webhook WHERE status = 'disabled'"
        ),
    )
    assert 300 <= sent_at_kill < HOOKS, "the kill did not land mid fan-out"
    assert stack.scalar(WEBHOOK_DELIVERIES) == HOOKS == stack.scalar(ALL_DELIVERIES)
    assert stack.scalar(SENT) == HOOKS
    assert set(receiver.received) == expected
    assert receiver.bad_signatures == 0
    # A request answered but not yet marked sent is the one case the outbox repeats (with the
    # same delivery id): at most one in flight per pool slot.
    assert duplicates <= min(in_flight, stack.concurrency)
