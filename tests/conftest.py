"""Shared fixtures and the rules for tests that need real services.

Tests marked `services` or `faults` need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); tests
marked `browser` need Debian's Chromium at /usr/bin/chromium. Without them they are skipped with
the reason, so that the quick start passes on a bare machine; CI runs a second pass with the real
services and TRACKER_NO_SKIP=1, where a missing service fails the run instead of skipping.
"""

import os
import shutil

import pytest
from django.conf import settings as django_settings

from tests.events import receiver as local_receiver

CHROMIUM = "/usr/bin/chromium"


def _has_real_services() -> bool:
    engine = django_settings.DATABASES["default"]["ENGINE"]
    return engine == "django.db.backends.postgresql" and bool(os.environ.get("REDIS_URL"))


def pytest_collection_modifyitems(config, items):
    no_skip = os.environ.get("TRACKER_NO_SKIP") == "1"
    services = _has_real_services()
    chromium = shutil.which(CHROMIUM) is not None
    for item in items:
        missing = None
        if (item.get_closest_marker("services") or item.get_closest_marker("faults")) and not (
            services
        ):
            missing = "needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)"
        elif item.get_closest_marker("browser") and not chromium:
            missing = f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        if missing is None:
            continue
        if no_skip:
            raise pytest.UsageError(
                f"{item.nodeid} {missing}, and TRACKER_NO_SKIP=1 forbids skipping"
            )
        item.add_marker(pytest.mark.skip(reason=missing))


@pytest.fixture(scope="session", autouse=True)
def _static_files(tmp_path_factory):
    """The static files collected under their hashed names (web/storage.py), as `manage.py up`
    and production do, into this run's own folder; WhiteNoise serves them from there."""
    from django.core.management import call_command

    django_settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static"))
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read English strings unless they switch language themselves."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def kz_record(db):
    """The Kazakhstan bill as recorded through the services (tests.record): introduced, passed
    by the Mäjilis with a unanimous vote, a statement and an internal note; no Senate approval."""
    from tests.record import kz_record

    return kz_record()


@pytest.fixture
def otp_admin_client(client, django_user_model):
    """A client logged in to the admin as a superuser verified by a TOTP device (django-otp),
    as the OTP admin site requires; `client.user` is that user."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = django_user_model.objects.create_user(
        "record-admin", password="x", is_staff=True, is_superuser=True
    )
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.user = user
    return client


@pytest.fixture
def receiver():
    """A real local HTTP receiver for webhooks (tests.events.receiver), on 127.0.0.1."""
    hooks, server = local_receiver.start()
    yield hooks
    server.shutdown()
    server.server_close()
