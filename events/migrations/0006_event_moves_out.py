# The timeline (Event) now belongs to the record app (bills/0006): state only, the tables stay.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bills", "0006_event_moves_in"),
        ("events", "0005_event_chamber_act_has_chamber"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="alert",
                    name="event",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alerts",
                        to="bills.event",
                    ),
                ),
                migrations.RemoveField(
                    model_name="historicalevent",
                    name="bill",
                ),
                migrations.RemoveField(
                    model_name="historicalevent",
                    name="chamber",
                ),
                migrations.RemoveField(
                    model_name="historicalevent",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="historicalevent",
                    name="vote",
                ),
                migrations.DeleteModel(
                    name="Event",
                ),
                migrations.DeleteModel(
                    name="HistoricalEvent",
                ),
            ]
        )
    ]
