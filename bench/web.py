"""Benchmark of the public pages: gunicorn against PostgreSQL holding 10k bills and 100k events.

Measures throughput and latency (p50/p95/p99) of the dashboard, the bill list (plain and
searched/filtered), a bill page, a family page, the API's bill list and a trivial view (`/ping`, a
fixed string through the whole middleware stack) on two servers started side by side, one with the
page cache on and one with it off (every request renders), in interleaved rounds of the same run.
Prints each page's cost as a ratio to the trivial view on the same server (targets: cached <= 2x,
rendered <= 6x), its size on the wire without and with gzip, and each gunicorn worker's RSS after
the run.

    .venv/bin/python bench/web.py                 # build the bench database once, then measure
    .venv/bin/python bench/web.py --rebuild       # drop and rebuild the bench database
    .venv/bin/python bench/web.py --duration 5    # a short run: 5 s per page and server
    .venv/bin/python bench/web.py --scale         # also on 10x the data (100k bills, 1M events)

It uses its own databases (`tracker_bench`, and `tracker_bench_10x` for --scale, on the local
PostgreSQL, trust auth), never the development or test ones. The load generator is a few
processes of plain http.client loops (no extra dependency, no Accept-Encoding: the timed
answers are uncompressed); gunicorn runs sync workers, one request per connection.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import multiprocessing
import os
import random
import socket
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


def _drop_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _vacuum(name: str) -> None:
    """What autovacuum does to a database that has settled: statistics, and the visibility map
    that lets the board read its index alone. Right after a bulk load, neither is there yet."""
    import psycopg

    with psycopg.connect(f"{PG}/{name}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


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
    # The synthetic paths go through two chambers: the bills go to the seeded bicameral
    # legislatures (and to those the seeds give no chamber, which get two).
    jurisdictions = list(
        Jurisdiction.objects.exclude(chambers__classification=Chamber.Classification.UNICAMERAL)
    )
    chambers: dict[int, dict[str, Chamber]] = {}
    for jurisdiction in jurisdictions:
        existing = set(jurisdiction.chambers.values_list("classification", flat=True))
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
    # The statuses a plain path reaches (not the returns, overrides, pauses or lapses).
    statuses = list(paths)

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


def _size(port: int, path: str, encoding: str | None) -> int:
    """Bytes of the body on the wire, asking for `encoding` (None: no Accept-Encoding)."""
    headers = {"Host": "127.0.0.1"}
    if encoding:
        headers["Accept-Encoding"] = encoding
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    size = len(response.read())
    conn.close()
    return size  # a body too small to gain (/ping) is sent as it is


def _measure(servers: dict[str, int], pages: list[tuple[str, str]], args) -> dict:
    """Every page on every server (page cache on, page cache off), in interleaved rounds, so that
    drift in the machine's load (other work on shared CPUs) spreads over all of them alike
    instead of favouring whichever ran first. Returns {(mode, path): figures}."""
    for port in servers.values():  # warm-up: connections, templates, caches
        for _name, path in pages:
            _run(port, path, 1.0, 1)
    per_round = args.duration / args.rounds
    raw: dict[tuple[str, str], list[tuple]] = {
        (mode, path): [] for mode in servers for _n, path in pages
    }
    for _round in range(args.rounds):
        for _name, path in pages:
            for mode, port in servers.items():
                raw[mode, path] += _run(port, path, per_round, args.concurrency)
    results = {}
    for key, runs in raw.items():
        ok = sum(r[0] for r in runs)
        latencies = sorted(x for r in runs for x in r[2]) or [float("nan")]

        def pct(p: float, latencies=latencies) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

        results[key] = {
            "rps": ok / args.duration,
            "errors": sum(r[1] for r in runs),
            "p50": pct(0.50),
            "p95": pct(0.95),
            "p99": pct(0.99),
        }
    return results


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The fields after the command's closing parenthesis: state, ppid, ...
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _start_gunicorn(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "tracker.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/ping")
            if conn.getresponse().status == 200:
                return gunicorn, port
        except OSError:
            pass
        if time.monotonic() > deadline:
            gunicorn.terminate()
            raise SystemExit("gunicorn did not answer /ping within 30 s")
        time.sleep(0.2)


def _prepare(env: dict[str, str], database: str, bills: int, args) -> None:
    manage = [PYTHON, str(ROOT / "manage.py")]
    env = {**env, "DATABASE_URL": f"{PG}/{database}"}
    os.environ.update(env)
    if args.rebuild or not _database_exists(database):
        print(f"building the bench database {database} ({bills} bills) ...", flush=True)
        started = time.monotonic()
        _recreate_database(database)
        try:
            subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
            # In a child process: Django is set up once per process, on one database.
            subprocess.run(
                [
                    *(PYTHON, __file__, "--populate", database, "--bills", str(bills)),
                    *("--events-per-bill", str(args.events_per_bill)),
                ],
                env=env,
                check=True,
            )
        except subprocess.CalledProcessError:
            # A half-built database would be reused by the next run: none is better.
            _drop_database(database)
            raise
        _vacuum(database)
        print(f"built in {time.monotonic() - started:.0f} s", flush=True)
    else:
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        print(f"reusing the bench database {database} (--rebuild to start afresh)")


def _bench(env: dict[str, str], database: str, pages: list[tuple[str, str]], args) -> dict:
    """One gunicorn with the page cache on and one with it off, on `database`; every page
    measured on both; sizes on the wire; each worker's RSS after the run."""
    env = {**env, "DATABASE_URL": f"{PG}/{database}"}
    modes = {"on": "300", "off": "0"}
    servers: dict[str, int] = {}
    processes: dict[str, subprocess.Popen] = {}
    try:
        for mode, seconds in modes.items():
            processes[mode], servers[mode] = _start_gunicorn(
                {**env, "WEB_CACHE_SECONDS": seconds}, args.workers
            )
        print(
            f"\n{database}: {args.workers} gunicorn sync workers per server (page cache on, and "
            f"off), {args.concurrency} client processes, {args.duration:g} s per page and server "
            f"in {args.rounds} interleaved rounds, {os.cpu_count()} CPUs shared by servers, "
            "PostgreSQL, Redis and clients",
            flush=True,
        )
        results = _measure(servers, pages, args)
        sizes = {
            path: (_size(servers["off"], path, None), _size(servers["off"], path, "gzip"))
            for _n, path in pages
        }
        rss = {mode: [_rss_mb(pid) for pid in _children(processes[mode].pid)] for mode in servers}
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=30)
    return {"results": results, "sizes": sizes, "rss": rss}


