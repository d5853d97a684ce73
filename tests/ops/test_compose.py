"""docker-compose.yml is kept correct without a Docker engine: every command it runs names a real
entry point, module, management command and setting; health checks, one beat, named volumes, an
image (Dockerfile) that holds every app and names the production settings, and an .env.example
that lists every variable the settings read."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.core.management import get_commands
from django.utils.module_loading import import_string

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "beat")
# Read by the settings but not meant for operators: the embedded default's folders, and DEBUG,
# which production forces off.
INTERNAL_VARIABLES = {"TRACKER_VAR_DIR", "DJANGO_DEBUG", "EMAIL_FILE_PATH"}
# Used only by docker-compose.yml itself (interpolation), not by Django.
COMPOSE_ONLY_VARIABLES = {"POSTGRES_PASSWORD", "WEB_CONCURRENCY", "CELERY_CONCURRENCY"}


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def _settings_variables() -> set[str]:
    """Every environment variable the settings modules read."""
    names: set[str] = set()
    for path in (ROOT / "tracker" / "settings").glob("*.py"):
        if path.name == "test.py":  # the test suite's own knobs
            continue
        source = path.read_text()
        names |= set(re.findall(r"""env(?:\(\))?\.\w+\(\s*["']([A-Z0-9_]+)["']""", source))
        names |= set(re.findall(r"""os\.environ\.get\(\s*["']([A-Z0-9_]+)["']""", source))
        # production.py requires these in a loop: ("REDIS_URL", "EMAIL_URL")
        for group in re.findall(r"for _required in \(([^)]*)\)", source):
            names |= set(re.findall(r'"([A-Z0-9_]+)"', group))
    return names


def _command(service: str) -> list[str]:
    command = SERVICES[service].get("command")
    assert isinstance(command, list), f"{service}: command must be a list (no shell parsing)"
    return [str(part) for part in command]


def test_the_stack_has_every_service():
    assert set(SERVICES) == {"postgres", "redis", "mailpit", "migrate", "web", "worker", "beat"}


def test_long_running_services_have_health_checks():
    for name, service in SERVICES.items():
        if name == "migrate":  # a one-shot job: its exit status is its health
            assert service.get("restart") == "no"
            continue
        check = service.get("healthcheck", {}).get("test")
        assert check, f"{name} has no health check"


def test_exactly_one_beat():
    beat = SERVICES["beat"]
    assert beat["deploy"]["replicas"] == 1
    assert "scale" not in beat
    beats = [n for n in APP_SERVICES if "beat" in _command(n)]
    assert beats == ["beat"], "only the beat service may run celery beat"
    # No worker runs an embedded beat (-B) next to it.
    assert not {"-B", "--beat"} & set(_command("worker"))


def test_named_volumes_are_declared_and_used():
    declared = set(COMPOSE["volumes"])
    used = set()
    for service in SERVICES.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert not source.startswith(("/", ".")), f"bind mount {volume}: use a named volume"
            used.add(source)
    assert used == declared
    assert {"pgdata", "redisdata"} <= declared


def test_app_services_use_production_settings_and_the_local_services():
    for name in APP_SERVICES:
        environment = SERVICES[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "tracker.settings.production"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432/" in environment["DATABASE_URL"]
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["EMAIL_URL"] == "smtp://mailpit:1025"
        assert importlib.util.find_spec(environment["DJANGO_SETTINGS_MODULE"]) is not None
    # The mail catcher listens where EMAIL_URL points.
    assert SERVICES["mailpit"]["image"].startswith("axllent/mailpit")


def test_web_runs_gunicorn_on_the_wsgi_application_after_migrations():
    command = _command("web")
    assert command[0] == "gunicorn"
    module_name, _, attribute = command[1].partition(":")
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attribute))
    assert _command("migrate")[:3] == ["python", "manage.py", "migrate"]
    assert "migrate" in get_commands()
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    health = SERVICES["web"]["healthcheck"]["test"]
    assert health[1:4] == ["python", "-m", "tracker.healthcheck"]
    assert hasattr(importlib.import_module("tracker.healthcheck"), "main")


@pytest.mark.parametrize("service,subcommand", [("worker", "worker"), ("beat", "beat")])
def test_celery_services_name_the_real_app(service, subcommand):
    command = _command(service)
    assert command[0] == "celery"
    app_option = next(part for part in command if part.startswith("--app="))
    app_module = importlib.import_module(app_option.split("=", 1)[1] + ".celery")
    assert isinstance(app_module.app, Celery)
    assert subcommand in command
    # The beat schedule that beat will run names tasks that the app registers.
    app_module.app.loader.import_default_modules()
    from django.conf import settings

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app_module.app.tasks, entry["task"]


def test_beat_health_check_watches_the_schedule_file():
    from django.conf import settings

    assert Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).name == "celerybeat-schedule"
    assert "celerybeat-schedule" in " ".join(SERVICES["beat"]["healthcheck"]["test"])
    assert "/app/var" in SERVICES["beat"]["volumes"][0]


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            instruction, _, arguments = line.strip().partition(" ")
            instructions.append((instruction.upper(), " ".join(arguments.split())))
    return instructions


