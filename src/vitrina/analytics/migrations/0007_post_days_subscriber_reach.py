from django.db import migrations


class Migration(migrations.Migration):
    """The organisation's posts by day keep apart the posts of networks whose views stand in
    for reach (a capability of the network, not one network's name)."""

    dependencies = [("analytics", "0006_history_indexed_by_its_key")]

    operations = [
        migrations.RenameField(model_name="postday", old_name="telegram", new_name="subscriber_reach"),
    ]
