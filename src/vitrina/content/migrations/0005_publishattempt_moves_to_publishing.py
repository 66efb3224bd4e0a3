"""The attempt log belongs to publishing (publishing/migrations/0002): the model leaves
content's state only; its table and rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0004_post_about_people'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='PublishAttempt')],
            database_operations=[],
        ),
    ]