def _local_apps() -> list[str]:
    """The project's own packages: the configuration and each app of INSTALLED_APPS whose code
    is in this repository."""
    from django.conf import settings

    apps = [app.split(".")[0] for app in settings.INSTALLED_APPS]
    return ["tracker", *(app for app in apps if (ROOT / app / "__init__.py").is_file())]


def test_the_image_names_the_production_settings():
    """The Celery app chooses no settings (tracker/celery.py): every process started in the image
    (the compose services, their health checks, `docker compose exec ... manage.py`) gets them
    from the image's environment."""
    instructions = _dockerfile_instructions()
    environment = " ".join(args for instruction, args in instructions if instruction == "ENV")
    assert re.search(
        r"(^|\s)DJANGO_SETTINGS_MODULE=tracker\.settings\.production(\s|$)", environment
    )
    assert importlib.util.find_spec("tracker.settings.production") is not None


def test_the_image_copies_every_app_before_installing_it():
    instructions = _dockerfile_instructions()
    install = next(
        n
        for n, (instruction, args) in enumerate(instructions)
        if instruction == "RUN" and args.startswith("pip install")
    )
    copied = {
        args.split()[0].rstrip("/")
        for instruction, args in instructions[:install]
        if instruction == "COPY"
    }
    apps = _local_apps()
    assert {"bills", "events", "web"} <= set(apps)
    missing = [app for app in apps if app not in copied]
    assert not missing, f"the Dockerfile installs before copying {missing}"
    # And the package list of pyproject.toml installs them.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    for app in apps:
        assert any(re.fullmatch(pattern.replace("*", ".*"), app) for pattern in include), app


def test_dotted_paths_in_the_settings_name_real_code():
    """Modules moved between apps (the public site to web/, the rate limits to web/ratelimit.py)
    leave no setting pointing at the old place."""
    from django.conf import settings

    for path in [*settings.MIDDLEWARE, settings.WSGI_APPLICATION, settings.RATELIMIT_IP_META_KEY]:
        assert callable(import_string(path)), path
    assert settings.RATELIMIT_IP_META_KEY == "web.ratelimit.client_ip"
    importlib.import_module(settings.ROOT_URLCONF)
    for module in settings.FORMAT_MODULE_PATH:
        importlib.import_module(module)


def test_env_example_lists_every_variable_and_nothing_unknown():
    listed = set(_env_example())
    read = _settings_variables()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= read
    missing = read - INTERNAL_VARIABLES - listed
    assert not missing, f".env.example lacks {sorted(missing)}"
    unknown = listed - read - COMPOSE_ONLY_VARIABLES
    assert not unknown, f".env.example lists variables nothing reads: {sorted(unknown)}"
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text()))
    assert interpolated <= listed, f"compose uses unlisted {sorted(interpolated - listed)}"
    assert not _env_example()["DJANGO_SECRET_KEY"], "no secret in the example file"


def _production_env(**overrides: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
    environment.update(_env_example())
    environment["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    environment["DJANGO_SETTINGS_MODULE"] = "tracker.settings.production"
    environment.update(overrides)
    return {k: v for k, v in environment.items() if v != "<unset>"}


def _load_settings(
    environment: dict[str, str],
    code: str = "import django; django.setup(); import tracker.wsgi, tracker.celery",
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_load_from_the_example_environment():
    result = _load_settings(_production_env())
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "variable", ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"]
)
def test_production_refuses_to_start_without_a_required_variable(variable):
    result = _load_settings(_production_env(**{variable: "<unset>"}))
    assert result.returncode != 0
    assert variable in result.stderr


@pytest.mark.parametrize(
    ("threshold", "options"),
    [
        ("<unset>", {"server_side_binding": True, "prepare_threshold": 5}),
        ("2", {"server_side_binding": True, "prepare_threshold": 2}),
        ("off", {}),
    ],
)
def test_postgresql_prepares_repeated_queries_unless_told_off(threshold, options):
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    result = _load_settings(_production_env(DATABASE_PREPARE_THRESHOLD=threshold), code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == options


def test_production_refuses_a_short_secret_key():
    result = _load_settings(_production_env(DJANGO_SECRET_KEY="too-short"))
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


@pytest.mark.django_db
def test_health_endpoint(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_only_localhost_reaches_the_published_ports():
    """gunicorn trusts X-Forwarded-Proto from the TLS proxy: it must not face the internet."""
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} to all"
