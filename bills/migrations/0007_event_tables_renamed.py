# The timeline's tables take the record app's names: bills_event, bills_event_sources and
# bills_historicalevent (AlterModelTable renames the many-to-many table with its model).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bills', '0006_event_moves_in'),
        ('events', '0006_event_moves_out'),
    ]

    operations = [
        migrations.AlterModelTable(
            name='event',
            table=None,
        ),
        migrations.AlterModelTable(
            name='historicalevent',
            table=None,
        ),
    ]
