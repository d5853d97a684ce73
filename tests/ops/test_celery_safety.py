"""At-least-once delivery made safe: the Celery settings that make a lost worker's task come back,
no countdown that outlives the broker's visibility timeout, and tasks that carry ids only."""

from __future__ import annotations

import datetime
import importlib
import inspect
import sys

import pytest
from celery import Task

from events import delivery, tasks
from tests.ops.test_public_surface import PRODUCTION_MODULES, _production_env


@pytest.fixture
def production(monkeypatch):
    for name, value in _production_env().items():
        monkeypatch.setenv(name, value)
    # A fresh import of base too, as in a production process: it reads REDIS_URL etc.
    saved = {name: sys.modules.pop(name, None) for name in PRODUCTION_MODULES}
    try:
        module = importlib.import_module("tracker.settings.production")
    finally:
        sys.modules.update({name: mod for name, mod in saved.items() if mod is not None})
    return module


def test_production_celery_settings_redeliver_a_lost_task(production):
    assert production.CELERY_BROKER_URL.startswith("redis://")
    assert production.CELERY_TASK_ACKS_LATE is True
    assert production.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert production.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert production.CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS is True
    assert production.CELERY_TASK_SERIALIZER == "json"
    assert production.CELERY_ACCEPT_CONTENT == ["json"]


def _countdowns(task: Task) -> list[float]:
    """The longest delay with which each task can be re-published."""
    delays = []
    if getattr(task, "autoretry_for", ()):
        if getattr(task, "retry_backoff", False):
            # celery.app.autoretry caps the exponential backoff at retry_backoff_max (600 s).
            delays.append(float(getattr(task, "retry_backoff_max", 600)))
        else:
            delays.append(float(task.default_retry_delay))
    return delays


def test_no_countdown_outlives_the_visibility_timeout(production):
    timeout = production.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    longest = [delivery.MAX_RETRY_DELAY.total_seconds()]
    for _name, task in inspect.getmembers(tasks, lambda obj: isinstance(obj, Task)):
        longest += _countdowns(task)
    assert max(longest) < timeout, (max(longest), timeout)
    # The lease on a claimed delivery ends well before Redis would redeliver its message.
    assert datetime.timedelta(seconds=timeout) > delivery.LEASE


def test_tasks_take_ids_only():
    """No e-mail address travels through Redis: every task's arguments are integer ids, or
    lists of them (a batch)."""
    for name, task in inspect.getmembers(tasks, lambda obj: isinstance(obj, Task)):
        signature = inspect.signature(task.run)
        for parameter in signature.parameters.values():
            if parameter.name == "self":
                continue
            if parameter.name.endswith("_ids"):
                assert parameter.annotation in (list[int], "list[int]"), f"{name}({parameter})"
                continue
            assert parameter.name.endswith("_id"), f"{name}({parameter.name})"
            assert parameter.annotation in (int, "int"), f"{name}({parameter.name})"
