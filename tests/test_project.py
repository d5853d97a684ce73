"""The project's wiring: settings load, migrations are complete, the app registry is sound."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    # --check exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")
