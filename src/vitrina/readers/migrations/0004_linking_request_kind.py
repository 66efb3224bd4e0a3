from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("readers", "0003_renewals_claims")]

    operations = [
        migrations.AddField(
            model_name="linkrequest",
            name="kind",
            field=models.CharField(
                choices=[("link", "Link a card"), ("data", "A reader's data")],
                default="link",
                max_length=8,
            ),
        ),
    ]
