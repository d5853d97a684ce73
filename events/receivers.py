"""The alerting app's answers to the record's signals (connected in events.apps)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from bills.models import Bill, Event
from bills.signals import actions_published, facts_changed
from events.alerts import alert_raise_for_event, alert_raise_for_record_change


@receiver(actions_published, dispatch_uid="events-new-action-alerts")
def new_action_alerts(
    sender: type[Bill], *, bill: Bill, events: list[Event], **kwargs: Any
) -> None:
    """Each newly public legislative action raises its 'new action' alert once, in the
    transaction that recorded it (the mails go out after commit)."""
    for event in events:
        alert_raise_for_event(event=event)


@receiver(facts_changed, dispatch_uid="events-record-changed-webhooks")
def record_changed_webhooks(
    sender: type[Bill], *, bill: Bill, changed: list[str], **kwargs: Any
) -> None:
    """The bill's derived status, dates or windows moved: its webhooks hear of it (not mail:
    subscribers get the alerts that say what happened)."""
    alert_raise_for_record_change(bill=bill)
