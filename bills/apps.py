from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _drop_sqlite_triggers(sender, using, **kwargs):
    from django.db import connections

    from bills.db_triggers import sqlite_drop

    sqlite_drop(connections[using])


def _recreate_sqlite_triggers(sender, using, **kwargs):
    from django.db import connections

    from bills.db_triggers import sqlite_recreate

    sqlite_recreate(connections[using])


class BillsConfig(AppConfig):
    name = "bills"
    verbose_name = _("Bills")

    def ready(self) -> None:
        # SQLite loses triggers when a migration rebuilds a table: see bills/db_triggers.py.
        pre_migrate.connect(_drop_sqlite_triggers, sender=self)
        post_migrate.connect(_recreate_sqlite_triggers, sender=self)
        # Cached public pages start a new version whenever the record changes (bills.page_cache).
        from bills.page_cache import connect_signals

        connect_signals()
