"""The triggers' SQL is history: each migration that installs triggers holds its own copy, and
the SQLite re-creation after `migrate` takes the SQL of the newest such migration."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import connection

from bills import db_triggers

MIGRATIONS = Path(db_triggers.__file__).resolve().parent / "migrations"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_no_migration_reads_its_sql_from_live_code():
    for path in sorted(MIGRATIONS.glob("0*.py")):
        assert "bills.db_triggers" not in _imports(path), path.name


def test_the_sqlite_triggers_come_from_the_newest_trigger_migration():
    with_sql = [
        path.stem
        for path in sorted(MIGRATIONS.glob("0*.py"))
        if "SQLITE_CREATE" in path.read_text(encoding="utf-8")
    ]
    assert with_sql[-1] == db_triggers.MIGRATION[1]
    assert db_triggers.current().SQLITE_CREATE


@pytest.mark.django_db
def test_the_database_has_the_current_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = {row[0] for row in cursor.fetchall()}
            expected = {rule[0] for rule in db_triggers.current().SQLITE_RULES}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            names = {row[0] for row in cursor.fetchall()}
            expected = {
                "record_vote_check",
                "record_event_check",
                "record_bill_check",
                "record_chamber_check",
            }
    assert expected <= names
