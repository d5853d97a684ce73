# ruff: noqa: E501
"""Cross-table rules of the record as PostgreSQL triggers, as they stood when written.

This migration holds its own copy of its SQL, so that later edits elsewhere cannot change what
it did. Superseded by 0011_record_triggers (the timeline moved into this app and votes hang off
their actions). On SQLite, triggers are created after every migrate from the latest trigger
migration (bills.db_triggers), because SQLite table rebuilds drop them.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
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
            USING ERRCODE = 'check_violation';
    END IF;
    total := COALESCE(NEW.yes_count, 0) + COALESCE(NEW.no_count, 0)
        + COALESCE(NEW.abstain_count, 0) + COALESCE(NEW.absent_count, 0)
        + COALESCE(NEW.not_voting_count, 0);
    IF chamber_seats IS NOT NULL AND total > chamber_seats THEN
        RAISE EXCEPTION 'vote_counts_within_seats: counts total % exceeds the chamber''s % seats',
            total, chamber_seats USING ERRCODE = 'check_violation';
    END IF;
    IF bill_introduced IS NOT NULL AND NEW.date < bill_introduced THEN
        RAISE EXCEPTION 'vote_after_introduction: vote dated % before the bill''s introduction on %',
            NEW.date, bill_introduced USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.date > CURRENT_DATE + 1 THEN
        RAISE EXCEPTION 'vote_not_in_future: vote dated % is in the future', NEW.date
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER record_vote_check BEFORE INSERT OR UPDATE ON bills_vote
    FOR EACH ROW EXECUTE FUNCTION record_vote_check();
""",
    """
CREATE OR REPLACE FUNCTION record_event_check() RETURNS trigger AS $$
BEGIN
    IF NEW.chamber_id IS NOT NULL AND (
        SELECT jurisdiction_id FROM bills_chamber WHERE id = NEW.chamber_id
    ) IS DISTINCT FROM (SELECT jurisdiction_id FROM bills_bill WHERE id = NEW.bill_id) THEN
        RAISE EXCEPTION 'event_chamber_jurisdiction: the event''s chamber belongs to another jurisdiction than the bill''s'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER record_event_check BEFORE INSERT OR UPDATE ON events_event
    FOR EACH ROW EXECUTE FUNCTION record_event_check();
""",
    """
CREATE OR REPLACE FUNCTION record_bill_check() RETURNS trigger AS $$
BEGIN
    IF NEW.originating_chamber_id IS NOT NULL AND (
        SELECT jurisdiction_id FROM bills_chamber WHERE id = NEW.originating_chamber_id
    ) IS DISTINCT FROM NEW.jurisdiction_id THEN
        RAISE EXCEPTION 'bill_originating_chamber_jurisdiction: the originating chamber belongs to another jurisdiction'
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.introduced_on IS NOT NULL AND EXISTS (
            SELECT 1 FROM bills_vote WHERE bill_id = NEW.id AND date < NEW.introduced_on
        ) THEN
            RAISE EXCEPTION 'vote_after_introduction: the bill has a vote dated before its introduction on %',
                NEW.introduced_on USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.jurisdiction_id <> OLD.jurisdiction_id AND (
            EXISTS (SELECT 1 FROM bills_vote v JOIN bills_chamber c ON c.id = v.chamber_id
                    WHERE v.bill_id = NEW.id AND c.jurisdiction_id <> NEW.jurisdiction_id)
            OR EXISTS (SELECT 1 FROM events_event e JOIN bills_chamber c ON c.id = e.chamber_id
                    WHERE e.bill_id = NEW.id AND c.jurisdiction_id <> NEW.jurisdiction_id)
        ) THEN
            RAISE EXCEPTION 'vote_chamber_jurisdiction: the bill has votes or events in chambers of its old jurisdiction'
                USING ERRCODE = 'check_violation';
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
    """
CREATE OR REPLACE FUNCTION record_chamber_check() RETURNS trigger AS $$
BEGIN
    IF NEW.seats IS NOT NULL AND EXISTS (
        SELECT 1 FROM bills_vote WHERE chamber_id = NEW.id AND
            COALESCE(yes_count, 0) + COALESCE(no_count, 0) + COALESCE(abstain_count, 0)
            + COALESCE(absent_count, 0) + COALESCE(not_voting_count, 0) > NEW.seats
    ) THEN
        RAISE EXCEPTION 'vote_counts_within_seats: a recorded vote counts more than % seats', NEW.seats
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.jurisdiction_id <> OLD.jurisdiction_id AND (
        EXISTS (SELECT 1 FROM bills_vote v JOIN bills_bill b ON b.id = v.bill_id
                WHERE v.chamber_id = NEW.id AND b.jurisdiction_id <> NEW.jurisdiction_id)
        OR EXISTS (SELECT 1 FROM events_event e JOIN bills_bill b ON b.id = e.bill_id
                WHERE e.chamber_id = NEW.id AND b.jurisdiction_id <> NEW.jurisdiction_id)
    ) THEN
        RAISE EXCEPTION 'vote_chamber_jurisdiction: the chamber has votes or events on bills of its old jurisdiction'
            USING ERRCODE = 'check_violation';
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


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in POSTGRES_FORWARD:
        schema_editor.execute(statement, params=None)  # no params: keep plpgsql % literal


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in POSTGRES_BACKWARD:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("bills", "0002_web_search_and_indexes"),
        ("events", "0002_web_search_and_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
