# A vote hangs off the action it decided (stored once: its bill, chamber and date are the
# action's). Added nullable here, filled by 0009, made required by 0010, which drops the copies.

import django.db.models.deletion
from django.db import migrations, models

import bills.validation


class Migration(migrations.Migration):
    dependencies = [
        ("bills", "0007_event_tables_renamed"),
    ]

    operations = [
        migrations.AddField(
            model_name="vote",
            name="action",
            field=models.OneToOneField(
                null=True,
                help_text="The act this vote decided (its bill, chamber and date).",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="vote",
                to="bills.event",
            ),
        ),
        migrations.AddField(
            model_name="historicalvote",
            name="action",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The act this vote decided (its bill, chamber and date).",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="bills.event",
            ),
        ),
        migrations.AlterField(
            model_name="jurisdiction",
            name="timezone",
            field=models.CharField(
                help_text="IANA time zone, e.g. Asia/Almaty; deadlines are dates there.",
                max_length=64,
                validators=[bills.validation.validate_timezone],
            ),
        ),
    ]
