# ruff: noqa: E501  (constant DDL, no user input; long RAISE messages kept on one line)
"""The record's cross-table rules as database triggers, for PostgreSQL and SQLite.

CheckConstraints cannot look at other rows, so these rules (also checked, with friendlier
messages, by the models' clean() and by bills.derivation) are triggers: a row saved with .save(),
.objects.create(), .update() or raw SQL that breaks them is rejected with an IntegrityError.

  - an event's chamber belongs to the bill's jurisdiction, and so does a bill's originating
    chamber; moving a bill or a chamber to another jurisdiction cannot break either;
  - a vote belongs to an act of a chamber, and its counts add up to no more than that chamber's
    seats (where known; lowering the seats below a recorded vote is refused too);
  - no public legislative act is dated before the bill's introduction (nor can the introduction
    move after one), or in the future. The database knows only UTC, so it allows today + 1 day
    (the furthest-ahead time zone is UTC+14); the models check the jurisdiction's own date.

This migration holds its own copy of the SQL. On SQLite a table rebuilt by a later migration
loses its triggers, so bills.db_triggers drops them before every migrate and re-creates them
after it from SQLITE_CREATE below; a change to the rules is a new migration, never an edit here.
"""

from django.db import migrations

ERR = "check_violation"  # SQLSTATE 23514: psycopg raises IntegrityError
ADVOCACY = "('statement', 'press-conference', 'detention', 'incident', 'other')"

POSTGRES_DROP_PREVIOUS = [
    "DROP TRIGGER IF EXISTS record_vote_check ON bills_vote;",
    "DROP FUNCTION IF EXISTS record_vote_check();",
    "DROP TRIGGER IF EXISTS record_event_check ON bills_event;",
    "DROP FUNCTION IF EXISTS record_event_check();",
    "DROP TRIGGER IF EXISTS record_bill_check ON bills_bill;",
    "DROP FUNCTION IF EXISTS record_bill_check();",
    "DROP TRIGGER IF EXISTS record_chamber_check ON bills_chamber;",
    "DROP FUNCTION IF EXISTS record_chamber_check();",
]

