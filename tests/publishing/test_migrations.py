"""The attempt log moved from content to publishing without losing a row."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import PostFactory, VariantFactory
from vitrina.publishing.models import PublishAttempt

BEFORE = [("content", "0004_post_about_people"), ("publishing", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_attempt_rows_move_with_their_table(organisation, channel):
    variant = VariantFactory(post=PostFactory(organisation=organisation), channel=channel)
    old = migrate(BEFORE)
    try:
        OldAttempt = old.get_model("content", "PublishAttempt")
        assert OldAttempt._meta.db_table == "content_publishattempt"
        OldAttempt.objects.create(
            variant_id=variant.pk,
            started_at=timezone.now(),
            outcome="published",
            detail="Записано до переезда",
        )
    finally:
        executor = MigrationExecutor(connection)
        migrate(executor.loader.graph.leaf_nodes())
    [attempt] = PublishAttempt.objects.filter(variant=variant)
    assert attempt.detail == "Записано до переезда"
    assert "content_publishattempt" not in connection.introspection.table_names()
