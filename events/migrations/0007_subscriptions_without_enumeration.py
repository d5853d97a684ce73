# Subscribe requests decided by a task; opaque hashed tokens; random Message-IDs (issue: nobody
# learns who subscribes).

import django.db.models.deletion
import events.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bills', '0011_record_triggers'),
        ('events', '0006_event_moves_out'),
    ]

    operations = [
        migrations.CreateModel(
            name='SubscriptionRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, validators=[events.models.validate_plain_address])),
                ('language', models.CharField(default='en', max_length=2)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['created_at'],
            },
        ),
        migrations.AddField(
            model_name='delivery',
            name='message_id',
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name='subscription',
            name='confirm_expires_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='subscription',
            name='confirm_token_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='subscription',
            name='unsubscribe_nonce',
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name='subscription',
            name='unsubscribe_token_hash',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='subscription',
            name='email',
            field=models.EmailField(max_length=254, validators=[events.models.validate_plain_address]),
        ),
        migrations.AddConstraint(
            model_name='subscription',
            constraint=models.UniqueConstraint(condition=models.Q(('confirm_token_hash', ''), _negated=True), fields=('confirm_token_hash',), name='subscription_confirm_token_unique'),
        ),
        migrations.AddConstraint(
            model_name='subscription',
            constraint=models.UniqueConstraint(condition=models.Q(('unsubscribe_token_hash', ''), _negated=True), fields=('unsubscribe_token_hash',), name='subscription_unsubscribe_token_unique'),
        ),
        migrations.AddField(
            model_name='subscriptionrequest',
            name='bill',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='bills.bill'),
        ),
        migrations.AddField(
            model_name='subscriptionrequest',
            name='jurisdiction',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='bills.jurisdiction'),
        ),
        migrations.AddConstraint(
            model_name='subscriptionrequest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('bill__isnull', False), ('jurisdiction__isnull', True)), models.Q(('bill__isnull', True), ('jurisdiction__isnull', False)), _connector='OR'), name='subscription_request_one_scope'),
        ),
        migrations.AddConstraint(
            model_name='subscriptionrequest',
            constraint=models.CheckConstraint(condition=models.Q(('language__in', ['en', 'ru', 'kk'])), name='subscription_request_language_valid'),
        ),
    ]
