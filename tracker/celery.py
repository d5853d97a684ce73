"""The Celery app. Broker and schedule come from Django settings (CELERY_ namespace).

Importing it chooses no settings: whoever starts a worker or beat names them
(DJANGO_SETTINGS_MODULE in docker-compose.yml, the Dockerfile and `manage.py up`).
"""

from celery import Celery, Task
from celery.signals import task_prerun
from django.db import connections

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _connections_checked(sender: Task | None = None, **kwargs: object) -> None:
    """Before each task, what Django does before each web request: drop a connection that
    failed or outlived CONN_MAX_AGE, and have the next query check the one kept
    (CONN_HEALTH_CHECKS). Celery keeps connections across tasks (CELERY_DB_REUSE_MAX) without
    this, so a PostgreSQL restart left a worker process failing on its dead connection."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return  # run in the caller's process and transaction (tests, eager mode): not ours
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
