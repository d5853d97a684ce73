"""Deliveries go out in batches: one claim, one read of what the mails share, one SMTP
connection, each mail marked sent as it goes; a refused recipient or a hanging relay costs a
retry, never a stuck worker or a second mail."""

from __future__ import annotations

import datetime
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.alerts import deadlines_scan
from events.delivery import deliveries_send
from events.enqueue import SEND_DELIVERIES
from events.models import Delivery
from tests.events.factories import SubscriptionFactory
from tests.record import kz_record

pytestmark = pytest.mark.django_db
D = datetime.date


class Catcher:
    """A real SMTP server on loopback that counts connections and refuses chosen recipients."""

    def __init__(self, refuse: set[str] = frozenset()) -> None:
        self.sessions = 0
        self.mails: list[str] = []
        self.refuse = set(refuse)
        catcher = self

        class Handler:
            async def handle_HELO(self, server, session, envelope, hostname):
                catcher.sessions += 1
                session.host_name = hostname
                return "250 OK"

            async def handle_EHLO(self, server, session, envelope, hostname, responses):
                catcher.sessions += 1
                session.host_name = hostname
                return responses

            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in catcher.refuse:
                    return "550 5.1.1 no such user"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                catcher.mails.extend(envelope.rcpt_tos)
                return "250 OK"

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)


@pytest.fixture
def smtp(settings):
    def start(**kwargs) -> Catcher:
        catcher = Catcher(**kwargs)
        catcher.controller.start()
        started.append(catcher)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", catcher.port
        settings.EMAIL_TIMEOUT = 5
        return catcher

    started: list[Catcher] = []
    yield start
    for catcher in started:
        catcher.controller.stop()


def _alert_to(count: int, languages=("en", "ru", "kk")) -> list[int]:
    record = kz_record(senate_approved=D(2025, 12, 18))
    for n in range(count):
        SubscriptionFactory(
            email=f"reader{n}@example.org", bill=record.bill, language=languages[n % 3]
        )
    deadlines_scan(as_of=D(2026, 1, 15))  # the 3-day threshold: one alert to everyone
    return list(Delivery.objects.order_by("pk").values_list("pk", flat=True))


def test_a_batch_is_one_claim_one_connection_and_each_mail_marked_sent(smtp):
    catcher = smtp()
    ids = _alert_to(12)
    with CaptureQueriesContext(connection) as small:
        deliveries_send(delivery_ids=ids[:3])
    with CaptureQueriesContext(connection) as large:
        outcomes = deliveries_send(delivery_ids=ids[3:])
    assert {o.status for o in outcomes.values()} == {"sent"}
    assert catcher.sessions == 2  # one SMTP connection per batch
    assert sorted(catcher.mails) == sorted(f"reader{n}@example.org" for n in range(12))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    # What the mails share is read once: beyond a fixed part, a mail costs its own few writes.
    per_mail = (len(large.captured_queries) - len(small.captured_queries)) / 6
    assert per_mail <= 3, per_mail
    # A batch sent again sends nothing.
    assert deliveries_send(delivery_ids=ids) == {}
    assert len(catcher.mails) == 12


def test_a_refused_recipient_is_retried_and_the_rest_are_sent(smtp):
    catcher = smtp(refuse={"reader1@example.org"})
    ids = _alert_to(4)
    outcomes = deliveries_send(delivery_ids=ids)
    statuses = {
        Delivery.objects.get(pk=pk).subscription.email: o.status for pk, o in outcomes.items()
    }
    assert statuses == {
        "reader0@example.org": "sent",
        "reader1@example.org": "retry",
        "reader2@example.org": "sent",
        "reader3@example.org": "sent",
    }
    assert catcher.sessions == 1
    refused = Delivery.objects.get(subscription__email="reader1@example.org")
    assert (refused.status, refused.last_error) == ("pending", "SMTPRecipientsRefused")


@pytest.fixture
def hanging_relay(settings):
    """A local socket that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.getsockname()[1]
    settings.EMAIL_TIMEOUT = 1
    yield
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_hanging_relay_ends_in_a_retry_within_the_timeout(hanging_relay):
    ids = _alert_to(3)
    start = time.monotonic()
    outcomes = deliveries_send(delivery_ids=ids)
    elapsed = time.monotonic() - start
    assert {o.status for o in outcomes.values()} == {"retry"}
    assert elapsed < 5, elapsed  # the 1-second timeout, not a stuck worker
    # smtplib reports the silent greeting as a dropped connection (or a timeout).
    errors = set(Delivery.objects.values_list("last_error", flat=True))
    assert errors <= {"SMTPServerDisconnected", "TimeoutError"} and errors, errors
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}


def test_enqueue_publishes_batches_of_ids(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    from events import enqueue

    settings.DELIVERY_BATCH_SIZE = 4
    published = []
    monkeypatch.setattr(enqueue, "task_publish", lambda name, *args: published.append((name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        enqueue.deliveries_enqueue(range(10, 0, -1))
    assert published == [
        (SEND_DELIVERIES, ([1, 2, 3, 4],)),
        (SEND_DELIVERIES, ([5, 6, 7, 8],)),
        (SEND_DELIVERIES, ([9, 10],)),
    ]
