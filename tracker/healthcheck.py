"""Liveness: the `/healthz` view, and a tiny client that the container health check runs.

The client sends the first allowed host and `X-Forwarded-Proto: https`, as the TLS proxy would,
so that neither ALLOWED_HOSTS nor the HTTPS redirect of the production settings stand in its way.
"""

from __future__ import annotations

import os
import sys
import urllib.request

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the process can reach its database; anything else is a failure."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def main(url: str) -> int:
    host = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    # "*" allows any host; ".example.org" allows the domain and its subdomains.
    host = "localhost" if host in ("", "*") else host.lstrip(".")
    request = urllib.request.Request(  # noqa: S310 (a fixed http URL given by the health check)
        url, headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/healthz"))
