"""/data/: the public record as JSON and CSV, rebuilt after changes, served gzipped with
ETag/Last-Modified, public rows and public ids only."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest
from celery.signals import task_prerun
from django.core.cache import cache
from django.db import connection
from django.test import Client

from bills import timeline
from bills.models import Classification
from tests.record import INTERNAL_TEXT, UNKNOWN, kz_record
from tests.web.conftest import make_bills
from tracker.celery import app
from web import data
from web.data import FILES, SCHEDULED_KEY, data_rebuild
from web.models import DataFile

pytestmark = pytest.mark.django_db


def _rows(name: str) -> list[dict[str, str]]:
    response = Client().get(f"/data/{name}")
    assert response.status_code == 200
    assert "Content-Encoding" not in response  # a client that does not ask gets it plain
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_files_parse_and_hold_the_public_record():
    record = kz_record(senate_approved=UNKNOWN)
    bills = _rows("bills.csv")
    assert [b["slug"] for b in bills] == [record.bill.slug]
    assert bills[0]["status"] == "awaiting-signature"
    actions = _rows("actions.csv")
    assert [a["classification"] for a in actions] == [
        "introduction",
        "passage",
        "statement",
        "passage",
    ]
    assert {a["id"] for a in actions} == {
        str(e.public_id)
        for e in (record.introduction, record.passage, record.statement, record.approval)
    }
    sources = {s["key"]: s for s in _rows("sources.csv")}
    for action in actions:
        keys = action["sources"].split()
        assert keys and all(key in sources for key in keys)
    [vote] = _rows("votes.csv")
    assert (vote["action"], vote["unanimous"], vote["yes"]) == (
        str(record.passage.public_id),
        "true",
        "",
    )
    [window] = _rows("windows.csv")
    assert (window["bill"], window["rule"], window["status"]) == (record.bill.slug, "KZ", "open")
    assert _rows("member_votes.csv") == []
    everything = "".join(bytes(f.content_gz).hex() for f in DataFile.objects.all())
    for name in FILES:
        text = Client().get(f"/data/{name}").content.decode()
        assert INTERNAL_TEXT not in text and str(record.internal.public_id) not in text
    assert everything


def _most_parameters_of_a_query() -> int:
    most = 0

    def count(execute, sql, params, many, context):
        nonlocal most
        most = max(most, len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        data.build()
    return most


def test_no_query_of_the_build_binds_a_parameter_per_bill_or_event():
    # PostgreSQL refuses more than 65,535 parameters in a query under server-side binding: a
    # prefetch over every bill or every event would stop the rebuild once the record is that big.
    record = kz_record()
    few = _most_parameters_of_a_query()
    make_bills(record, 6)
    assert _most_parameters_of_a_query() == few


def test_record_json_is_the_api_representation():
    record = kz_record()
    data = json.loads(Client().get("/data/record.json").content)
    assert data["licence"] == "CC BY 4.0"
    [bill] = data["bills"]
    assert bill["slug"] == record.bill.slug and bill["timeline"][1]["vote"]["unanimous"] is True
    assert {j["code"] for j in data["jurisdictions"]} >= {"KZ"}


def test_gzip_when_accepted_and_304_when_unchanged():
    kz_record()
    zipped = Client().get("/data/bills.csv", HTTP_ACCEPT_ENCODING="gzip, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content).startswith(b"slug,")
    assert "Accept-Encoding" in zipped["Vary"]
    again = Client().get(
        "/data/bills.csv", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"]
    )
    assert again.status_code == 304
    since = Client().get("/data/bills.csv", HTTP_IF_MODIFIED_SINCE=zipped["Last-Modified"])
    assert since.status_code == 304
    assert Client().get("/data/passwords.csv").status_code == 404


def test_a_change_schedules_one_rebuild_and_an_internal_note_changes_no_file(
    django_capture_on_commit_callbacks,
):
    record = kz_record()
    data_rebuild()
    before = {f.name: (f.sha256, f.built_at) for f in DataFile.objects.all()}
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    cache.delete(SCHEDULED_KEY)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            timeline.event_record(
                bill=record.bill,
                classification=Classification.OTHER,
                description=INTERNAL_TEXT,
                visibility="internal",
            )
        after_note = {f.name: (f.sha256, f.built_at) for f in DataFile.objects.all()}
        assert after_note == before  # rebuilt, but nothing the public sees moved
        cache.delete(SCHEDULED_KEY)
        with django_capture_on_commit_callbacks(execute=True):
            timeline.event_update(event=record.statement, data={"actor": "Human Rights Watch"})
    finally:
        app.conf.task_always_eager = saved
    after = {f.name: f.sha256 for f in DataFile.objects.all()}
    assert after["actions.csv"] != before["actions.csv"][0]
    assert after["bills.csv"] == before["bills.csv"][0]


def test_the_page_documents_every_file_and_the_licence():
    kz_record()
    page = Client().get("/data/").content.decode()
    for name in FILES:
        assert f"/data/{name}" in page
    assert "CC BY 4.0" in page and "closes_earliest" in page


def test_a_queued_rebuild_absorbs_a_burst_and_a_started_one_lets_the_next_write_queue():
    kz_record()
    runs = []

    def count(sender=None, **kwargs):
        runs.append(sender.name)

    task_prerun.connect(count)
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        # A rebuild is queued and not started: the writes of a burst queue nothing more.
        cache.set(SCHEDULED_KEY, 1)
        data._queue_rebuild()
        data._queue_rebuild()
        assert runs == []
        # Once it runs it clears the mark first, so a write during the build queues the next.
        cache.delete(SCHEDULED_KEY)
        data._queue_rebuild()
        assert runs == ["web.tasks.data_rebuild"]
        assert cache.get(SCHEDULED_KEY) is None
        data._queue_rebuild()
        assert runs == ["web.tasks.data_rebuild"] * 2
    finally:
        app.conf.task_always_eager = saved
        task_prerun.disconnect(count)


def test_one_commit_of_many_writes_rebuilds_once(django_capture_on_commit_callbacks):
    """A seed run writes hundreds of rows in one transaction: its commit rebuilds once."""
    runs = []

    def count(sender=None, **kwargs):
        runs.append(sender.name)

    task_prerun.connect(count)
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    cache.delete(SCHEDULED_KEY)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            kz_record()
        assert len(callbacks) > 10
        assert runs == ["web.tasks.data_rebuild"]
    finally:
        app.conf.task_always_eager = saved
        task_prerun.disconnect(count)
