"""`manage.py up`, the embedded default: no environment, SQLite, the filesystem broker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from django.conf import settings

WAIT = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_up_migrates_seeds_serves_and_stops_its_worker(tmp_path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(TRACKER_VAR_DIR=str(tmp_path), CELERY_QUEUE=f"up-{port}")
    log = tmp_path / "up.log"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "up", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    worker_pid = None
    try:
        deadline = time.monotonic() + WAIT
        while True:
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"up did not serve in {WAIT}s:\n{log.read_text()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/alerts/subscribe/") as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.3)
        output = log.read_text()
        assert "Seeds loaded" in output
        assert "Deadline scan as of today" in output
        worker_pid = int(output.split("started (pid ")[1].split(")")[0])
        assert _alive(worker_pid)
        assert (tmp_path / "db.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    deadline = time.monotonic() + 30
    while worker_pid and _alive(worker_pid):
        assert time.monotonic() < deadline, "the Celery worker outlived `up`"
        time.sleep(0.2)
