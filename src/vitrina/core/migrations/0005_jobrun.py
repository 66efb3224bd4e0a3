from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_organisation_answer_working_days'),
    ]

    operations = [
        migrations.CreateModel(
            name='JobRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('started_by', models.CharField(blank=True, max_length=200)),
            ],
        ),
    ]
