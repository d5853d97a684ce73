# ruff: noqa: E501, S608  (constant DDL, no user input; long RAISE messages kept on one line)
"""The record's cross-table rules as database triggers, for SQLite and PostgreSQL.

CheckConstraints cannot look at other rows, so these rules (also checked, with friendlier
messages, by the models' clean() and the services) are enforced by triggers: a vote or event
saved with .save() / .objects.create() / raw SQL that breaks them is rejected with an
IntegrityError. Rules:
  - a vote's / event's chamber belongs to the bill's jurisdiction (and a bill's originating
    chamber too; re-pointing a bill or chamber to another jurisdiction cannot break this);
  - a vote's counts add up to no more than the chamber's seats (where seats are known; lowering
    a chamber's seats below a recorded vote is rejected too);
  - a vote is not dated before the bill's introduction (nor can the introduction move after a vote);
  - a vote is not dated in the future. The database only knows UTC, so it allows today + 1 day
    (the furthest-ahead time zone is UTC+14); the forms check the jurisdiction's own date.

Created by migration bills/0003_record_triggers. On SQLite a table rebuilt by a later migration
(Django's ALTER TABLE emulation) loses its triggers, and triggers naming a table being rebuilt
break the rebuild; so on SQLite the triggers are dropped before every `migrate` and re-created
after it (bills.apps). PostgreSQL keeps triggers across ALTER TABLE and needs none of that.
"""

from __future__ import annotations

ERR = "check_violation"  # SQLSTATE 23514: psycopg raises IntegrityError

