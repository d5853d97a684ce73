"""Schemathesis against the API's own OpenAPI document: generated requests to every operation,
on the test database (SQLite, then PostgreSQL in CI's second pass); no answer is a server error,
and every answer conforms to the document. The counts are printed at the end."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tests.record import UNKNOWN, kz_record

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CALLS: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _print_counts(request):
    yield
    lines = [f"{op}: {n} calls" for op, n in sorted(CALLS.items()) if not op.startswith("status")]
    statuses = ", ".join(
        f"{k[7:]}: {n}" for k, n in sorted(CALLS.items()) if k.startswith("status")
    )
    # Past pytest's output capture, into CI's log.
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print(
            "\n[schemathesis] "
            + f"{sum(n for k, n in CALLS.items() if not k.startswith('status'))} requests over "
            + f"{sum(1 for line in lines if line.startswith('GET '))} operations "
            + f"({len(lines)} method and path pairs, with the undocumented methods); "
            + f"statuses {statuses}"
        )


@pytest.fixture
def record(db):
    return kz_record(senate_approved=UNKNOWN)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Schemathesis calls the WSGI application itself, which closes the database connection at
    # the end of each request; on PostgreSQL that ends the test's transaction. Django's own test
    # client detaches the same receiver for the same reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_conforms_and_none_is_a_server_error(case, record):
    # The checks of the answers (no server error; status code, content type, headers and body as
    # documented). Not the two checks of how strictly input is read: an unknown id is valid by
    # the document's types yet names nothing (a documented 400 or 404), and an empty filter
    # (`?status=`) means no filter, as on the site's own list.
    # Uncompressed answers: Schemathesis' WSGI transport would not decode brotli or zstd
    # (tests/web/test_compression.py covers compression).
    response = case.call_and_validate(
        headers={"Accept-Encoding": "identity"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
    CALLS[f"{case.method} {case.path}"] += 1
    CALLS[f"status {response.status_code}"] += 1
    assert response.status_code < 500
