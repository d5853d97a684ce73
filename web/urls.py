"""Public pages and feeds. Mounted inside i18n_patterns: English unprefixed, /ru/ and /kk/."""

from django.urls import path

from bills import feeds, views
from tracker.ratelimit import rate_limited

# Feeds are polled by programs: limit each client (429 with a reason over the limit).
feed_limit = rate_limited("feeds", rate_setting="RATELIMIT_FEEDS")

app_name = "bills"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("bills/", views.bill_list, name="bill_list"),
    path("bills/<slug:slug>/", views.bill_detail, name="bill_detail"),
    path("bills/<slug:slug>/changes.atom", feed_limit(feeds.BillChangesFeed()), name="bill_feed"),
    path("bills/<slug:slug>/deadlines.ics", feed_limit(feeds.calendar_bill), name="bill_calendar"),
    path("feeds/changes.atom", feed_limit(feeds.ChangesFeed()), name="feed"),
    path("feeds/deadlines.ics", feed_limit(feeds.calendar_all), name="calendar"),
    path(
        "feeds/<slug:code>/deadlines.ics",
        feed_limit(feeds.calendar_jurisdiction),
        name="jurisdiction_calendar",
    ),
]
