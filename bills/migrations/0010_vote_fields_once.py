# The vote's copies of its action's bill, chamber and date go: they are read from the action.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bills", "0009_vote_action_filled"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="vote",
            options={"ordering": ["action__date", "id"]},
        ),
        migrations.RemoveConstraint(
            model_name="vote",
            name="vote_unique_motion_per_day",
        ),
        migrations.RemoveIndex(
            model_name="vote",
            name="vote_bill_date_idx",
        ),
        migrations.RemoveField(model_name="event", name="vote"),
        migrations.RemoveField(model_name="historicalevent", name="vote"),
        migrations.RemoveField(model_name="historicalvote", name="bill"),
        migrations.RemoveField(model_name="historicalvote", name="chamber"),
        migrations.RemoveField(model_name="historicalvote", name="date"),
        migrations.RemoveField(model_name="vote", name="bill"),
        migrations.RemoveField(model_name="vote", name="chamber"),
        migrations.RemoveField(model_name="vote", name="date"),
        migrations.AlterField(
            model_name="vote",
            name="action",
            field=models.OneToOneField(
                help_text="The act this vote decided (its bill, chamber and date).",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="vote",
                to="bills.event",
            ),
        ),
    ]
