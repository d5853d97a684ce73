from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "web"
    verbose_name = _("Public site")

    def ready(self) -> None:
        # Cached public pages start a new version whenever the record changes (web.page_cache).
        # Bulk downloads are rebuilt after it changes (web.data), by a task of this app.
        from web import data, page_cache, tasks  # noqa: F401

        page_cache.connect_signals()
        data.connect_signals()
