"""The docker-compose stack without Docker: the same processes, started directly.

    .venv/bin/python -m tests.faults.stack [--workers 2]     # runs until Ctrl-C

starts, like docker-compose.yml: a PostgreSQL cluster, a Redis server, `migrate`, gunicorn on
`tracker.wsgi` under `tracker.settings.production`, N `celery --app=tracker worker` processes,
one `celery --app=tracker beat`, and an SMTP catcher (aiosmtpd) where EMAIL_URL points.

PostgreSQL and Redis are private instances of the machine's own binaries (a fresh `initdb`
cluster and a `redis-server`, each on a free port, in a temporary folder), so that the fault
tests can stop, kill and restart them without touching the shared servers other people's test
runs use. Every process is started here and only these PIDs are ever signalled.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import email.policy
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path(
    os.environ.get("PG_BIN")
    or max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what: str, condition: Callable[[], object], timeout: float = 60.0) -> object:
    """Poll until condition() is truthy; fail with a clear message after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except Exception:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def _as_postgres_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI and these machines run tests as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a free port (trust auth, fsync off)."""

    def __init__(self) -> None:
        # Its own folder: the cluster runs as the postgres user, who must own it.
        self.folder = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        self.data = self.folder / "pgdata"
        self.port = free_port()
        self.log = self.folder / "postgres.log"

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        subprocess.run(
            _as_postgres_user(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(self.data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._ctl("start", "-w", "-t", "60", "-o", options, "-l", str(self.log))

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop", "-w", "-t", "60", "-m", mode)

    def restart(self) -> None:
        # stop + start rather than `pg_ctl restart`, which would hand the new postmaster our
        # output pipes (and so never return) instead of the log file.
        self.stop("fast")
        self.start()

    def _ctl(self, *args: str) -> None:
        result = subprocess.run(
            _as_postgres_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args]),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl {args[0]} failed: {result.stdout}{result.stderr}")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


class PrivateRedis:
    """A redis-server of our own on a free port, with no persistence: a restart forgets all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(f"redis on port {self.port}", self.ping, timeout=20)

    def ping(self) -> bool:
        import redis

        return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@dataclass
class MailCatcher:
    """An SMTP server (aiosmtpd) keeping every message it receives, in memory."""

    port: int = field(default_factory=free_port)
    messages: list[EmailMessage] = field(default_factory=list)

    def __post_init__(self) -> None:
        from aiosmtpd.controller import Controller

        catcher = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                with catcher._lock:
                    catcher.messages.append(message)  # type: ignore[arg-type]
                return "250 OK"

        self._lock = threading.Lock()
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def snapshot(self) -> list[EmailMessage]:
        with self._lock:
            return list(self.messages)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@dataclass
