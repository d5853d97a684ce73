from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and alerts")

    def ready(self) -> None:
        # The record announces new public actions (bills.signals); alerts raise theirs.
        # The tasks are registered in every process, so that events.enqueue can publish them
        # by name (and run them eagerly in tests).
        from events import receivers, tasks  # noqa: F401
