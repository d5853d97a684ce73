from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from django_otp.admin import OTPAdminSite

from tracker.healthcheck import healthz

# The admin requires a verified TOTP device (django-otp) on top of the password; failed logins
# are counted and locked out by django-axes (settings.AXES_*). Enrol a device with
# `manage.py totp_enroll USERNAME`.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("", include("bills.urls")),
]
