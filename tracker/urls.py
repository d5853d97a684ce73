from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from tracker.admin_login import OneStepLoginForm
from tracker.healthcheck import healthz
from web.views import ping

# The admin requires a verified TOTP device (django-otp) on top of the password; failed logins
# are counted and locked out by django-axes (settings.AXES_*). Enrol a device with
# `manage.py totp_enroll USERNAME`.
admin.site.__class__ = OTPAdminSite
# Password and code in one submit (tracker/admin_login.py).
admin.site.login_form = OneStepLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # The benchmark's baseline: a fixed string, no database.
    path("ping", ping, name="ping"),
    # The language switcher posts here (django.views.i18n.set_language).
    path("i18n/", include("django.conf.urls.i18n")),
    # The read-only JSON API: language-neutral (every text in en, ru and kk).
    path("api/v1/", include("web.api.urls")),
]
# Public pages: English at unprefixed URLs, Russian under /ru/, Kazakh under /kk/.
urlpatterns += i18n_patterns(
    path("", include("web.urls")),
    prefix_default_language=False,
)
