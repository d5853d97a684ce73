"""Instructions per request of each public page, counted by valgrind's callgrind.

bench/web.py measures throughput, which moves by several per cent between runs on a shared
machine. This counts the instructions the Python process executes for one request (in-process,
through Django's test client, the page cache off), which gives the same figure on every run
whatever else the machine is doing: the way to tell whether a change to a page made it cheaper.
PostgreSQL's own work, in its own processes, is not counted.

    .venv/bin/python bench/instructions.py              # every page, and the trivial view
    .venv/bin/python bench/instructions.py --parts      # also the bill and family pages' parts:
                                                        # their queries, and their rendering alone
    .venv/bin/python bench/instructions.py --requests 3 # fewer requests per page (default 5)

It needs Debian's valgrind and the bench database that bench/web.py builds (`tracker_bench`).
Under callgrind Python runs about fifty times slower: a run takes two to three minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
PAGES = [
    ("trivial view", "/ping"),
    ("dashboard", "/"),
    ("bill list", "/bills/"),
    ("bill list, searched", "/bills/?q=education&status=introduced"),
    ("bill page", "/bills/kz-lgbt-propaganda-ban/"),
    ("family page", "/families/lgbt-propaganda/"),
    ("API bill list", "/api/v1/bills/"),
]
BILL, FAMILY = "kz-lgbt-propaganda-ban", "lgbt-propaganda"


def _measured(*, parts: bool) -> list[tuple[str, object]]:
    """(name, callable) for each measurement, in the child (Django set up)."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import Client, RequestFactory

    from web import families, selectors

    client = Client(HTTP_HOST="localhost")
    plan: list[tuple[str, object]] = [
        (name, lambda path=path: client.get(path)) for name, path in PAGES
    ]
    if not parts:
        return plan

    def request(path: str):
        made = RequestFactory().get(path, HTTP_HOST="localhost")
        made.user = AnonymousUser()
        return made

    def bill_data():
        bill = selectors.bill_get(slug=BILL)
        detail = selectors.bill_detail(bill=bill)
        executive = selectors.bill_executive(bill=bill, window=detail.open_window)
        return {"bill": bill, "detail": detail, "executive": executive}

    def family_data():
        family = families.family_get(slug=FAMILY)
        return {"family": family, "page": families.family_page(family=family)}

    bill, family = bill_data(), family_data()
    return [
        *plan,
        ("bill page: its queries", bill_data),
        (
            "bill page: rendering",
            lambda: render_to_string("web/bill_detail.html", bill, request(f"/bills/{BILL}/")),
        ),
        ("family page: its queries", family_data),
        (
            "family page: rendering",
            lambda: render_to_string(
                "web/family_detail.html", family, request(f"/families/{FAMILY}/")
            ),
        ),
    ]


def _child(args: argparse.Namespace) -> int:
    """Runs under callgrind: each measurement warmed up, then dumped around its requests."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    def dump(label: str) -> None:
        subprocess.run(
            ["callgrind_control", "-d", label, str(os.getpid())],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    for name, measure in _measured(parts=args.parts):
        for _ in range(3):  # templates compiled, caches and connections warm
            measure()  # type: ignore[operator]
        dump("warm")
        for _ in range(args.requests):
            measure()  # type: ignore[operator]
        dump(f"measured {name}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="tracker_bench")
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--parts", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args)

    var_dir = Path(tempfile.mkdtemp(prefix="tracker-instructions-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"{PG}/{args.database}",
        "REDIS_URL": "redis://127.0.0.1:6379/14",  # bench/web.py's cache database
        "RATELIMIT_API": "1000000/m",
        "WEB_CACHE_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "TRACKER_VAR_DIR": str(var_dir),
        "PYTHONPATH": str(ROOT),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    try:
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    except (subprocess.CalledProcessError, FileNotFoundError):
        print(f"cannot set up the bench database {args.database}: run bench/web.py once first")
        return 1
    out = var_dir / "callgrind"
    out.mkdir()
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}/out.%p",
        sys.executable,
        __file__,
        "--child",
        "--requests",
        str(args.requests),
        *(["--parts"] if args.parts else []),
    ]
    try:
        run = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        print("valgrind is not installed (Debian: apt-get install valgrind)")
        return 1
    if run.returncode != 0:
        print(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "valgrind failed")
        return 1
    counts = {}
    # The dumps in the order taken: out.<pid>.1, out.<pid>.2, ...
    for dump in sorted(out.glob("out.*.*"), key=lambda path: int(path.suffix[1:])):
        text = dump.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: dump measured (.*)$", text, re.MULTILINE)
        if trigger:
            summary = re.search(r"^summary: (\d+)$", text, re.MULTILINE)
            if summary:
                counts[trigger.group(1)] = int(summary.group(1)) / args.requests
    baseline = counts.get("trivial view")
    print(
        f"{args.database}: instructions per request (callgrind, in-process, page cache off, "
        f"{args.requests} requests after 3 of warm-up)\n"
    )
    print(f"{'measured':28} {'M instr':>9} {'x trivial':>10}")
    for name, per_request in counts.items():
        ratio = f"{per_request / baseline:10.1f}" if baseline else ""
        print(f"{name:28} {per_request / 1e6:9.2f} {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