POSTGRES_FORWARD = [
    f"""
CREATE OR REPLACE FUNCTION record_vote_check() RETURNS trigger AS $$
DECLARE
    bill_jurisdiction integer;
    bill_introduced date;
    chamber_jurisdiction integer;
    chamber_seats integer;
    total integer;
BEGIN
    SELECT jurisdiction_id, introduced_on INTO bill_jurisdiction, bill_introduced
        FROM bills_bill WHERE id = NEW.bill_id;
    SELECT jurisdiction_id, seats INTO chamber_jurisdiction, chamber_seats
        FROM bills_chamber WHERE id = NEW.chamber_id;
    IF chamber_jurisdiction IS DISTINCT FROM bill_jurisdiction THEN
        RAISE EXCEPTION 'vote_chamber_jurisdiction: the vote''s chamber belongs to another jurisdiction than the bill''s'
            USING ERRCODE = '{ERR}';
    END IF;
    total := COALESCE(NEW.yes_count, 0) + COALESCE(NEW.no_count, 0)
        + COALESCE(NEW.abstain_count, 0) + COALESCE(NEW.absent_count, 0)
        + COALESCE(NEW.not_voting_count, 0);
    IF chamber_seats IS NOT NULL AND total > chamber_seats THEN
        RAISE EXCEPTION 'vote_counts_within_seats: counts total % exceeds the chamber''s % seats',
            total, chamber_seats USING ERRCODE = '{ERR}';
    END IF;
    IF bill_introduced IS NOT NULL AND NEW.date < bill_introduced THEN
        RAISE EXCEPTION 'vote_after_introduction: vote dated % before the bill''s introduction on %',
            NEW.date, bill_introduced USING ERRCODE = '{ERR}';
    END IF;
    IF NEW.date > CURRENT_DATE + 1 THEN
        RAISE EXCEPTION 'vote_not_in_future: vote dated % is in the future', NEW.date
            USING ERRCODE = '{ERR}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER record_vote_check BEFORE INSERT OR UPDATE ON bills_vote
    FOR EACH ROW EXECUTE FUNCTION record_vote_check();
""",
    f"""
CREATE OR REPLACE FUNCTION record_event_check() RETURNS trigger AS $$
BEGIN
    IF NEW.chamber_id IS NOT NULL AND (
        SELECT jurisdiction_id FROM bills_chamber WHERE id = NEW.chamber_id
    ) IS DISTINCT FROM (SELECT jurisdiction_id FROM bills_bill WHERE id = NEW.bill_id) THEN
        RAISE EXCEPTION 'event_chamber_jurisdiction: the event''s chamber belongs to another jurisdiction than the bill''s'
            USING ERRCODE = '{ERR}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER record_event_check BEFORE INSERT OR UPDATE ON events_event
    FOR EACH ROW EXECUTE FUNCTION record_event_check();
""",
    f"""
CREATE OR REPLACE FUNCTION record_bill_check() RETURNS trigger AS $$
BEGIN
    IF NEW.originating_chamber_id IS NOT NULL AND (
        SELECT jurisdiction_id FROM bills_chamber WHERE id = NEW.originating_chamber_id
    ) IS DISTINCT FROM NEW.jurisdiction_id THEN
        RAISE EXCEPTION 'bill_originating_chamber_jurisdiction: the originating chamber belongs to another jurisdiction'
            USING ERRCODE = '{ERR}';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.introduced_on IS NOT NULL AND EXISTS (
            SELECT 1 FROM bills_vote WHERE bill_id = NEW.id AND date < NEW.introduced_on
        ) THEN
            RAISE EXCEPTION 'vote_after_introduction: the bill has a vote dated before its introduction on %',
                NEW.introduced_on USING ERRCODE = '{ERR}';
        END IF;
        IF NEW.jurisdiction_id <> OLD.jurisdiction_id AND (
            EXISTS (SELECT 1 FROM bills_vote v JOIN bills_chamber c ON c.id = v.chamber_id
                    WHERE v.bill_id = NEW.id AND c.jurisdiction_id <> NEW.jurisdiction_id)
            OR EXISTS (SELECT 1 FROM events_event e JOIN bills_chamber c ON c.id = e.chamber_id
                    WHERE e.bill_id = NEW.id AND c.jurisdiction_id <> NEW.jurisdiction_id)
        ) THEN
            RAISE EXCEPTION 'vote_chamber_jurisdiction: the bill has votes or events in chambers of its old jurisdiction'
                USING ERRCODE = '{ERR}';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER record_bill_check BEFORE INSERT OR UPDATE ON bills_bill
    FOR EACH ROW EXECUTE FUNCTION record_bill_check();
""",
    f"""
CREATE OR REPLACE FUNCTION record_chamber_check() RETURNS trigger AS $$
BEGIN
    IF NEW.seats IS NOT NULL AND EXISTS (
        SELECT 1 FROM bills_vote WHERE chamber_id = NEW.id AND
            COALESCE(yes_count, 0) + COALESCE(no_count, 0) + COALESCE(abstain_count, 0)
            + COALESCE(absent_count, 0) + COALESCE(not_voting_count, 0) > NEW.seats
    ) THEN
        RAISE EXCEPTION 'vote_counts_within_seats: a recorded vote counts more than % seats', NEW.seats
            USING ERRCODE = '{ERR}';
    END IF;
    IF NEW.jurisdiction_id <> OLD.jurisdiction_id AND (
        EXISTS (SELECT 1 FROM bills_vote v JOIN bills_bill b ON b.id = v.bill_id
                WHERE v.chamber_id = NEW.id AND b.jurisdiction_id <> NEW.jurisdiction_id)
        OR EXISTS (SELECT 1 FROM events_event e JOIN bills_bill b ON b.id = e.bill_id
                WHERE e.chamber_id = NEW.id AND b.jurisdiction_id <> NEW.jurisdiction_id)
    ) THEN
        RAISE EXCEPTION 'vote_chamber_jurisdiction: the chamber has votes or events on bills of its old jurisdiction'
            USING ERRCODE = '{ERR}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER record_chamber_check BEFORE UPDATE ON bills_chamber
    FOR EACH ROW EXECUTE FUNCTION record_chamber_check();
""",
]

POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS record_vote_check ON bills_vote;",
    "DROP FUNCTION IF EXISTS record_vote_check();",
    "DROP TRIGGER IF EXISTS record_event_check ON events_event;",
    "DROP FUNCTION IF EXISTS record_event_check();",
    "DROP TRIGGER IF EXISTS record_bill_check ON bills_bill;",
    "DROP FUNCTION IF EXISTS record_bill_check();",
    "DROP TRIGGER IF EXISTS record_chamber_check ON bills_chamber;",
    "DROP FUNCTION IF EXISTS record_chamber_check();",
]

# SQLite: RAISE(ABORT, ...) inside a trigger is a constraint failure (sqlite3.IntegrityError).
_VOTE_TOTAL = (
    "COALESCE(NEW.yes_count, 0) + COALESCE(NEW.no_count, 0) + COALESCE(NEW.abstain_count, 0)"
    " + COALESCE(NEW.absent_count, 0) + COALESCE(NEW.not_voting_count, 0)"
)
_ROW_TOTAL = (
    "COALESCE(yes_count, 0) + COALESCE(no_count, 0) + COALESCE(abstain_count, 0)"
    " + COALESCE(absent_count, 0) + COALESCE(not_voting_count, 0)"
)


def _sqlite_trigger(name: str, when: str, table: str, condition: str, message: str) -> str:
    return (
        f"CREATE TRIGGER {name} BEFORE {when} ON {table} FOR EACH ROW WHEN {condition} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
    )


