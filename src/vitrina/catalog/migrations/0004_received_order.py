from django.db import migrations

INDEX = "catalog_record_received_nulls_last"


def create_index(apps, schema_editor):
    # The order of every list and search: newest first, undated last. A search walks it
    # and stops at a page instead of sorting all its matches. SQLite cannot index NULLS
    # LAST, and its catalogues are small.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_record "
            "(organisation_id, received_on DESC NULLS LAST)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_import_queue")]

    operations = [migrations.RunPython(create_index, drop_index)]