POSTGRES_CREATE = [
    f"""
CREATE FUNCTION record_vote_check() RETURNS trigger AS $$
DECLARE
    action_chamber integer;
    chamber_seats integer;
    total integer;
BEGIN
    SELECT chamber_id INTO action_chamber FROM bills_event WHERE id = NEW.action_id;
    IF action_chamber IS NULL THEN
        RAISE EXCEPTION 'vote_action_of_a_chamber: a vote decides an act of a chamber; the action has none'
            USING ERRCODE = '{ERR}';
    END IF;
    SELECT seats INTO chamber_seats FROM bills_chamber WHERE id = action_chamber;
    total := COALESCE(NEW.yes_count, 0) + COALESCE(NEW.no_count, 0)
        + COALESCE(NEW.abstain_count, 0) + COALESCE(NEW.absent_count, 0)
        + COALESCE(NEW.not_voting_count, 0);
    IF chamber_seats IS NOT NULL AND total > chamber_seats THEN
        RAISE EXCEPTION 'vote_counts_within_seats: counts total % exceeds the chamber''s % seats',
            total, chamber_seats USING ERRCODE = '{ERR}';
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
CREATE FUNCTION record_event_check() RETURNS trigger AS $$
DECLARE
    bill_jurisdiction integer;
    bill_introduced date;
BEGIN
    SELECT jurisdiction_id, introduced_on INTO bill_jurisdiction, bill_introduced
        FROM bills_bill WHERE id = NEW.bill_id;
    IF NEW.chamber_id IS NOT NULL AND (
        SELECT jurisdiction_id FROM bills_chamber WHERE id = NEW.chamber_id
    ) IS DISTINCT FROM bill_jurisdiction THEN
        RAISE EXCEPTION 'event_chamber_jurisdiction: the event''s chamber belongs to another jurisdiction than the bill''s'
            USING ERRCODE = '{ERR}';
    END IF;
    IF NEW.date > CURRENT_DATE + 1 THEN
        RAISE EXCEPTION 'event_not_in_future: event dated % is in the future', NEW.date
            USING ERRCODE = '{ERR}';
    END IF;
    IF NEW.visibility = 'public' AND NEW.classification NOT IN {ADVOCACY}
        AND bill_introduced IS NOT NULL AND NEW.date < bill_introduced THEN
        RAISE EXCEPTION 'act_after_introduction: act dated % before the bill''s introduction on %',
            NEW.date, bill_introduced USING ERRCODE = '{ERR}';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.chamber_id IS NULL AND EXISTS (
        SELECT 1 FROM bills_vote WHERE action_id = NEW.id
    ) THEN
        RAISE EXCEPTION 'vote_action_of_a_chamber: a vote decided this act; it keeps its chamber'
            USING ERRCODE = '{ERR}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER record_event_check BEFORE INSERT OR UPDATE ON bills_event
    FOR EACH ROW EXECUTE FUNCTION record_event_check();
""",
    f"""
CREATE FUNCTION record_bill_check() RETURNS trigger AS $$
BEGIN
    IF NEW.originating_chamber_id IS NOT NULL AND (
        SELECT jurisdiction_id FROM bills_chamber WHERE id = NEW.originating_chamber_id
    ) IS DISTINCT FROM NEW.jurisdiction_id THEN
        RAISE EXCEPTION 'bill_originating_chamber_jurisdiction: the originating chamber belongs to another jurisdiction'
            USING ERRCODE = '{ERR}';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.introduced_on IS NOT NULL AND EXISTS (
            SELECT 1 FROM bills_event WHERE bill_id = NEW.id AND visibility = 'public'
                AND classification NOT IN {ADVOCACY} AND date < NEW.introduced_on
        ) THEN
            RAISE EXCEPTION 'act_after_introduction: the bill has an act dated before its introduction on %',
                NEW.introduced_on USING ERRCODE = '{ERR}';
        END IF;
        IF NEW.jurisdiction_id <> OLD.jurisdiction_id AND EXISTS (
            SELECT 1 FROM bills_event e JOIN bills_chamber c ON c.id = e.chamber_id
                WHERE e.bill_id = NEW.id AND c.jurisdiction_id <> NEW.jurisdiction_id
        ) THEN
            RAISE EXCEPTION 'event_chamber_jurisdiction: the bill has acts of chambers of its old jurisdiction'
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
CREATE FUNCTION record_chamber_check() RETURNS trigger AS $$
BEGIN
    IF NEW.seats IS NOT NULL AND EXISTS (
        SELECT 1 FROM bills_vote v JOIN bills_event e ON e.id = v.action_id
            WHERE e.chamber_id = NEW.id AND
            COALESCE(v.yes_count, 0) + COALESCE(v.no_count, 0) + COALESCE(v.abstain_count, 0)
            + COALESCE(v.absent_count, 0) + COALESCE(v.not_voting_count, 0) > NEW.seats
    ) THEN
        RAISE EXCEPTION 'vote_counts_within_seats: a recorded vote counts more than % seats', NEW.seats
            USING ERRCODE = '{ERR}';
    END IF;
    IF NEW.jurisdiction_id <> OLD.jurisdiction_id AND (
        EXISTS (SELECT 1 FROM bills_event e JOIN bills_bill b ON b.id = e.bill_id
                WHERE e.chamber_id = NEW.id AND b.jurisdiction_id <> NEW.jurisdiction_id)
        OR EXISTS (SELECT 1 FROM bills_bill b WHERE b.originating_chamber_id = NEW.id
                AND b.jurisdiction_id <> NEW.jurisdiction_id)
    ) THEN
        RAISE EXCEPTION 'event_chamber_jurisdiction: the chamber has acts or bills in its old jurisdiction'
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

# SQLite: RAISE(ABORT, ...) inside a trigger is a constraint failure (sqlite3.IntegrityError).
_TOTAL = (
    "COALESCE({p}yes_count, 0) + COALESCE({p}no_count, 0) + COALESCE({p}abstain_count, 0)"
    " + COALESCE({p}absent_count, 0) + COALESCE({p}not_voting_count, 0)"
)
_PUBLIC_ACT = f"{{p}}visibility = 'public' AND {{p}}classification NOT IN {ADVOCACY}"

# (name, event, table, condition, message)
SQLITE_RULES = [
    *[
        (
            f"vote_action_of_a_chamber_{when.lower()}",
            when,
            "bills_vote",
            "(SELECT chamber_id FROM bills_event WHERE id = NEW.action_id) IS NULL",
            "vote_action_of_a_chamber: a vote decides an act of a chamber; the action has none",
        )
        for when in ("INSERT", "UPDATE")
    ],
    *[
        (
            f"vote_counts_within_seats_{when.lower()}",
            when,
            "bills_vote",
            "(SELECT c.seats FROM bills_chamber c JOIN bills_event e ON e.chamber_id = c.id"
            " WHERE e.id = NEW.action_id) < " + _TOTAL.format(p="NEW."),
            "vote_counts_within_seats: counts total exceeds the chamber seats",
        )
        for when in ("INSERT", "UPDATE")
    ],
    *[
        (
            f"event_chamber_jurisdiction_{when.lower()}",
            when,
            "bills_event",
            "NEW.chamber_id IS NOT NULL AND "
            "(SELECT jurisdiction_id FROM bills_chamber WHERE id = NEW.chamber_id)"
            " IS NOT (SELECT jurisdiction_id FROM bills_bill WHERE id = NEW.bill_id)",
            "event_chamber_jurisdiction: the event chamber belongs to another jurisdiction",
        )
        for when in ("INSERT", "UPDATE")
    ],
    *[
        (
            f"event_not_in_future_{when.lower()}",
            when,
            "bills_event",
            "NEW.date > date('now', '+1 day')",
            "event_not_in_future: event dated in the future",
        )
        for when in ("INSERT", "UPDATE")
    ],
    *[
        (
            f"act_after_introduction_{when.lower()}",
            when,
            "bills_event",
            _PUBLIC_ACT.format(p="NEW.")
            + " AND NEW.date < (SELECT introduced_on FROM bills_bill WHERE id = NEW.bill_id)",
            "act_after_introduction: act dated before the bill introduction",
        )
        for when in ("INSERT", "UPDATE")
    ],
    (
        "vote_action_keeps_chamber",
        "UPDATE",
        "bills_event",
        "NEW.chamber_id IS NULL AND EXISTS (SELECT 1 FROM bills_vote WHERE action_id = NEW.id)",
        "vote_action_of_a_chamber: a vote decided this act; it keeps its chamber",
    ),
    *[
        (
            f"bill_originating_chamber_jurisdiction_{when.lower()}",
            when,
            "bills_bill",
            "NEW.originating_chamber_id IS NOT NULL AND "
            "(SELECT jurisdiction_id FROM bills_chamber WHERE id = NEW.originating_chamber_id)"
            " IS NOT NEW.jurisdiction_id",
            "bill_originating_chamber_jurisdiction: originating chamber in another jurisdiction",
        )
        for when in ("INSERT", "UPDATE")
    ],
    (
        "bill_introduction_before_acts",
        "UPDATE",
        "bills_bill",
        "NEW.introduced_on IS NOT NULL AND EXISTS (SELECT 1 FROM bills_event"
        " WHERE bill_id = NEW.id AND " + _PUBLIC_ACT.format(p="") + " AND date < NEW.introduced_on)",
        "act_after_introduction: the bill has an act dated before its introduction",
    ),
    (
        "bill_jurisdiction_keeps_chambers",
        "UPDATE",
        "bills_bill",
        "NEW.jurisdiction_id <> OLD.jurisdiction_id AND EXISTS (SELECT 1 FROM bills_event e"
        " JOIN bills_chamber c ON c.id = e.chamber_id"
        " WHERE e.bill_id = NEW.id AND c.jurisdiction_id <> NEW.jurisdiction_id)",
        "event_chamber_jurisdiction: the bill has acts of chambers of its old jurisdiction",
    ),
    (
        "chamber_seats_cover_votes",
        "UPDATE",
        "bills_chamber",
        "NEW.seats IS NOT NULL AND EXISTS (SELECT 1 FROM bills_vote v"
        " JOIN bills_event e ON e.id = v.action_id"
        " WHERE e.chamber_id = NEW.id AND " + _TOTAL.format(p="v.") + " > NEW.seats)",
        "vote_counts_within_seats: a recorded vote counts more than the new seats",
    ),
    (
        "chamber_jurisdiction_keeps_acts",
        "UPDATE",
        "bills_chamber",
        "NEW.jurisdiction_id <> OLD.jurisdiction_id AND ("
        "EXISTS (SELECT 1 FROM bills_event e JOIN bills_bill b ON b.id = e.bill_id"
        " WHERE e.chamber_id = NEW.id AND b.jurisdiction_id <> NEW.jurisdiction_id)"
        " OR EXISTS (SELECT 1 FROM bills_bill b WHERE b.originating_chamber_id = NEW.id"
        " AND b.jurisdiction_id <> NEW.jurisdiction_id))",
        "event_chamber_jurisdiction: the chamber has acts or bills in its old jurisdiction",
    ),
]

SQLITE_CREATE = [
    f"CREATE TRIGGER {name} BEFORE {when} ON {table} FOR EACH ROW WHEN {condition} "
    f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
    for name, when, table, condition, message in SQLITE_RULES
]
# The tables these triggers read or guard: the SQLite handler waits until all of them exist.
TABLES = ("bills_bill", "bills_chamber", "bills_event", "bills_vote")


def forward(apps, schema_editor):
    # SQLite: created by bills.db_triggers after the whole migrate run, once no later migration
    # can rebuild a table under them.
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DROP_PREVIOUS + POSTGRES_CREATE:
            schema_editor.execute(statement, params=None)  # no params: keep plpgsql % literal


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DROP_PREVIOUS:
            schema_editor.execute(statement, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for name, *_rest in SQLITE_RULES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("bills", "0010_vote_fields_once"),
    ]

    operations = [migrations.RunPython(forward, backward)]
