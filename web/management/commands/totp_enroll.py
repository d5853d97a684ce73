"""Give a staff member a TOTP device for the admin's second factor (django-otp).

Prints the otpauth:// URI (paste it into an authenticator app, or render it as a QR code) once;
the key is not shown again. Further devices can be managed in the admin by a verified superuser.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Enrol a TOTP device (authenticator app) for a staff user; prints its otpauth:// URI."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator", help="A label for the device.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the user's existing TOTP devices first (a lost phone).",
        )

    @transaction.atomic
    def handle(self, *args, username: str, name: str, replace: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff; only staff use the admin")
        if replace:
            TOTPDevice.objects.filter(user=user).delete()
        elif TOTPDevice.objects.filter(user=user, name=name).exists():
            raise CommandError(f"{username!r} already has a device named {name!r}; use --replace")
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        self.stdout.write(f"TOTP device {name!r} enrolled for {username!r}.")
        self.stdout.write("Add it to an authenticator app (shown once, keep it secret):")
        self.stdout.write(device.config_url)
