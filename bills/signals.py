"""What the record tells the layers above it, without knowing who listens.

Sent by bills.changes inside the transaction that changed the record, after the bill's status and
windows were derived; receivers run in that transaction (the alerting app raises its 'new action'
alerts and writes their outbox rows there, so an alert exists exactly when the action does).
"""

from django.dispatch import Signal

# kwargs: bill (Bill), events (list[Event]): legislative actions that have just become public
# (recorded public, or made public), each to be announced once.
actions_published = Signal()

# Sent by bills.timeline when a vote is recorded, in its transaction. kwargs: bill (Bill),
# vote (Vote).
vote_recorded = Signal()

# kwargs: bill (Bill), changed (list[str]): the derived public facts that this change moved, of
# "status", "introduced_on", "last_action_on", "windows". The derivation reads public actions
# only, so a change to internal events never sends this.
facts_changed = Signal()

# Sent by the layers above (the alerting app) when a change of the record raised an alert, in
# the change's transaction, and only while someone listens (the admin's forms, to say what a
# save set off): the record hears of it without knowing about alerts. kwargs: bill (Bill),
# kind (str: the alert's kind, e.g. "new-action"), subscribers (int), webhooks (int): the
# deliveries queued for it.
alert_raised = Signal()
