import pytest

from tracker.celery import app


@pytest.fixture
def eager():
    """Run Celery tasks in-process as they are published (the real task code, no broker)."""
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
