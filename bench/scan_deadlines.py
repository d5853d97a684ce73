"""Benchmark: one deadline scan over 10k and 100k open signing windows on PostgreSQL.

    .venv/bin/python bench/scan_deadlines.py [--sizes 10000 100000]

Uses its own database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/tracker_bench_scan), created and migrated if missing and
emptied before each size. Each Kazakh bill is introduced and passed by the Mäjilis, then approved
by the Senate: the final approval opens the President's window under the real KZ rule
(seeds/signing_rules.yaml). The bills are bulk-loaded, with the status and windows the record's
own derivation gives (bench/bulk_record.py, checked on a sample). Approvals are dated so that
windows close (at the earliest) between 20 days before and 40 days after the scan day, so about
half of them cross a threshold or are overdue on it. Prints, per size: the first scan (which
raises the alerts), a repeat scan (raises nothing) and a scan that also fans out to one
jurisdiction subscriber (rolled back before any task is published); then the 100k/10k ratio.
Target: 100k windows in under 5 s on 2 cores, growing no worse than linearly.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench_scan"
AS_OF = datetime.date(2026, 1, 15)


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(url: str) -> None:
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings.local"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE events_delivery, events_alert, events_subscription, "
            "bills_signingwindow, bills_historicalsigningwindow, bills_vote, bills_historicalvote, "
            "bills_event_sources, bills_event, bills_historicalevent, bills_bill, "
            "bills_historicalbill RESTART IDENTITY CASCADE"
        )


def _populate(size: int) -> None:
    from dateutil.relativedelta import relativedelta
    from django.db import connection

    from bench.bulk_record import PlannedBill, PlannedEvent, bulk_load, check_sample
    from bills import services
    from bills.models import Bill, Chamber, Classification, Jurisdiction
    from bills.seeds import rules_load

    rules_load()
    kz = Jurisdiction.objects.get(code="KZ")
    lower, _ = services.chamber_upsert(
        jurisdiction=kz, classification=Chamber.Classification.LOWER, name="Mäjilis"
    )
    upper, _ = services.chamber_upsert(
        jurisdiction=kz, classification=Chamber.Classification.UPPER, name="Senate"
    )
    source, _ = services.source_get_or_create(
        publisher="Bench wire", title="Parliament passes the bench bills", published_on=AS_OF
    )
    rng = random.Random(size)
    batch = 5000
    loaded = []
    for start in range(0, size, batch):
        planned = []
        for n in range(start, min(start + batch, size)):
            # The window closes (earliest) a month after the approval: on AS_OF - 20 … AS_OF + 40.
            closes = AS_OF + datetime.timedelta(days=rng.randint(-20, 40))
            approved = closes - relativedelta(months=1)
            steps = (
                (Classification.INTRODUCTION, approved - datetime.timedelta(days=40), lower),
                (Classification.PASSAGE, approved - datetime.timedelta(days=20), lower),
                (Classification.PASSAGE, approved, upper),
            )
            planned.append(
                PlannedBill(
                    bill=Bill(
                        jurisdiction=kz,
                        title=f"Bench bill {n}",
                        slug=f"bench-{n}",
                        originating_chamber=lower,
                    ),
                    events=[
                        PlannedEvent(classification, day, chamber=chamber, source=source)
                        for classification, day, chamber in steps
                    ],
                )
            )
        loaded += bulk_load(planned, batch_size=batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    check_sample(loaded, size=20)


def _timed(label: str, size: int, fn) -> float:
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    print(f"{size:>8} windows  {label:<38} {elapsed:7.3f} s   {result}")
    return elapsed


def _scan_with_subscriber() -> tuple[float, object]:
    from django.db import transaction

    from bills.models import Jurisdiction
    from events.alerts import deadlines_scan
    from events.models import Alert, Subscription

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            Alert.objects.all().delete()
            Subscription.objects.create(
                email="bench@example.org",
                jurisdiction=Jurisdiction.objects.get(code="KZ"),
                status="confirmed",
            )
            started = time.perf_counter()
            report = deadlines_scan(as_of=AS_OF)
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _setup(url)
    from events.alerts import deadlines_scan

    first: dict[int, float] = {}
    for size in args.sizes:
        _reset()
        started = time.perf_counter()
        _populate(size)
        print(f"{size:>8} windows  created in {time.perf_counter() - started:.1f} s")
        first[size] = _timed(
            "first scan (raises alerts)", size, lambda: deadlines_scan(as_of=AS_OF)
        )
        _timed("repeat scan (raises nothing)", size, lambda: deadlines_scan(as_of=AS_OF))
        elapsed, report = _scan_with_subscriber()
        label = "first scan + fan-out to 1 subscriber"
        print(f"{size:>8} windows  {label:<38} {elapsed:7.3f} s   {report}")
    if len(first) >= 2:
        small, large = min(first), max(first)
        ratio = first[large] / first[small]
        print(
            f"first scan {large}/{small}: {ratio:.1f}x the time for {large / small:.0f}x the "
            f"windows; {large} windows in {first[large]:.2f} s (target < 5 s)"
        )


if __name__ == "__main__":
    main()
