"""The Celery app. Broker and schedule come from Django settings (CELERY_ namespace).

Importing it chooses no settings: whoever starts a worker or beat names them
(DJANGO_SETTINGS_MODULE in docker-compose.yml, the Dockerfile and `manage.py up`).
"""

from celery import Celery

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
