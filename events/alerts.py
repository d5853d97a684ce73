"""Alerts: raised once per (window, threshold) or per new action, fanned out to the outbox."""

from __future__ import annotations

from events.models import Alert, Event


def alert_raise_for_event(*, event: Event) -> Alert | None:
    """Raise the 'new action or vote' alert for a public legislative event, once.

    Called by the service that records the event, in the same transaction; the mails are
    enqueued only after that transaction commits. (Groundwork: the alerts issue fills this in.)
    """
    return None
