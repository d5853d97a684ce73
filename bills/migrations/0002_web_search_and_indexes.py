# Full-text search for the bill list: a tsvector column kept current by a PostgreSQL trigger,
# with a GIN index. On SQLite the column exists (SQLite accepts any type name) and stays NULL;
# the list falls back to icontains there.

import django.contrib.postgres.search
from django.db import migrations, models

SEARCHED_COLUMNS = (
    "identifier, title, title_ru, title_kk, short_title, short_title_ru, short_title_kk, "
    "summary, summary_ru, summary_kk"
)

POSTGRES_FORWARD = [
    f"""
    CREATE TRIGGER bill_search_vector_update
    BEFORE INSERT OR UPDATE ON bills_bill
    FOR EACH ROW EXECUTE FUNCTION
    tsvector_update_trigger(search_vector, 'pg_catalog.simple', {SEARCHED_COLUMNS});
    """,
    "CREATE INDEX bill_search_vector_gin ON bills_bill USING gin (search_vector);",
    # Fill the column for rows that existed before the trigger (the trigger recomputes it).
    "UPDATE bills_bill SET id = id;",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS bill_search_vector_gin;",
    "DROP TRIGGER IF EXISTS bill_search_vector_update ON bills_bill;",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("bills", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="bill",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="bill",
            index=models.Index(fields=["-updated_at"], name="bill_updated_idx"),
        ),
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD)),
    ]