class Service:
    name: str
    command: list[str]
    process: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Stack:
    """PostgreSQL, Redis, SMTP catcher, gunicorn, workers and one beat, as in docker-compose.yml.

    Every process runs in its own session (process group), so that killing a Celery worker with
    SIGKILL takes its pool children with it, exactly as a container's death would.
    """

    def __init__(
        self,
        *,
        workers: int = 1,
        concurrency: int = 4,
        beat: bool = True,
        web: bool = True,
        extra_env: dict[str, str] | None = None,
        postgres: PrivatePostgres | None = None,
    ) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="tracker-stack-"))
        self.var = self.folder / "var"
        self.var.mkdir()
        self._own_postgres = postgres is None
        self.postgres = postgres or PrivatePostgres()
        self.redis = PrivateRedis(self.folder)
        self.mail = MailCatcher()
        self.queue = f"faults-{uuid.uuid4().hex[:10]}"
        self.database = f"faults_{uuid.uuid4().hex[:10]}"
        self.web_port = free_port()
        self.workers = workers
        self.concurrency = concurrency
        self.with_beat = beat
        self.with_web = web
        self.extra_env = extra_env or {}
        self.services: dict[str, Service] = {}
        self.database_url = ""

    # -- environment ------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """The variables of .env.example, pointing at the private services."""
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "SYSTEMROOT")
        environment = {k: v for k, v in os.environ.items() if k in keep}
        environment.update(
            {
                "DJANGO_SETTINGS_MODULE": "tracker.settings.production",
                "DJANGO_SECRET_KEY": self._secret,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                # No proxy in front of this gunicorn: the header is never sent, so the peer
                # address (the test's own) is the client.
                "DJANGO_CLIENT_IP_HEADER": "X-Forwarded-For",
                "DATABASE_URL": self.database_url,
                # Each short-lived test process connects afresh; no pooled connection outlives
                # a PostgreSQL restart by surprise.
                "DATABASE_CONN_MAX_AGE": "0",
                "REDIS_URL": self.redis.url,
                "EMAIL_URL": self.mail.url,
                "SITE_URL": f"http://127.0.0.1:{self.web_port}",
                "DEFAULT_FROM_EMAIL": "Bill tracker <alerts@tracker.test>",
                "CELERY_QUEUE": self.queue,
                "TRACKER_VAR_DIR": str(self.var),
                "PYTHONUNBUFFERED": "1",
                "LOG_LEVEL": "INFO",
            }
        )
        environment.update(self.extra_env)
        # The Celery app chooses no settings (tracker/celery.py): every process this stack
        # starts (migrate, scripts, gunicorn, the workers, beat, the health check) runs with this
        # environment, which must name them.
        if not environment.get("DJANGO_SETTINGS_MODULE"):
            raise ValueError("the stack's processes need DJANGO_SETTINGS_MODULE")
        return environment

    _secret = secrets.token_urlsafe(64)

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """Run `manage.py ARGS` against the stack's database; raise with its output on failure."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
            )
        return result

    def python(self, code: str, *, timeout: float = 300) -> str:
        """Run Python code with Django set up against the stack; returns its stdout."""
        script = "import django; django.setup()\n" + code
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"script failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def sql(self, query: str, *params: object) -> list[tuple]:
        """Run one statement on the stack's database (a fresh connection each time)."""
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(query, params or None)
            return cursor.fetchall() if cursor.description else []

    def scalar(self, query: str, *params: object) -> int:
        return self.sql(query, *params)[0][0]

    def publish(self, task: str, *args: object, copies: int = 1) -> None:
        """Publish a task by name to the stack's queue, as beat or the web would."""
        self.python(
            "from tracker.celery import app\n"
            f"for _ in range({copies}):\n"
            f"    app.send_task({task!r}, args={list(args)!r})\n"
        )

    def queue_length(self) -> int:
        import redis

        return int(redis.Redis(port=self.redis.port, socket_connect_timeout=1).llen(self.queue))

    # -- processes --------------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str]) -> Service:
        log = (self.folder / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        service = Service(name, command, process)
        self.services[name] = service
        return service

    def worker_command(self, name: str) -> list[str]:
        return [
            str(VENV_BIN / "celery"),
            "--app=tracker",
            "worker",
            f"--queues={self.queue}",
            f"--hostname={name}@%h",
            f"--concurrency={self.concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ]

    def start_worker(self, name: str = "worker1") -> Service:
        return self._spawn(name, self.worker_command(name))

    def start_beat(self) -> Service:
        return self._spawn(
            "beat",
            [
                str(VENV_BIN / "celery"),
                "--app=tracker",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.var / 'celerybeat-schedule'}",
            ],
        )

    def start_web(self) -> Service:
        service = self._spawn(
            "web",
            [
                str(VENV_BIN / "gunicorn"),
                "tracker.wsgi:application",
                f"--bind=127.0.0.1:{self.web_port}",
                "--workers=2",
                "--access-logfile=-",
            ],
        )
        wait_for("gunicorn /healthz", lambda: self.get("/healthz")[0] == 200, timeout=60)
        return service

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        """Signal one of our services' process group (the process and its pool children)."""
        service = self.services[name]
        assert service.process is not None
        pid = service.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        service.process.wait(timeout=30)
        return pid

    def stop(self, name: str) -> None:
        service = self.services.get(name)
        if service and service.alive():
            self.kill(name, signal.SIGTERM)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- HTTP -------------------------------------------------------------------------------

    def get(self, path: str, *, timeout: float = 10) -> tuple[int, str]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.web_port}{path}",
            headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> Stack:
        if self._own_postgres:
            self.postgres.init()
            self.postgres.start()
        self.database_url = self.postgres.create_database(self.database)
        self.redis.start()
        self.mail.start()
        self.manage("migrate", "--noinput")
        if self.with_web:
            self.manage("collectstatic", "--noinput")
            self.start_web()
        for number in range(1, self.workers + 1):
            self.start_worker(f"worker{number}")
        if self.with_beat:
            self.start_beat()
        return self

    def close(self) -> None:
        for name in list(self.services):
            with contextlib.suppress(Exception):
                self.stop(name)
        with contextlib.suppress(Exception):
            self.mail.stop()
        self.redis.stop()
        if self._own_postgres:
            with contextlib.suppress(Exception):
                self.postgres.stop("immediate")
            if os.environ.get("TRACKER_KEEP_STACK") != "1":
                self.postgres.remove()
        if os.environ.get("TRACKER_KEEP_STACK") != "1":
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Stack:
        try:
            return self.start()
        except BaseException:
            self.dump_logs()
            self.close()
            raise

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is not None:
            self.dump_logs()
        self.close()

    def dump_logs(self, tail: int = 40) -> None:
        for name in [*self.services, "postgres"]:
            text = self.log(name) if name != "postgres" else _read(self.postgres.log)
            lines = text.splitlines()[-tail:]
            if lines:
                print(f"--- last {len(lines)} lines of {name} ---", *lines, sep="\n")


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


@contextlib.contextmanager
def running_stack(**kwargs: object) -> Iterator[Stack]:
    with Stack(**kwargs) as stack:  # type: ignore[arg-type]
        yield stack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--seed", action="store_true", help="run load_seeds after migrate")
    args = parser.parse_args()

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # SIGTERM too: a background job (CI, `&`) ignores SIGINT.
    signal.signal(signal.SIGTERM, interrupt)
    with Stack(workers=args.workers, concurrency=args.concurrency) as stack:
        if args.seed:
            stack.manage("load_seeds")
        print(f"web      http://127.0.0.1:{stack.web_port}/")
        print(f"database {stack.database_url}")
        print(f"redis    {stack.redis.url} (queue {stack.queue})")
        print(f"smtp     {stack.mail.url}")
        print(f"logs     {stack.folder}")
        print("Ctrl-C stops everything.")
        try:
            while all(s.alive() for s in stack.services.values()):
                time.sleep(1)
            print("a process exited; stopping", file=sys.stderr)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
