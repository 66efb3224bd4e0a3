"""The attempt log arrives from content (content/migrations/0005) on its old table, rows and
all; 0003 gives it publishing's own table name."""

import django.db.models.deletion
from django.db import migrations, models


def content_type_to_publishing(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ContentType.objects.filter(app_label='content', model='publishattempt').update(
        app_label='publishing'
    )


def content_type_to_content(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ContentType.objects.filter(app_label='publishing', model='publishattempt').update(
        app_label='content'
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('content', '0005_publishattempt_moves_to_publishing'),
        ('publishing', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PublishAttempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('started_at', models.DateTimeField()),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('outcome', models.CharField(choices=[('published', 'Published'), ('found', 'Found on the network after a lost answer'), ('not_found', 'Checked: not on the network'), ('rate_limited', 'Network limit reached, will retry'), ('transient', 'Network error, will retry'), ('unknown', 'Answer lost, will check'), ('rejected', 'Refused by the network'), ('auth_expired', 'Authorisation expired'), ('unverifiable', 'Cannot be checked, waiting for a person'), ('deleted', 'Deleted from the network')], max_length=20)),
                        ('detail', models.TextField(blank=True)),
                        ('network_code', models.CharField(blank=True, max_length=60)),
                        ('worker', models.CharField(blank=True, max_length=100)),
                        ('variant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to='content.variant')),
                    ],
                    options={
                        'ordering': ['started_at', 'id'],
                        'db_table': 'content_publishattempt',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_publishing, content_type_to_content),
    ]
