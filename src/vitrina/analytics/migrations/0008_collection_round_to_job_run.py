"""The round of collection is a periodic job: its row moves to the scheduler's ``JobRun``."""

from django.db import migrations

OLD_NAME = 'collect'
JOB_NAME = 'analytics.collect'


def rounds_to_job_runs(apps, schema_editor):
    CollectionRound = apps.get_model('analytics', 'CollectionRound')
    JobRun = apps.get_model('core', 'JobRun')
    for row in CollectionRound.objects.filter(name=OLD_NAME):
        JobRun.objects.update_or_create(
            name=JOB_NAME, defaults={'started_at': row.started_at, 'started_by': row.started_by}
        )


def job_runs_to_rounds(apps, schema_editor):
    CollectionRound = apps.get_model('analytics', 'CollectionRound')
    JobRun = apps.get_model('core', 'JobRun')
    for row in JobRun.objects.filter(name=JOB_NAME):
        CollectionRound.objects.update_or_create(
            name=OLD_NAME, defaults={'started_at': row.started_at, 'started_by': row.started_by}
        )


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0007_post_days_subscriber_reach'),
        ('core', '0005_jobrun'),
    ]

    operations = [
        migrations.RunPython(rounds_to_job_runs, job_runs_to_rounds),
        migrations.DeleteModel(name='CollectionRound'),
    ]
