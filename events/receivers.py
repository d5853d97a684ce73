"""The alerting app's answers to the record's signals (connected in events.apps)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from bills.models import Bill, Event
from bills.signals import actions_published
from events.alerts import alert_raise_for_event


@receiver(actions_published, dispatch_uid="events-new-action-alerts")
def new_action_alerts(
    sender: type[Bill], *, bill: Bill, events: list[Event], **kwargs: Any
) -> None:
    """Each newly public legislative action raises its 'new action' alert once, in the
    transaction that recorded it (the mails go out after commit)."""
    for event in events:
        alert_raise_for_event(event=event)
