"""No address reaches a log: not the web's, not a real worker's, not when the mail server refuses
a recipient and the task retries (finding: a confirmation retry logged
`SMTPRecipientsRefused({'victim@…': …})` at INFO).

A real Celery worker on Redis and PostgreSQL, a real SMTP server that refuses every recipient,
and every log record of the subscribe, confirm, send, retry and unsubscribe paths read back.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import socket
import subprocess
import sys
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.test import Client
from django.utils import timezone

from bills import services
from events.models import Delivery, Subscription
from events.tokens import confirm_token_issue, unsubscribe_token
from tests.events.test_worker import _database_url
from tests.record import approve, kz_record
from tracker.celery import app

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
VICTIM = "victim.refused@example.org"
WAIT = 90


class RefusingHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 <" + address + ">: no such user here"


@pytest.fixture
def refusing_smtp():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(RefusingHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


@pytest.fixture
def worker(tmp_path, refusing_smtp):
    queue = f"test-logs-{uuid.uuid4().hex}"
    # What the web publishes goes to this worker's queue.
    saved, app.conf.task_default_queue = app.conf.task_default_queue, queue
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings.local",
        DATABASE_URL=_database_url(),
        DATABASE_CONN_MAX_AGE="0",
        CELERY_QUEUE=queue,
        TRACKER_VAR_DIR=str(tmp_path / "var"),
        EMAIL_URL=f"smtp://127.0.0.1:{refusing_smtp}",
        LOG_LEVEL="DEBUG",
    )
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
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
            f"{queue}@%h",
            "--loglevel=DEBUG",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    yield log
    app.conf.task_default_queue = saved
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for(what: str, check, log) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}. Worker log:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


@pytest.mark.parametrize("scope", ["bill", "family"])
def test_no_address_in_any_log_when_mail_is_refused(worker, caplog, scope):
    caplog.set_level(logging.DEBUG)
    record = kz_record()
    follows = {"bill": record.bill.slug}
    if scope == "family":
        # Following the bill's family of laws: the family's own confirmation and alert mail.
        family, _ = services.family_upsert(slug="lgbt-propaganda", name="LGBT propaganda bans")
        services.bill_update(bill=record.bill, data={"family": family})
        follows = {"family": family.slug}
    web = Client()
    # Subscribe through the form; the worker decides the request and tries to mail the link.
    response = web.post("/alerts/subscribe/", {"email": VICTIM, "language": "ru", **follows})
    assert response.status_code == 302
    _wait_for(
        "the refused confirmation's retry",
        lambda: "send_confirmation" in worker.read_text() and "MailNotSent" in worker.read_text(),
        worker,
    )
    subscription = Subscription.objects.get(email=VICTIM)
    assert subscription.confirmation_sent_at is None
    # Confirm through the link (as if the mail had arrived), then an alert the server refuses.
    page = web.post(f"/alerts/confirm/{confirm_token_issue(subscription)}/")
    assert page.status_code == 200
    approve(record, timezone.localdate() - datetime.timedelta(days=2))
    _wait_for(
        "the refused alert's retry",
        lambda: (
            Delivery.objects.filter(subscription=subscription, attempts__gte=1)
            .exclude(last_error="")
            .exists()
        ),
        worker,
    )
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.last_error == "SMTPRecipientsRefused"
    unsubscribe = web.post(
        f"/alerts/unsubscribe/{unsubscribe_token(subscription)}/",
        {"List-Unsubscribe": "One-Click"},
    )
    assert unsubscribe.status_code == 200

    worker_log = worker.read_text()
    assert re.search(r"Retry in \d+s: MailNotSent\('SMTPRecipientsRefused", worker_log)
    assert re.search(
        rf"Delivery {delivery.pk} attempt 1 failed \(SMTPRecipientsRefused", worker_log
    )
    # Every record of the product's own loggers (the SMTP server above is the mail system's,
    # which sees addresses by its nature, and logs under "mail.log").
    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]
    local = VICTIM.partition("@")[0]
    for text in (worker_log, "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in ours)):
        assert VICTIM not in text
        assert local not in text
