from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _

from bills import db_triggers


def _drop_sqlite_triggers(sender, using, **kwargs):
    db_triggers.sqlite_drop(connections[using])


def _recreate_sqlite_triggers(sender, using, **kwargs):
    db_triggers.sqlite_recreate(connections[using])


class BillsConfig(AppConfig):
    name = "bills"
    verbose_name = _("Bills")

    def ready(self) -> None:
        # SQLite loses triggers when a migration rebuilds a table: see bills/db_triggers.py.
        pre_migrate.connect(_drop_sqlite_triggers, sender=self)
        post_migrate.connect(_recreate_sqlite_triggers, sender=self)
