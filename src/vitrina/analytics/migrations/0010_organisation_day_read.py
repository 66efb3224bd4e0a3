from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_read(apps, schema_editor):
    """The days kept so far learn how many channels' subscribers they add up."""
    OrganisationDay = apps.get_model("analytics", "OrganisationDay")
    AccountSnapshot = apps.get_model("analytics", "AccountSnapshot")
    read = (
        AccountSnapshot.objects.filter(
            channel__organisation=OuterRef("organisation"),
            channel__archived_at=None,
            day=OuterRef("day"),
            followers__isnull=False,
        )
        .order_by()
        .values("day")
        .annotate(count=Count("pk"))
        .values("count")[:1]
    )
    OrganisationDay.objects.update(read=Coalesce(Subquery(read), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0009_post_latest_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisationday",
            name="read",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_read, migrations.RunPython.noop),
    ]
