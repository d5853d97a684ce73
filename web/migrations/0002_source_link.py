"""The view behind web.models.SourceLink: every link from a bill's record to a source."""

from django.db import migrations, models

# 'public' is bills.models.Visibility.PUBLIC, written out: a migration does not change with the
# code after it. The same SQL for SQLite and PostgreSQL.
CREATE_VIEW = """
CREATE VIEW web_source_link AS
SELECT 'bill:' || link.id AS id, 'bill' AS owner, link.bill_id AS owner_key,
       link.bill_id AS bill_id, link.source_id AS source_id, TRUE AS public
FROM bills_bill_sources AS link
UNION ALL
SELECT 'lineage:' || link.id, 'lineage', link.bill_id, link.bill_id, link.source_id, TRUE
FROM bills_bill_lineage_sources AS link
UNION ALL
SELECT 'event:' || link.id, 'event', link.event_id, event.bill_id, link.source_id,
       event.visibility = 'public'
FROM bills_event_sources AS link JOIN bills_event AS event ON event.id = link.event_id
UNION ALL
SELECT 'vote:' || link.id, 'vote', link.vote_id, event.bill_id, link.source_id,
       event.visibility = 'public'
FROM bills_vote_sources AS link
JOIN bills_vote AS vote ON vote.id = link.vote_id
JOIN bills_event AS event ON event.id = vote.action_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("bills", "0015_bill_board_idx"),
        ("web", "0001_bulk_data_files"),
    ]

    operations = [
        migrations.RunSQL(CREATE_VIEW, reverse_sql="DROP VIEW web_source_link"),
        migrations.CreateModel(
            name="SourceLink",
            fields=[
                ("id", models.TextField(primary_key=True, serialize=False)),
                ("owner", models.CharField(max_length=16)),
                ("owner_key", models.BigIntegerField()),
                ("public", models.BooleanField()),
                (
                    "bill",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="bills.bill",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="record_links",
                        to="bills.source",
                    ),
                ),
            ],
            options={"db_table": "web_source_link", "managed": False},
        ),
    ]
