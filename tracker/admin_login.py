"""The admin's login in one submit: password and code together.

django-otp asks the user to pick a device before it checks a code, so a staff member with one
authenticator always failed the first submit ("Please select a device."). Here the device is
the one the code fits: the TOTP device for a six-digit code, the backup-code device otherwise,
as long as the user has exactly one of that kind. A choice made in the form still wins. After a
wrong code the password is asked for again, never written back into the page.
"""

from __future__ import annotations

from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class OneStepLoginForm(OTPAdminAuthenticationForm):
    def _update_form(self, user):
        super()._update_form(user)
        # django-otp writes the password back into the page after a wrong code, for the second
        # step it needs; with one step it has no use there, only risk (a shared screen, a cache).
        if "password" in self.fields:
            self.fields["password"].widget.render_value = False

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is not None or self.cleaned_data.get("otp_device"):
            return device
        token = (self.cleaned_data.get("otp_token") or "").strip()
        devices = list(devices_for_user(user, confirmed=True))
        totp = [d for d in devices if isinstance(d, TOTPDevice)]
        static = [d for d in devices if isinstance(d, StaticDevice)]
        if len(totp) == 1 and token.isdigit() and len(token) == totp[0].digits:
            return totp[0]
        if len(static) == 1 and not (totp and token.isdigit() and len(token) == totp[0].digits):
            return static[0]
        return None
