"""Benchmark of the public pages: gunicorn against PostgreSQL holding 10k bills and 100k events.

Measures throughput and latency of the dashboard, the bill list (plain and searched/filtered), a
bill page and a trivial view (`/ping`, a fixed string through the whole middleware stack) in the
same run, and prints each page's cost as a ratio to the trivial view (target: within 3x).

    .venv/bin/python bench/web.py                 # build the bench database once, then measure
    .venv/bin/python bench/web.py --rebuild       # drop and rebuild the bench database
    .venv/bin/python bench/web.py --duration 20 --concurrency 8 --workers 4
    .venv/bin/python bench/web.py --no-page-cache  # every request renders (a cache miss)

It uses its own database (`tracker_bench` on the local PostgreSQL, trust auth), never the
development or test ones. The load generator is a few processes of plain http.client loops (no
extra dependency); gunicorn runs sync workers, one request per connection.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = "postgres://postgres@127.0.0.1:5432"

WORDS = (  # noqa: SIM905 (a paragraph of words reads better than a list)
    "education health media internet family children tax budget election police court "
    "religion language border energy water land labour pension transport housing army "
    "customs banking privacy speech assembly association protest NGO foreign agent "
    "propaganda morality youth school university culture sport tourism agriculture oil gas "
    "mining environment climate science technology data security terrorism extremism "
    "migration citizenship prison amnesty code administrative criminal civil procedure"
).split()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def _recreate_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _populate(bills: int, events_per_bill: int) -> None:
    """Seeds plus `bills` synthetic bills with `events_per_bill` events each, bulk-loaded: each
    bill's timeline leads to a status by real acts (cited, a vote on its chamber act for every
    other bill, some internal notes), and its status, dates and windows are what the record's
    derivation gives (bench/bulk_record.py, checked on a sample)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.bulk_record import PlannedBill, PlannedEvent, bulk_load, check_sample
    from bills import services
    from bills.models import (
        Bill,
        BillStatus,
        Chamber,
        Classification,
        Event,
        Jurisdiction,
        SigningRule,
        SigningWindow,
        Subject,
        Visibility,
        Vote,
    )

    call_command("load_seeds", verbosity=0)
    rng = random.Random(42)
    subjects = list(Subject.objects.all())
    jurisdictions = list(Jurisdiction.objects.all())
    chambers: dict[int, dict[str, Chamber]] = {}
    for jurisdiction in jurisdictions:
        existing = set(jurisdiction.chambers.values_list("classification", flat=True))
        if Chamber.Classification.UNICAMERAL not in existing:
            for classification in (Chamber.Classification.LOWER, Chamber.Classification.UPPER):
                if classification not in existing:
                    services.chamber_create(
                        jurisdiction=jurisdiction,
                        classification=classification,
                        name=f"{jurisdiction.code} {classification}",
                        seats=400,
                    )
        chambers[jurisdiction.pk] = {c.classification: c for c in jurisdiction.chambers.all()}
    # Presentment rules (US, US-CA) run from the executive's receipt: those bills record it.
    receipt_rules = set(
        SigningRule.objects.filter(trigger=SigningRule.Trigger.EXECUTIVE_RECEIPT).values_list(
            "jurisdiction_id", flat=True
        )
    )
    sources = [
        services.source_get_or_create(
            publisher=f"Bench News {n % 7}",
            title=f"Report {n} on {rng.choice(WORDS)}",
            published_on=dt.date.today() - dt.timedelta(days=rng.randint(1, 900)),
        )[0]
        for n in range(200)
    ]

    C = Classification
    # The acts that bring a bill to each status (chamber kind per act; None: no chamber).
    paths: dict[str, list[tuple[str, str | None]]] = {
        BillStatus.INTRODUCED: [(C.INTRODUCTION, "lower")],
        BillStatus.PASSED_LOWER: [(C.INTRODUCTION, "lower"), (C.PASSAGE, "lower")],
        BillStatus.PASSED_UPPER: [(C.INTRODUCTION, "upper"), (C.PASSAGE, "upper")],
        BillStatus.AWAITING_SIGNATURE: [
            (C.INTRODUCTION, "lower"),
            (C.PASSAGE, "lower"),
            (C.PASSAGE, "upper"),
        ],
        BillStatus.ENACTED: [
            (C.INTRODUCTION, "lower"),
            (C.PASSAGE, "lower"),
            (C.PASSAGE, "upper"),
            (C.EXECUTIVE_SIGNATURE, None),
        ],
        BillStatus.VETOED: [
            (C.INTRODUCTION, "lower"),
            (C.PASSAGE, "lower"),
            (C.PASSAGE, "upper"),
            (C.EXECUTIVE_VETO, None),
        ],
        BillStatus.WITHDRAWN: [(C.INTRODUCTION, "lower"), (C.WITHDRAWAL, None)],
        BillStatus.FAILED: [(C.INTRODUCTION, "lower"), (C.FAILURE, "lower")],
    }
    # Steps between the introduction and the next act: they do not change the status.
    fillers = [
        (C.REFERRAL_COMMITTEE, "lower"),
        (C.READING_1, "lower"),
        (C.STATEMENT, None),
        (C.READING_2, "lower"),
        (C.PRESS_CONFERENCE, None),
        (C.READING_3, "lower"),
        (C.AMENDMENT_PASSAGE, "lower"),
        (C.INCIDENT, None),
        (C.OTHER, None),
    ]
    statuses = list(BillStatus)

    print(f"planning {bills} bills with {bills * events_per_bill} events ...", flush=True)
    planned = []
    for i in range(bills):
        jurisdiction = rng.choice(jurisdictions)
        status = rng.choice(statuses)
        path = list(paths[status])
        sent = status in (BillStatus.AWAITING_SIGNATURE, BillStatus.ENACTED, BillStatus.VETOED)
        if sent and (jurisdiction.pk in receipt_rules or rng.random() < 0.5):
            path.insert(3, (C.EXECUTIVE_RECEIPT, None))
        steps = [path[0], *(fillers[n % len(fillers)] for n in range(events_per_bill - len(path)))]
        steps += path[1:]
        # One act every three days up to the last; a window still open was opened recently.
        # Never after today where the bill is (New York's today may be UTC's yesterday).
        today = jurisdiction.today()
        if status == BillStatus.AWAITING_SIGNATURE:
            last = today - dt.timedelta(days=rng.randint(0, 40))
        else:
            last = today - dt.timedelta(days=rng.randint(20, 800))
        events = []
        for n, (classification, kind) in enumerate(steps):
            advocacy = kind is None and classification in (
                C.STATEMENT,
                C.PRESS_CONFERENCE,
                C.INCIDENT,
                C.OTHER,
            )
            # Some filler notes are internal (staff only): never a step of the path.
            internal = 0 < n < len(steps) - len(path) + 1 and n % 7 == 6
            events.append(
                PlannedEvent(
                    classification=classification,
                    date=last - dt.timedelta(days=3 * (len(steps) - 1 - n)),
                    chamber=chambers[jurisdiction.pk][kind] if kind else None,
                    actor="Bench Watch" if advocacy else "",
                    description=f"Step {n + 1}: " + " ".join(rng.sample(WORDS, 8)),
                    visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
                    source=None if internal else rng.choice(sources),
                )
            )
        if i % 2 == 0:
            # The vote that decided the bill's first chamber act of the path, where it has one.
            decided = next((e for e in events if e.classification in (C.PASSAGE, C.FAILURE)), None)
            if decided is not None:
                yes, no = rng.randint(210, 290), rng.randint(0, 100)
                passed = decided.classification == C.PASSAGE
                decided.vote = {
                    "motion": "Passage",
                    "result": Vote.Result.PASS if passed else Vote.Result.FAIL,
                    "yes_count": yes if passed else no,
                    "no_count": no if passed else yes,
                    "abstain_count": rng.randint(0, 5),
                }
        words = rng.sample(WORDS, 5)
        planned.append(
            PlannedBill(
                bill=Bill(
                    jurisdiction=jurisdiction,
                    identifier=f"B-{i}",
                    slug=f"bench-{i}",
                    title=f"Bill on {words[0]} and {words[1]}, amending the {words[2]} law",
                    short_title=f"{words[0].capitalize()} {words[3]} bill",
                    summary=" ".join(rng.choice(WORDS) for _ in range(40)),
                    originating_chamber=chambers[jurisdiction.pk][path[0][1]],
                ),
                events=events,
            )
        )

    print("writing bills, events, votes and windows ...", flush=True)
    created = bulk_load(planned, batch_size=5000)
    through = Bill.subjects.through
    through.objects.bulk_create(
        [through(bill_id=b.pk, subject_id=rng.choice(subjects).pk) for b in created],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    checked = check_sample(created, size=50)
    print(
        f"bench database: {Bill.objects.count()} bills, {Event.objects.count()} events, "
        f"{Vote.objects.count()} votes, {SigningWindow.objects.filter(status='open').count()} "
        f"open windows ({checked} bills re-derived: as loaded)",
        flush=True,
    )


def _client(args: tuple[str, int, str, float, dict]) -> tuple[int, int, list[float]]:
    """One client process: requests in a loop until the deadline; returns ok, errors, latencies."""
    host, port, path, until, headers = args
    ok = errors = 0
    latencies: list[float] = []
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
        except OSError:
            errors += 1
            continue
        latencies.append(time.perf_counter() - started)
        if response.status == 200:
            ok += 1
        else:
            errors += 1
    return ok, errors, latencies


def _run(port: int, path: str, seconds: float, concurrency: int) -> list[tuple]:
    headers = {"Host": "127.0.0.1", "Connection": "close"}
    until = time.perf_counter() + seconds
    with multiprocessing.Pool(concurrency) as pool:
        return pool.map(_client, [("127.0.0.1", port, path, until, headers)] * concurrency)


def _size(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": "127.0.0.1"})
    size = len(conn.getresponse().read())
    conn.close()
    return size


def _measure(port: int, pages: list[tuple[str, str]], args) -> list[tuple[str, dict]]:
    """Pages measured in interleaved rounds, so that drift in the machine's load (other work on
    shared CPUs) spreads over all pages alike instead of favouring whichever ran first."""
    for _name, path in pages:  # warm-up: connections, templates, caches
        _run(port, path, 1.0, 1)
    per_round = args.duration / args.rounds
    raw: dict[str, list[tuple]] = {path: [] for _n, path in pages}
    for _round in range(args.rounds):
        for _name, path in pages:
            raw[path] += _run(port, path, per_round, args.concurrency)
    results = []
    for name, path in pages:
        ok = sum(r[0] for r in raw[path])
        latencies = sorted(x for r in raw[path] for x in r[2])

        def pct(p: float, latencies=latencies) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

        results.append(
            (
                name,
                {
                    "path": path,
                    "rps": ok / args.duration,
                    "errors": sum(r[1] for r in raw[path]),
                    "mean": statistics.fmean(latencies) * 1000,
                    "p50": pct(0.50),
                    "p95": pct(0.95),
                    "p99": pct(0.99),
                    "bytes": _size(port, path),
                },
            )
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="tracker_bench")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--bills", type=int, default=10_000)
    parser.add_argument("--events-per-bill", type=int, default=10)
    parser.add_argument("--duration", type=float, default=12.0, help="seconds per page")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds")
    parser.add_argument("--concurrency", type=int, default=4, help="client processes")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn")
    parser.add_argument("--query", default="/bills/?q=education&status=introduced")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="cache (Redis URL)")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="WEB_CACHE_SECONDS=0: every request renders its page (the cost of a cache miss)",
    )
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"{PG}/{args.database}",
        "TRACKER_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    # The cache as in production (Redis); a database of its own so nothing else is disturbed.
    env["REDIS_URL"] = args.redis
    env["WEB_CACHE_SECONDS"] = "0" if args.no_page_cache else env.get("WEB_CACHE_SECONDS", "300")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    manage = [PYTHON, str(ROOT / "manage.py")]
    if args.rebuild or not _database_exists(args.database):
        print(f"building the bench database {args.database} ...", flush=True)
        _recreate_database(args.database)
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        _populate(args.bills, args.events_per_bill)
    else:
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        print(f"reusing the bench database {args.database} (--rebuild to start afresh)")
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)

    port = _free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "tracker.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/ping")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer /ping within 30 s")
            time.sleep(0.2)

        pages = [
            ("trivial view", "/ping"),
            ("dashboard", "/"),
            ("bill list", "/bills/"),
            ("bill list, searched", args.query),
            ("bill page", "/bills/kz-lgbt-propaganda-ban/"),
        ]
        print(
            f"\n{args.workers} gunicorn sync workers, {args.concurrency} client processes, "
            f"{args.duration:.0f} s per page in {args.rounds} interleaved rounds, "
            f"{os.cpu_count()} CPUs shared by server and clients, page cache "
            + ("OFF" if args.no_page_cache else "on")
        )
        results = _measure(port, pages, args)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    base = results[0][1]
    print(
        f"\n{'page':22} {'req/s':>8} {'mean ms':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'KB':>6} {'errors':>6} {'cost x':>7}"
    )
    worst = 0.0
    for name, r in results:
        cost = base["rps"] / r["rps"] if r["rps"] else float("inf")
        worst = max(worst, cost)
        print(
            f"{name:22} {r['rps']:8.0f} {r['mean']:8.1f} {r['p50']:7.1f} {r['p95']:7.1f} "
            f"{r['p99']:7.1f} {r['bytes'] / 1024:6.1f} {r['errors']:6d} {cost:7.2f}"
        )
    print(f"\npaths: {', '.join(r['path'] for _n, r in results)}")
    print(
        "cost x = trivial view's throughput / the page's throughput; target <= 3.00: "
        + ("met" if worst <= 3.0 else f"NOT met (worst {worst:.2f})")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
