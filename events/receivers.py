"""The alerting app's answers to the record's signals (connected in events.apps)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from bills.models import Bill, Event, Vote
from bills.signals import actions_published, alert_raised, facts_changed, vote_recorded
from events.alerts import alert_raise_for_event, alert_raise_for_record_change, alert_raise_for_vote
from events.models import Alert


@receiver(actions_published, dispatch_uid="events-new-action-alerts")
def new_action_alerts(
    sender: type[Bill], *, bill: Bill, events: list[Event], **kwargs: Any
) -> None:
    """Each newly public legislative action raises its 'new action' alert once, in the
    transaction that recorded it (the mails go out after commit)."""
    for event in events:
        _tell(bill, alert_raise_for_event(event=event))


@receiver(vote_recorded, dispatch_uid="events-new-vote-alerts")
def new_vote_alerts(sender: type[Vote], *, bill: Bill, vote: Vote, **kwargs: Any) -> None:
    """A vote added to an action announced before raises its 'new vote' alert once."""
    _tell(bill, alert_raise_for_vote(vote=vote))


@receiver(facts_changed, dispatch_uid="events-record-changed-webhooks")
def record_changed_webhooks(
    sender: type[Bill], *, bill: Bill, changed: list[str], **kwargs: Any
) -> None:
    """The bill's derived status, dates or windows moved: its webhooks hear of it (not mail:
    subscribers get the alerts that say what happened)."""
    _tell(bill, alert_raise_for_record_change(bill=bill))


def _tell(bill: Bill, alert: Alert | None) -> None:
    """Say what was raised, to whoever listens (bills.signals.alert_raised); the count of
    deliveries costs a query, so nothing is counted while nobody listens."""
    if alert is None or not alert_raised.has_listeners():
        return
    deliveries = alert.deliveries.all()
    alert_raised.send(
        sender=Alert,
        bill=bill,
        kind=str(alert.kind),
        subscribers=deliveries.filter(subscription__isnull=False).count(),
        webhooks=deliveries.filter(webhook__isnull=False).count(),
    )
