"""Settings are chosen in one place: importing the project never picks a settings module;
manage.py defaults to the local settings, the WSGI and ASGI entry points to production, which
refuses to start without its secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRETS = {
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "tracker.example",
    "DATABASE_URL": "sqlite:///:memory:",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "EMAIL_URL": "smtp://127.0.0.1:2525",
    "DJANGO_CLIENT_IP_HEADER": "X-Forwarded-For",
}


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.pop("REDIS_URL", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_importing_the_project_chooses_no_settings():
    result = _python(
        "import os, tracker, tracker.celery\n"
        "print(os.environ.get('DJANGO_SETTINGS_MODULE', 'unset'))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "unset"


def test_wsgi_without_settings_module_is_production_and_not_debug():
    result = _python(
        "import tracker.wsgi\nfrom django.conf import settings\n"
        "print(settings.SETTINGS_MODULE, settings.DEBUG)",
        **SECRETS,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["tracker.settings.production", "False"]


def test_wsgi_without_its_secrets_refuses_to_start():
    result = _python("import tracker.wsgi")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_manage_py_defaults_to_the_local_settings(tmp_path):
    result = _python(
        "import sys; sys.argv = ['manage.py', 'diffsettings', '--output', 'unified']\n"
        "import manage\n"
        "manage.main()",
        TRACKER_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "DEBUG = True" in result.stdout
