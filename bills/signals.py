"""What the record tells the layers above it, without knowing who listens.

Sent by bills.changes inside the transaction that changed the record, after the bill's status and
windows were derived; receivers run in that transaction (the alerting app raises its 'new action'
alerts and writes their outbox rows there, so an alert exists exactly when the action does).
"""

from django.dispatch import Signal

# kwargs: bill (Bill), events (list[Event]): legislative actions that have just become public
# (recorded public, or made public), each to be announced once.
actions_published = Signal()
