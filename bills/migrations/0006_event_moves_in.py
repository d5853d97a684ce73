# The timeline (Event) moves from the events app into the record app, which derives status and
# windows from it: state only. The tables keep their names here (events_event, ...) and are
# renamed by 0007; events/0006 removes the model from the events app's state.

import bills.translation
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bills", "0005_signing_rule_in_force_from_optional"),
        ("events", "0005_event_chamber_act_has_chamber"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HistoricalEvent",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "order",
                            models.PositiveIntegerField(
                                help_text="Position on the bill's timeline."
                            ),
                        ),
                        (
                            "classification",
                            models.CharField(
                                choices=[
                                    ("introduction", "introduced"),
                                    ("referral-committee", "referred to committee"),
                                    ("reading-1", "first reading"),
                                    ("reading-2", "second reading"),
                                    ("reading-3", "third reading"),
                                    ("amendment-passage", "amendment passed"),
                                    ("passage", "passed"),
                                    ("failure", "failed"),
                                    ("receipt", "received by the other chamber"),
                                    ("executive-receipt", "received by the executive"),
                                    ("executive-signature", "signed by the executive"),
                                    ("executive-veto", "vetoed by the executive"),
                                    ("veto-override-passage", "veto overridden"),
                                    ("became-law", "became law"),
                                    ("withdrawal", "withdrawn"),
                                    ("statement", "statement"),
                                    ("press-conference", "press conference"),
                                    ("detention", "detention"),
                                    ("incident", "incident"),
                                    ("other", "other"),
                                ],
                                max_length=32,
                            ),
                        ),
                        (
                            "actor",
                            models.CharField(
                                blank=True,
                                help_text="Who acted, for advocacy events.",
                                max_length=300,
                            ),
                        ),
                        ("description", models.TextField(verbose_name="description (English)")),
                        (
                            "description_ru",
                            models.TextField(blank=True, verbose_name="description (Russian)"),
                        ),
                        (
                            "description_kk",
                            models.TextField(blank=True, verbose_name="description (Kazakh)"),
                        ),
                        ("date", models.DateField(blank=True, null=True)),
                        (
                            "date_precision",
                            models.CharField(
                                choices=[
                                    ("day", "day"),
                                    ("month", "month"),
                                    ("unknown", "unknown"),
                                ],
                                default="day",
                                max_length=8,
                            ),
                        ),
                        (
                            "visibility",
                            models.CharField(
                                choices=[
                                    ("public", "public"),
                                    ("internal", "internal (staff only)"),
                                ],
                                default="public",
                                max_length=8,
                            ),
                        ),
                        ("created_at", models.DateTimeField(blank=True, editable=False)),
                        ("updated_at", models.DateTimeField(blank=True, editable=False)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "bill",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="bills.bill",
                            ),
                        ),
                        (
                            "chamber",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                help_text="The acting chamber, for legislative actions.",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="bills.chamber",
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "vote",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                help_text="The vote that decided this action.",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="bills.vote",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical event",
                        "verbose_name_plural": "historical events",
                        "db_table": "events_historicalevent",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Event",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "order",
                            models.PositiveIntegerField(
                                help_text="Position on the bill's timeline."
                            ),
                        ),
                        (
                            "classification",
                            models.CharField(
                                choices=[
                                    ("introduction", "introduced"),
                                    ("referral-committee", "referred to committee"),
                                    ("reading-1", "first reading"),
                                    ("reading-2", "second reading"),
                                    ("reading-3", "third reading"),
                                    ("amendment-passage", "amendment passed"),
                                    ("passage", "passed"),
                                    ("failure", "failed"),
                                    ("receipt", "received by the other chamber"),
                                    ("executive-receipt", "received by the executive"),
                                    ("executive-signature", "signed by the executive"),
                                    ("executive-veto", "vetoed by the executive"),
                                    ("veto-override-passage", "veto overridden"),
                                    ("became-law", "became law"),
                                    ("withdrawal", "withdrawn"),
                                    ("statement", "statement"),
                                    ("press-conference", "press conference"),
                                    ("detention", "detention"),
                                    ("incident", "incident"),
                                    ("other", "other"),
                                ],
                                max_length=32,
                            ),
                        ),
                        (
                            "actor",
                            models.CharField(
                                blank=True,
                                help_text="Who acted, for advocacy events.",
                                max_length=300,
                            ),
                        ),
                        ("description", models.TextField(verbose_name="description (English)")),
                        (
                            "description_ru",
                            models.TextField(blank=True, verbose_name="description (Russian)"),
                        ),
                        (
                            "description_kk",
                            models.TextField(blank=True, verbose_name="description (Kazakh)"),
                        ),
                        ("date", models.DateField(blank=True, null=True)),
                        (
                            "date_precision",
                            models.CharField(
                                choices=[
                                    ("day", "day"),
                                    ("month", "month"),
                                    ("unknown", "unknown"),
                                ],
                                default="day",
                                max_length=8,
                            ),
                        ),
                        (
                            "visibility",
                            models.CharField(
                                choices=[
                                    ("public", "public"),
                                    ("internal", "internal (staff only)"),
                                ],
                                default="public",
                                max_length=8,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "bill",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="events",
                                to="bills.bill",
                            ),
                        ),
                        (
                            "chamber",
                            models.ForeignKey(
                                blank=True,
                                help_text="The acting chamber, for legislative actions.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="events",
                                to="bills.chamber",
                            ),
                        ),
                        (
                            "sources",
                            models.ManyToManyField(
                                blank=True, related_name="events", to="bills.source"
                            ),
                        ),
                        (
                            "vote",
                            models.OneToOneField(
                                blank=True,
                                help_text="The vote that decided this action.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="action",
                                to="bills.vote",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "events_event",
                        "ordering": ["bill", "order"],
                        "indexes": [
                            models.Index(
                                fields=["visibility", "-date"], name="event_visibility_date_idx"
                            ),
                            models.Index(
                                fields=["visibility", "-updated_at"],
                                name="event_visibility_updated_idx",
                            ),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("bill", "order"), name="event_order_unique_per_bill"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        (
                                            "classification__in",
                                            ["passage", "veto-override-passage"],
                                        ),
                                        _negated=True,
                                    ),
                                    ("chamber__isnull", False),
                                    _connector="OR",
                                ),
                                name="event_chamber_act_has_chamber",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "classification__in",
                                        [
                                            "introduction",
                                            "referral-committee",
                                            "reading-1",
                                            "reading-2",
                                            "reading-3",
                                            "amendment-passage",
                                            "passage",
                                            "failure",
                                            "receipt",
                                            "executive-receipt",
                                            "executive-signature",
                                            "executive-veto",
                                            "veto-override-passage",
                                            "became-law",
                                            "withdrawal",
                                            "statement",
                                            "press-conference",
                                            "detention",
                                            "incident",
                                            "other",
                                        ],
                                    )
                                ),
                                name="event_classification_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("visibility__in", ["public", "internal"])),
                                name="event_visibility_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("date__isnull", True), ("date_precision", "unknown")),
                                    models.Q(("date__isnull", False), ("date_precision", "day")),
                                    models.Q(
                                        ("date__day", 1),
                                        ("date__isnull", False),
                                        ("date_precision", "month"),
                                    ),
                                    _connector="OR",
                                ),
                                name="event_date_precision_coherent",
                            ),
                        ],
                    },
                    bases=(bills.translation.LocalizedMixin, models.Model),
                ),
            ]
        )
    ]
