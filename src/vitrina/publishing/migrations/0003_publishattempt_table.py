"""The attempt log takes publishing's own table name (the rows go with the table)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0002_publishattempt'),
    ]

    operations = [
        migrations.AlterModelTable(name='publishattempt', table=None),
    ]
