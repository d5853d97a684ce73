"""One alert to many subscribers: how fast the mails go out, and that each goes out once.

Runs the production stack of the fault tests (tests/faults/stack.py: a private PostgreSQL and
Redis, real Celery workers under the production settings, an SMTP catcher on loopback). For each
size and worker count: a fresh stack, one Kazakh bill and N confirmed subscribers (languages en,
ru and kk in turn), then the Senate's approval recorded through the services, which raises the
bill's 'new action' alert and fans it out to N deliveries. Prints the seconds from the raise to
the last mail accepted by the catcher, mails per second, the deliveries, mails, distinct
Message-IDs, duplicates and failures, and each worker's resident memory (its pool included).

    .venv/bin/python bench/fanout.py                       # 1,000 and 10,000; 1 and 2 workers
    .venv/bin/python bench/fanout.py --sizes 1000 --workers 1
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults.stack import PrivatePostgres, Stack  # noqa: E402

SETUP = """
from tests.faults.scenario import bills_create, subscribers_create
bills_create(1)
print(subscribers_create(per_bill={size}))
"""
RAISE = """
from tests.faults.scenario import bills_approve
bills_approve(days_ago=2)
"""


def _rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (a worker and its pool), in KiB."""
    pids = [pid]
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    pids += [int(child) for child in children]
    total = 0
    for one in pids:
        try:
            status = Path(f"/proc/{one}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def run(postgres: PrivatePostgres, size: int, workers: int, concurrency: int) -> dict:
    with Stack(
        workers=0, concurrency=concurrency, beat=False, web=False, postgres=postgres
    ) as stack:
        stack.python(SETUP.format(size=size), timeout=900)
        for n in range(workers):
            stack.start_worker(f"worker{n + 1}")
        time.sleep(3)  # the workers connect to Redis
        started = time.monotonic()
        stack.python(RAISE)
        last_count, deadline = 0, started + 900
        while True:
            count = len(stack.mail.snapshot())
            if count >= size:
                finished = time.monotonic()
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"only {count} of {size} mails after 900 s")
            last_count = count
            time.sleep(0.05)
        time.sleep(2)  # anything sent twice would arrive now
        received = Counter(str(m["Message-ID"]) for m in stack.mail.snapshot())
        rss = [
            _rss_kib(service.pid)
            for name, service in sorted(stack.services.items())
            if name.startswith("worker") and service.pid
        ]
        deliveries = stack.scalar("SELECT count(*) FROM events_delivery")
        failed = stack.scalar("SELECT count(*) FROM events_delivery WHERE status <> 'sent'")
        assert last_count <= size
        seconds = finished - started
        return {
            "size": size,
            "workers": workers,
            "seconds": seconds,
            "per_second": size / seconds,
            "deliveries": deliveries,
            "mails": sum(received.values()),
            "distinct": len(received),
            "duplicates": sum(n - 1 for n in received.values()),
            "failures": failed,
            "rss_mib": [round(kib / 1024) for kib in rss],
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--concurrency", type=int, default=2, help="pool processes per worker")
    args = parser.parse_args()
    postgres = PrivatePostgres()
    postgres.init()
    postgres.start()
    results = []
    try:
        for size in args.sizes:
            for workers in args.workers:
                results.append(run(postgres, size, workers, args.concurrency))
                r = results[-1]
                print(
                    f"{r['size']:>6} mails, {r['workers']} worker(s): {r['seconds']:.1f} s, "
                    f"{r['per_second']:.0f}/s",
                    flush=True,
                )
    finally:
        postgres.stop()
    print()
    print(
        f"one alert, subscribers in en/ru/kk; {args.concurrency} pool processes per worker; "
        "SMTP catcher on loopback; 2 CPUs shared by everything"
    )
    print(
        f"{'mails':>6} {'workers':>7} {'seconds':>8} {'mails/s':>8} {'deliveries':>10} "
        f"{'received':>8} {'distinct':>8} {'dupes':>5} {'failed':>6}  RSS per worker (MiB)"
    )
    for r in results:
        print(
            f"{r['size']:>6} {r['workers']:>7} {r['seconds']:>8.1f} {r['per_second']:>8.0f} "
            f"{r['deliveries']:>10} {r['mails']:>8} {r['distinct']:>8} {r['duplicates']:>5} "
            f"{r['failures']:>6}  {', '.join(map(str, r['rss_mib']))}"
        )
    ok = all(r["duplicates"] == 0 and r["failures"] == 0 for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
