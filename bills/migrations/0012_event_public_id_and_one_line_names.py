# Events get a random public id for anchors and feed entries (row ids showed the gaps internal
# events leave); names and titles are one line (a newline broke the calendars). Existing events
# each get their own id (a callable default would give every row the same one), and their
# history rows the id of their event.

import bills.validation
import uuid
from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    Event = apps.get_model("bills", "Event")
    HistoricalEvent = apps.get_model("bills", "HistoricalEvent")
    for event in Event.objects.only("pk"):
        public_id = uuid.uuid4()
        Event.objects.filter(pk=event.pk).update(public_id=public_id)
        HistoricalEvent.objects.filter(id=event.pk).update(public_id=public_id)
    for history in HistoricalEvent.objects.filter(public_id=None).only("history_id"):
        HistoricalEvent.objects.filter(history_id=history.history_id).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ('bills', '0011_record_triggers'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='public_id',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicalevent',
            name='public_id',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='event',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name='historicalevent',
            name='public_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name='bill',
            name='short_title',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='short title (English)'),
        ),
        migrations.AlterField(
            model_name='bill',
            name='short_title_kk',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='short title (Kazakh)'),
        ),
        migrations.AlterField(
            model_name='bill',
            name='short_title_ru',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='short title (Russian)'),
        ),
        migrations.AlterField(
            model_name='bill',
            name='title',
            field=models.CharField(max_length=500, validators=[bills.validation.validate_one_line], verbose_name='official title (English)'),
        ),
        migrations.AlterField(
            model_name='bill',
            name='title_kk',
            field=models.CharField(blank=True, max_length=500, validators=[bills.validation.validate_one_line], verbose_name='official title (Kazakh)'),
        ),
        migrations.AlterField(
            model_name='bill',
            name='title_ru',
            field=models.CharField(blank=True, max_length=500, validators=[bills.validation.validate_one_line], verbose_name='official title (Russian)'),
        ),
        migrations.AlterField(
            model_name='chamber',
            name='name',
            field=models.CharField(max_length=200, validators=[bills.validation.validate_one_line], verbose_name='name (English)'),
        ),
        migrations.AlterField(
            model_name='chamber',
            name='name_kk',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='name (Kazakh)'),
        ),
        migrations.AlterField(
            model_name='chamber',
            name='name_ru',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='name (Russian)'),
        ),
        migrations.AlterField(
            model_name='event',
            name='actor',
            field=models.CharField(blank=True, help_text='Who acted, for advocacy events.', max_length=300, validators=[bills.validation.validate_one_line]),
        ),
        migrations.AlterField(
            model_name='historicalbill',
            name='short_title',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='short title (English)'),
        ),
        migrations.AlterField(
            model_name='historicalbill',
            name='short_title_kk',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='short title (Kazakh)'),
        ),
        migrations.AlterField(
            model_name='historicalbill',
            name='short_title_ru',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='short title (Russian)'),
        ),
        migrations.AlterField(
            model_name='historicalbill',
            name='title',
            field=models.CharField(max_length=500, validators=[bills.validation.validate_one_line], verbose_name='official title (English)'),
        ),
        migrations.AlterField(
            model_name='historicalbill',
            name='title_kk',
            field=models.CharField(blank=True, max_length=500, validators=[bills.validation.validate_one_line], verbose_name='official title (Kazakh)'),
        ),
        migrations.AlterField(
            model_name='historicalbill',
            name='title_ru',
            field=models.CharField(blank=True, max_length=500, validators=[bills.validation.validate_one_line], verbose_name='official title (Russian)'),
        ),
        migrations.AlterField(
            model_name='historicalevent',
            name='actor',
            field=models.CharField(blank=True, help_text='Who acted, for advocacy events.', max_length=300, validators=[bills.validation.validate_one_line]),
        ),
        migrations.AlterField(
            model_name='historicalvote',
            name='motion',
            field=models.CharField(max_length=300, validators=[bills.validation.validate_one_line], verbose_name='motion (English)'),
        ),
        migrations.AlterField(
            model_name='historicalvote',
            name='motion_kk',
            field=models.CharField(blank=True, max_length=300, validators=[bills.validation.validate_one_line], verbose_name='motion (Kazakh)'),
        ),
        migrations.AlterField(
            model_name='historicalvote',
            name='motion_ru',
            field=models.CharField(blank=True, max_length=300, validators=[bills.validation.validate_one_line], verbose_name='motion (Russian)'),
        ),
        migrations.AlterField(
            model_name='jurisdiction',
            name='executive_title',
            field=models.CharField(max_length=100, validators=[bills.validation.validate_one_line], verbose_name='executive (English)'),
        ),
        migrations.AlterField(
            model_name='jurisdiction',
            name='executive_title_kk',
            field=models.CharField(blank=True, max_length=100, validators=[bills.validation.validate_one_line], verbose_name='executive (Kazakh)'),
        ),
        migrations.AlterField(
            model_name='jurisdiction',
            name='executive_title_ru',
            field=models.CharField(blank=True, max_length=100, validators=[bills.validation.validate_one_line], verbose_name='executive (Russian)'),
        ),
        migrations.AlterField(
            model_name='jurisdiction',
            name='name',
            field=models.CharField(max_length=200, validators=[bills.validation.validate_one_line], verbose_name='name (English)'),
        ),
        migrations.AlterField(
            model_name='jurisdiction',
            name='name_kk',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='name (Kazakh)'),
        ),
        migrations.AlterField(
            model_name='jurisdiction',
            name='name_ru',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='name (Russian)'),
        ),
        migrations.AlterField(
            model_name='source',
            name='publisher',
            field=models.CharField(max_length=200, validators=[bills.validation.validate_one_line]),
        ),
        migrations.AlterField(
            model_name='source',
            name='title',
            field=models.CharField(blank=True, max_length=500, validators=[bills.validation.validate_one_line]),
        ),
        migrations.AlterField(
            model_name='subject',
            name='name',
            field=models.CharField(max_length=200, validators=[bills.validation.validate_one_line], verbose_name='name (English)'),
        ),
        migrations.AlterField(
            model_name='subject',
            name='name_kk',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='name (Kazakh)'),
        ),
        migrations.AlterField(
            model_name='subject',
            name='name_ru',
            field=models.CharField(blank=True, max_length=200, validators=[bills.validation.validate_one_line], verbose_name='name (Russian)'),
        ),
        migrations.AlterField(
            model_name='vote',
            name='motion',
            field=models.CharField(max_length=300, validators=[bills.validation.validate_one_line], verbose_name='motion (English)'),
        ),
        migrations.AlterField(
            model_name='vote',
            name='motion_kk',
            field=models.CharField(blank=True, max_length=300, validators=[bills.validation.validate_one_line], verbose_name='motion (Kazakh)'),
        ),
        migrations.AlterField(
            model_name='vote',
            name='motion_ru',
            field=models.CharField(blank=True, max_length=300, validators=[bills.validation.validate_one_line], verbose_name='motion (Russian)'),
        ),
    ]
