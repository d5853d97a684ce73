# Each vote points at the action that named it (Event.vote). A vote no action named gets one:
# a passage or failure by its chamber, on its date, at the end of its bill's timeline, citing
# the vote's sources; so no vote, and no date, is lost.

from django.db import migrations
from django.db.models import Max


def forward(apps, schema_editor):
    Event = apps.get_model("bills", "Event")
    Vote = apps.get_model("bills", "Vote")
    HistoricalVote = apps.get_model("bills", "HistoricalVote")
    for vote in Vote.objects.order_by("id"):
        action = Event.objects.filter(vote_id=vote.pk).first()
        if action is None:
            last = Event.objects.filter(bill_id=vote.bill_id).aggregate(m=Max("order"))["m"]
            action = Event.objects.create(
                bill_id=vote.bill_id,
                order=(last or 0) + 1,
                classification="passage" if vote.result == "pass" else "failure",
                chamber_id=vote.chamber_id,
                description=vote.motion,
                date=vote.date,
                date_precision="day",
                visibility="public",
            )
            action.sources.set(vote.sources.all())
        Vote.objects.filter(pk=vote.pk).update(action_id=action.pk)
        HistoricalVote.objects.filter(id=vote.pk).update(action_id=action.pk)


def backward(apps, schema_editor):
    Event = apps.get_model("bills", "Event")
    Vote = apps.get_model("bills", "Vote")
    for vote in Vote.objects.exclude(action_id=None):
        Event.objects.filter(pk=vote.action_id).update(vote_id=vote.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("bills", "0008_vote_action_added"),
    ]

    operations = [migrations.RunPython(forward, backward)]
