"""The embedded default in one command: migrate, collect the static files, load the seeds, start
a Celery worker with embedded beat as a child process, then serve the site. Ctrl-C stops both.

With no environment this runs on SQLite with kombu's filesystem broker (no server needed) and
writes mails to var/mail; with DATABASE_URL / REDIS_URL set it uses PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.commands.runserver import naiveip_re

from events.alerts import deadlines_scan

STOP_TIMEOUT = 15


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _check_free(addrport: str) -> None:
    match = re.match(naiveip_re, addrport)
    if match is None or not match["port"].isdigit():
        raise CommandError(f"{addrport!r} is not a port or address:port, e.g. 127.0.0.1:8001.")
    host = (match["addr"] or "127.0.0.1").strip("[]")
    port = int(match["port"])
    family = socket.AF_INET6 if match["ipv6"] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"cannot serve on {host}:{port} ({exc.strerror or exc}); "
                f"give another, e.g. manage.py up {host}:{port + 1}"
            ) from None


class Command(BaseCommand):
    help = "Migrate, load the seeds, start a Celery worker with beat, and run the web server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default="127.0.0.1:8000",
            help="Where to serve: a port, or address:port (default 127.0.0.1:8000).",
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the Celery worker and beat."
        )

    def handle(self, *args, addrport: str, no_worker: bool, **options) -> None:
        # Before anything starts: runserver ends the whole process when it cannot listen
        # (os._exit), which would leave the worker running with nobody to stop it.
        _check_free(addrport)
        call_command("migrate", interactive=False, verbosity=1)
        # The pages link static files by their hashed names (web/storage.py), read from var/static.
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_seeds")
        worker = None if no_worker else self._start_worker()
        # Ctrl-C and SIGTERM (a supervisor, `kill`) both end the server through the `finally`
        # below, which stops the worker too. SIGINT may arrive ignored when started in background.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _exit)
        try:
            # One scan now, so that alerts due today do not wait for the first beat tick.
            self.stdout.write(str(deadlines_scan()))
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if worker is not None:
                self._stop(worker)

    def _start_worker(self) -> subprocess.Popen:
        env = dict(os.environ)
        # The worker runs under this process's settings, named explicitly.
        env["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tracker",
            "worker",
            "-B",  # embedded beat: the deadline scan, the outbox sweeper, the purge
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
        ]
        worker = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", "")
        broker = "Redis" if settings.REDIS_URL else f"the filesystem broker in {folder}"
        self.stdout.write(f"Celery worker with beat started (pid {worker.pid}) on {broker}.")
        if not getattr(settings, "EMAIL_URL", ""):
            self.stdout.write(f"Mails are written to {settings.EMAIL_FILE_PATH}.")
        return worker

    def _stop(self, worker: subprocess.Popen) -> None:
        if worker.poll() is not None:
            return
        self.stdout.write(f"Stopping the Celery worker (pid {worker.pid}) …")
        worker.terminate()
        try:
            worker.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
