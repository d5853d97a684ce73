"""Public pages and feeds. Mounted inside i18n_patterns: English unprefixed, /ru/ and /kk/."""

from django.urls import path

from bills import feeds, views

app_name = "bills"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("bills/", views.bill_list, name="bill_list"),
    path("bills/<slug:slug>/", views.bill_detail, name="bill_detail"),
    path("bills/<slug:slug>/changes.atom", feeds.BillChangesFeed(), name="bill_feed"),
    path("bills/<slug:slug>/deadlines.ics", feeds.calendar_bill, name="bill_calendar"),
    path("feeds/changes.atom", feeds.ChangesFeed(), name="feed"),
    path("feeds/deadlines.ics", feeds.calendar_all, name="calendar"),
    path(
        "feeds/<str:code>/deadlines.ics",
        feeds.calendar_jurisdiction,
        name="jurisdiction_calendar",
    ),
]
