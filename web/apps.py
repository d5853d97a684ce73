from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "web"
    verbose_name = _("Public site")

    def ready(self) -> None:
        # Cached public pages start a new version whenever the record changes (web.page_cache).
        from web.page_cache import connect_signals

        connect_signals()
