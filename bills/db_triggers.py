"""Keeping the record's SQLite triggers across migrations.

The triggers and their SQL live in migrations (bills/migrations/0011_record_triggers.py holds the
current set, for PostgreSQL and SQLite), so a rule changes only by a new migration. PostgreSQL
keeps triggers across ALTER TABLE. SQLite does not: Django emulates most ALTER TABLEs by
rebuilding the table, which drops its triggers, and a trigger naming a table being rebuilt can
break the rebuild. So on SQLite every trigger on the record's tables is dropped before each
`migrate` and the current migration's set is created after it (signals wired in bills.apps).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

# The migration that holds the triggers in force. A new trigger migration replaces this name.
MIGRATION = ("bills", "0011_record_triggers")
# events_event: the timeline's table before bills/0007 (a database migrated from an older release).
RECORD_TABLES = ("bills_bill", "bills_chamber", "bills_event", "bills_vote", "events_event")


def current() -> ModuleType:
    """The migration module whose SQL is in force."""
    return importlib.import_module(f"{MIGRATION[0]}.migrations.{MIGRATION[1]}")


def sqlite_drop(connection: BaseDatabaseWrapper) -> None:
    """Before migrate: drop every trigger on the record's tables (current or older sets)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        placeholders = ", ".join("%s" for _ in RECORD_TABLES)
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "  # noqa: S608
            f"AND tbl_name IN ({placeholders})",
            list(RECORD_TABLES),
        )
        names = [row[0] for row in cursor.fetchall()]
        for name in names:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def sqlite_recreate(connection: BaseDatabaseWrapper) -> None:
    """After migrate: create the current migration's SQLite triggers, if it is applied."""
    if connection.vendor != "sqlite":
        return
    recorder = MigrationRecorder(connection)
    if not recorder.has_table() or MIGRATION not in recorder.applied_migrations():
        return
    migration = current()
    if not set(migration.TABLES) <= set(connection.introspection.table_names()):
        return
    sqlite_drop(connection)
    with connection.cursor() as cursor:
        for sql in migration.SQLITE_CREATE:
            cursor.execute(sql)
