# A cap on the attempts to mail one confirmation link.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0007_subscriptions_without_enumeration'),
    ]

    operations = [
        migrations.AddField(
            model_name='subscription',
            name='confirmation_attempts',
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
    ]
