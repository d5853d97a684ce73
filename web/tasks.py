"""The public site's own tasks: rebuilding the bulk downloads after the record changes."""

from __future__ import annotations

from celery import shared_task

from web import data


@shared_task
def data_rebuild() -> list[str]:
    return data.data_rebuild_queued()
