"""Subscription pages. Mounted under /alerts/ inside i18n_patterns (English unprefixed)."""

from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