def _report(run: dict, pages: list[tuple[str, str]]) -> dict[tuple[str, str], float]:
    """Prints the run's table; returns each (mode, path)'s cost (the trivial view's throughput
    on the same server over the page's)."""
    results, sizes = run["results"], run["sizes"]
    costs = {}
    print(
        f"\n{'page':22} {'cache':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'cost x':>7} {'KB':>6} {'KB gzip':>7}"
    )
    for name, path in pages:
        for mode in ("on", "off"):
            r = results[mode, path]
            base = results[mode, pages[0][1]]["rps"]
            cost = costs[mode, path] = base / r["rps"] if r["rps"] else float("inf")
            plain, gzipped = sizes[path]
            print(
                f"{name if mode == 'on' else '':22} {mode:>5} {r['rps']:7.0f} {r['p50']:7.1f} "
                f"{r['p95']:7.1f} {r['p99']:7.1f} {r['errors']:6d} {cost:7.2f} "
                + (f"{plain / 1024:6.1f} {gzipped / 1024:7.1f}" if mode == "on" else "")
            )
    for mode, rss in run["rss"].items():
        figures = ", ".join(f"{mb:.0f}" for mb in rss)
        print(f"RSS per gunicorn worker after the run, page cache {mode}: {figures} MB")
    print(f"paths: {', '.join(path for _n, path in pages)}")
    worst_off = max(costs["off", path] for _n, path in pages)
    worst_on = max(costs["on", path] for _n, path in pages)
    print(
        "cost x = the trivial view's throughput / the page's, on the same server. Targets: "
        f"rendered (cache off) <= 6: {'met' if worst_off <= 6 else 'NOT met'} "
        f"(worst {worst_off:.2f}); cached <= 2: {'met' if worst_on <= 2 else 'NOT met'} "
        f"(worst {worst_on:.2f}). KB: the body asked for without and with gzip."
    )
    return costs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="tracker_bench")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database(s)")
    parser.add_argument("--bills", type=int, default=10_000)
    parser.add_argument("--events-per-bill", type=int, default=10)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per page and mode")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds")
    parser.add_argument("--concurrency", type=int, default=4, help="client processes")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn")
    parser.add_argument("--query", default="/bills/?q=education&status=introduced")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="cache (Redis URL)")
    parser.add_argument(
        "--scale",
        action="store_true",
        help="also measure on 10x the data (its own database, built once) and print the growth",
    )
    parser.add_argument("--populate", metavar="DATABASE", help=argparse.SUPPRESS)
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings.local",
        "DJANGO_DEBUG": "false",
        "TRACKER_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        # The cache as in production (Redis); a database of its own so nothing else is disturbed.
        "REDIS_URL": args.redis,
        # The API's per-client limit would turn the load generator away.
        "RATELIMIT_API": "1000000/m",
    }
    if args.populate:
        sys.path.insert(0, str(ROOT))
        _populate(args.bills, args.events_per_bill)
        return 0

    databases = [(args.database, args.bills)]
    if args.scale:
        databases.append((f"{args.database}_10x", args.bills * 10))
    for database, bills in databases:
        _prepare(env, database, bills, args)
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env={**env, "DATABASE_URL": f"{PG}/{args.database}"},
        check=True,
    )

    pages = [
        ("trivial view", "/ping"),
        ("dashboard", "/"),
        ("bill list", "/bills/"),
        ("bill list, searched", args.query),
        ("bill page", "/bills/kz-lgbt-propaganda-ban/"),
        ("family page", "/families/lgbt-propaganda/"),
        ("API bill list", "/api/v1/bills/"),
    ]
    costs = []
    for database, _bills in databases:
        costs.append(_report(_bench(env, database, pages, args), pages))
    if args.scale:
        print(f"\ngrowth with 10x the data ({databases[1][0]} over {databases[0][0]}):")
        print(f"{'page':22} {'cache':>5} {'cost x':>7} {'cost 10x':>8} {'growth':>7}")
        for name, path in pages[1:]:
            for mode in ("on", "off"):
                small, large = costs[0][mode, path], costs[1][mode, path]
                print(
                    f"{name if mode == 'on' else '':22} {mode:>5} {small:7.2f} {large:8.2f} "
                    f"{large / small:6.2f}x"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
