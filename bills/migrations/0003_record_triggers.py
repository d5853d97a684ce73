"""Cross-table rules of the record as database triggers (SQL in bills/db_triggers.py).

On SQLite the triggers are also dropped before and re-created after every `migrate` (bills.apps),
because SQLite table rebuilds would otherwise lose them.
"""

from django.db import migrations

from bills.db_triggers import statements


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        return  # created by the post_migrate handler, after any table rebuilds (bills.apps)
    for statement in statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(statement, params=None)  # no params: keep plpgsql % literal


def backward(apps, schema_editor):
    for statement in statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("bills", "0002_web_search_and_indexes"),
        ("events", "0002_web_search_and_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
