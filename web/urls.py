"""The public site. Mounted inside i18n_patterns: English unprefixed, /ru/ and /kk/."""

from django.urls import path

from web import downloads, feeds, subscription_views, views, webhook_views
from web.ratelimit import rate_limited

# Feeds are polled by programs: limit each client (429 with a reason over the limit).
feed_limit = rate_limited("feeds", rate_setting="RATELIMIT_FEEDS")

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("bills/", views.bill_list, name="bill_list"),
    path("bills/<slug:slug>/", views.bill_detail, name="bill_detail"),
    # Embeddable in other sites (web.views.embeddable): the status card and badge.
    path("bills/<slug:slug>/embed/", views.bill_embed, name="bill_embed"),
    path("bills/<slug:slug>/badge.svg", views.bill_badge, name="bill_badge"),
    path("bills/<slug:slug>/changes.atom", feed_limit(feeds.BillChangesFeed()), name="bill_feed"),
    path("bills/<slug:slug>/deadlines.ics", feed_limit(feeds.calendar_bill), name="bill_calendar"),
    path("families/", views.family_index, name="family_list"),
    path("families/<slug:family>/", views.family_detail, name="family_detail"),
    path(
        "families/<slug:family>/changes.atom",
        feed_limit(feeds.FamilyChangesFeed()),
        name="family_feed",
    ),
    path(
        "families/<slug:family>/deadlines.ics",
        feed_limit(feeds.calendar_family),
        name="family_calendar",
    ),
    path("feeds/changes.atom", feed_limit(feeds.ChangesFeed()), name="feed"),
    path("feeds/deadlines.ics", feed_limit(feeds.calendar_all), name="calendar"),
    path(
        "feeds/<slug:code>/changes.atom",
        feed_limit(feeds.JurisdictionChangesFeed()),
        name="jurisdiction_feed",
    ),
    path(
        "feeds/<slug:code>/deadlines.ics",
        feed_limit(feeds.calendar_jurisdiction),
        name="jurisdiction_calendar",
    ),
    # E-mail alerts: subscribe, confirm (double opt-in), unsubscribe (RFC 8058 one-click).
    path("alerts/subscribe/", subscription_views.subscribe, name="subscribe"),
    path("alerts/subscribe/sent/", subscription_views.subscribe_sent, name="subscribe_sent"),
    path("alerts/confirm/<str:token>/", subscription_views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", subscription_views.unsubscribe, name="unsubscribe"),
    path("privacy/", views.privacy, name="privacy"),
    path("webhooks/", webhook_views.webhook_register_page, name="webhook_register"),
    # The public record as files (JSON and CSV), rebuilt after each change.
    path("data/", downloads.data_page, name="data"),
    path("data/<str:name>", downloads.data_file, name="data_file"),
]
