"""Can the subscribe form's answer tell a confirmed address from a pending or an unknown one?

Runs the production stack of the fault tests (tests/faults/stack.py: gunicorn under the
production settings, a private PostgreSQL and Redis, a Celery worker, an SMTP catcher), then
POSTs the subscribe form over HTTP for three kinds of address, interleaved in a random order
each round: an address already confirmed, one pending, and one never seen (a new one each try).
Prints, per case, the median, p90 and mean response time, and for each pair of cases the
two-sample Kolmogorov-Smirnov statistic and p-value (scipy). The answer leaks nothing when the
medians are within 10% and no pair is told apart (p > 0.01).

    .venv/bin/python bench/subscribe_timing.py               # 150 tries per case
    .venv/bin/python bench/subscribe_timing.py --tries 400
"""

from __future__ import annotations

import argparse
import http.client
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scipy.stats import ks_2samp  # noqa: E402

from tests.faults.stack import running_stack  # noqa: E402

SEED = """
from bills.models import Bill
from events.models import Subscription
from events.subscriptions import (
    subscription_confirm, subscription_request, subscription_request_process)
from events.tokens import confirm_token_issue
from tests.faults.scenario import bills_create
bill = Bill.objects.get(pk=bills_create(1)[0])
for email in ("confirmed@bench.example", "pending@bench.example"):
    request = subscription_request(email=email, language="en", bill=bill)
    subscription_request_process(request_id=request.pk)
subscription_confirm(token=confirm_token_issue(Subscription.objects.get(email="confirmed@bench.example")))
print(bill.slug)
"""
HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}


class Browser:
    """One visitor's session: the form's CSRF cookie and token, then timed POSTs."""

    def __init__(self, port: int, slug: str) -> None:
        self.port, self.slug = port, slug
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", f"/alerts/subscribe/?bill={slug}", headers=HEADERS)
        response = conn.getresponse()
        body = response.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if response.status != 200 or not cookie or not token:
            raise SystemExit(f"cannot read the subscribe form: {response.status}")
        self.cookie, self.token = cookie.group(1), token.group(1)
        conn.close()

    def post(self, email: str) -> tuple[float, int]:
        data = urlencode(
            {"csrfmiddlewaretoken": self.token, "email": email, "language": "en", "bill": self.slug}
        )
        headers = {
            **HEADERS,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={self.cookie}",
            "Referer": "https://127.0.0.1/alerts/subscribe/",
        }
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        start = time.perf_counter()
        conn.request("POST", "/alerts/subscribe/", body=data, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        conn.close()
        return elapsed, response.status


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=150, help="tries per case (at least 100)")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    env = {"RATELIMIT_SUBSCRIBE": "1000000/h", "LOG_LEVEL": "WARNING"}
    with running_stack(workers=1, beat=False, extra_env=env) as stack:
        slug = stack.python(SEED).strip().splitlines()[-1]
        browser = Browser(stack.web_port, slug)
        cases = {
            "confirmed": lambda n: "confirmed@bench.example",
            "pending": lambda n: "pending@bench.example",
            "unknown": lambda n: f"new{n}@bench.example",
        }
        for n in range(args.warmup):
            for case in cases.values():
                browser.post(case(-1 - n))
        times: dict[str, list[float]] = {name: [] for name in cases}
        statuses: set[int] = set()
        rng = random.Random(20261202)
        for n in range(args.tries):
            order = list(cases)
            rng.shuffle(order)
            for name in order:
                elapsed, status = browser.post(cases[name](n))
                statuses.add(status)
                times[name].append(elapsed * 1000)
    print(
        f"POST /alerts/subscribe/ on the production stack, {args.tries} interleaved tries per case"
    )
    print(f"status codes seen: {sorted(statuses)}")
    print(f"{'case':<10} {'median ms':>10} {'p90 ms':>8} {'mean ms':>8}")
    medians = {}
    for name, values in times.items():
        medians[name] = statistics.median(values)
        print(
            f"{name:<10} {medians[name]:>10.2f} {_p90(values):>8.2f} "
            f"{statistics.fmean(values):>8.2f}"
        )
    spread = max(medians.values()) / min(medians.values()) - 1
    print(f"largest difference between medians: {spread * 100:.1f}%")
    told_apart = False
    names = list(times)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            result = ks_2samp(times[a], times[b])
            told_apart |= result.pvalue <= 0.01
            print(f"KS {a} vs {b}: D = {result.statistic:.3f}, p = {result.pvalue:.3f}")
    verdict = "indistinguishable" if spread <= 0.10 and not told_apart else "DISTINGUISHABLE"
    print(f"verdict: {verdict} (medians within 10% and every KS p > 0.01)")
    return 0 if statuses == {302} else 1


if __name__ == "__main__":
    sys.exit(main())