def _sqlite_rules() -> list[tuple[str, str, str, str, str]]:
    vote_rules = [
        (
            "vote_chamber_jurisdiction",
            "(SELECT jurisdiction_id FROM bills_chamber WHERE id = NEW.chamber_id)"
            " IS NOT (SELECT jurisdiction_id FROM bills_bill WHERE id = NEW.bill_id)",
            "vote_chamber_jurisdiction: the vote chamber belongs to another jurisdiction",
        ),
        (
            "vote_counts_within_seats",
            f"(SELECT seats FROM bills_chamber WHERE id = NEW.chamber_id) < {_VOTE_TOTAL}",
            "vote_counts_within_seats: counts total exceeds the chamber seats",
        ),
        (
            "vote_after_introduction",
            "NEW.date < (SELECT introduced_on FROM bills_bill WHERE id = NEW.bill_id)",
            "vote_after_introduction: vote dated before the bill introduction",
        ),
        (
            "vote_not_in_future",
            "NEW.date > date('now', '+1 day')",
            "vote_not_in_future: vote dated in the future",
        ),
    ]
    rules = []
    for name, condition, message in vote_rules:
        for when in ("INSERT", "UPDATE"):
            rules.append((f"{name}_{when.lower()}", when, "bills_vote", condition, message))
    event_condition = (
        "NEW.chamber_id IS NOT NULL AND "
        "(SELECT jurisdiction_id FROM bills_chamber WHERE id = NEW.chamber_id)"
        " IS NOT (SELECT jurisdiction_id FROM bills_bill WHERE id = NEW.bill_id)"
    )
    event_message = "event_chamber_jurisdiction: the event chamber belongs to another jurisdiction"
    for when in ("INSERT", "UPDATE"):
        rules.append(
            (
                f"event_chamber_jurisdiction_{when.lower()}",
                when,
                "events_event",
                event_condition,
                event_message,
            )
        )
    origin_condition = (
        "NEW.originating_chamber_id IS NOT NULL AND "
        "(SELECT jurisdiction_id FROM bills_chamber WHERE id = NEW.originating_chamber_id)"
        " IS NOT NEW.jurisdiction_id"
    )
    for when in ("INSERT", "UPDATE"):
        rules.append(
            (
                f"bill_originating_chamber_jurisdiction_{when.lower()}",
                when,
                "bills_bill",
                origin_condition,
                "bill_originating_chamber_jurisdiction: originating chamber in another jurisdiction",
            )
        )
    rules += [
        (
            "bill_introduction_before_votes",
            "UPDATE",
            "bills_bill",
            "NEW.introduced_on IS NOT NULL AND EXISTS (SELECT 1 FROM bills_vote"
            " WHERE bill_id = NEW.id AND date < NEW.introduced_on)",
            "vote_after_introduction: the bill has a vote dated before its introduction",
        ),
        (
            "bill_jurisdiction_keeps_chambers",
            "UPDATE",
            "bills_bill",
            "NEW.jurisdiction_id <> OLD.jurisdiction_id AND ("
            "EXISTS (SELECT 1 FROM bills_vote v JOIN bills_chamber c ON c.id = v.chamber_id"
            " WHERE v.bill_id = NEW.id AND c.jurisdiction_id <> NEW.jurisdiction_id)"
            " OR EXISTS (SELECT 1 FROM events_event e JOIN bills_chamber c ON c.id = e.chamber_id"
            " WHERE e.bill_id = NEW.id AND c.jurisdiction_id <> NEW.jurisdiction_id))",
            "vote_chamber_jurisdiction: the bill has votes or events in chambers of its old"
            " jurisdiction",
        ),
        (
            "chamber_seats_cover_votes",
            "UPDATE",
            "bills_chamber",
            "NEW.seats IS NOT NULL AND EXISTS (SELECT 1 FROM bills_vote"
            f" WHERE chamber_id = NEW.id AND {_ROW_TOTAL} > NEW.seats)",
            "vote_counts_within_seats: a recorded vote counts more than the new seats",
        ),
        (
            "chamber_jurisdiction_keeps_bills",
            "UPDATE",
            "bills_chamber",
            "NEW.jurisdiction_id <> OLD.jurisdiction_id AND ("
            "EXISTS (SELECT 1 FROM bills_vote v JOIN bills_bill b ON b.id = v.bill_id"
            " WHERE v.chamber_id = NEW.id AND b.jurisdiction_id <> NEW.jurisdiction_id)"
            " OR EXISTS (SELECT 1 FROM events_event e JOIN bills_bill b ON b.id = e.bill_id"
            " WHERE e.chamber_id = NEW.id AND b.jurisdiction_id <> NEW.jurisdiction_id))",
            "vote_chamber_jurisdiction: the chamber has votes or events on bills of its old"
            " jurisdiction",
        ),
    ]
    return rules


def statements(vendor: str, *, create: bool) -> list[str]:
    """The SQL that creates (or drops) the triggers on this database vendor."""
    if vendor == "postgresql":
        return POSTGRES_FORWARD if create else POSTGRES_BACKWARD
    if vendor == "sqlite":
        if create:
            return [_sqlite_trigger(*rule) for rule in _sqlite_rules()]
        return [f"DROP TRIGGER IF EXISTS {rule[0]};" for rule in _sqlite_rules()]
    raise NotImplementedError(
        f"record triggers are written for sqlite and postgresql, not {vendor}"
    )


MIGRATION = ("bills", "0003_record_triggers")
TABLES = ("bills_bill", "bills_chamber", "bills_vote", "events_event")


def sqlite_drop(connection) -> None:
    """Before migrate: drop the SQLite triggers so table rebuilds neither fail nor lose them."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for sql in statements("sqlite", create=False):
            cursor.execute(sql)


def sqlite_recreate(connection) -> None:
    """After migrate: re-create the SQLite triggers if their migration is applied."""
    if connection.vendor != "sqlite":
        return
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table() or MIGRATION not in recorder.applied_migrations():
        return
    if not set(TABLES) <= set(connection.introspection.table_names()):
        return
    with connection.cursor() as cursor:
        for sql in statements("sqlite", create=False) + statements("sqlite", create=True):
            cursor.execute(sql)
