"""The JSON API under /api/v1/ (language-neutral: every text comes in en, ru and kk)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from web.api import docs, views

router = SimpleRouter(trailing_slash=True)
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("bills", views.BillViewSet, basename="bill")
router.register("signing-rules", views.SigningRuleViewSet, basename="signing-rule")

app_name = "api"
urlpatterns = [
    path("windows/open/", views.OpenWindowList.as_view(), name="open-windows"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("", docs.api_docs, name="docs"),
    *router.urls,
    re_path(r"^(?P<path>(?s:.*))$", views.not_found, name="not-found"),
]
