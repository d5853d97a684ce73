"""Hooking a receiver to every write of the public record (the models the backup defines, and
their many-to-many tables): what the page cache and the bulk downloads follow."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from bills.backup import RECORD_MODELS
from bills.models import Bill, Event, Family, Vote

# Shown on public pages though not (yet) in the backup's models: a renamed family, or a source
# added to it or to a bill's lineage, must show at once too.
SHOWN_MODELS: tuple[type[Model], ...] = (Family,)


def connect(receiver: Callable[..., None], prefix: str) -> None:
    for model in (*RECORD_MODELS, *SHOWN_MODELS):
        uid = f"{prefix}-{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + "-delete")
    for through in (
        Bill.subjects.through,
        Bill.sources.through,
        Vote.sources.through,
        Event.sources.through,
        Family.sources.through,
        Bill.lineage_sources.through,
    ):
        m2m_changed.connect(
            receiver, sender=through, dispatch_uid=f"{prefix}-{through._meta.label_lower}"
        )
