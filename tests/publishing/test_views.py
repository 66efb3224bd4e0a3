"""Publishing's actions on the post page, its parts of content's pages, and its API router."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ChannelFactory, PostFactory, VariantFactory
from tests.factories.publishing import PublishAttemptFactory
from vitrina.content.states import VariantState
from vitrina.core.roles import Role
from vitrina.core.services import api_token_create
from vitrina.publishing.models import PublishAttempt

pytestmark = pytest.mark.django_db


def test_deleting_a_post_from_every_network_is_for_editors(
    client, organisation, channel, member_factory
):
    post = PostFactory(organisation=organisation, text="Опубликовано")
    variant = VariantFactory(
        post=post, channel=channel, state=VariantState.PUBLISHED, external_id="5"
    )
    url = f"/o/{organisation.slug}/posts/{post.pk}/delete-from-networks/"
    author = member_factory(role=Role.AUTHOR)
    client.force_login(author.user)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "Опубликованные посты удаляют только редакторы" in response.content.decode()
    variant.refresh_from_db()
    assert variant.state == VariantState.PUBLISHED
    analyst = member_factory(role=Role.ANALYST)
    client.force_login(analyst.user)
    assert client.post(url).status_code == 403


def test_an_unknown_action_or_variant_is_404(client, organisation, channel, member_factory):
    editor = member_factory(role=Role.EDITOR)
    client.force_login(editor.user)
    post = PostFactory(organisation=organisation)
    variant = VariantFactory(post=post, channel=channel, state=VariantState.FAILED)
    base = f"/o/{organisation.slug}/posts/{post.pk}/variants"
    assert client.post(f"{base}/{variant.pk}/action/", {"action": "explode"}).status_code == 404
    assert client.post(f"{base}/999999/action/", {"action": "retry"}).status_code == 404
    gone = f"/o/{organisation.slug}/posts/999999/delete-from-networks/"
    assert client.post(gone).status_code == 404


def test_the_post_page_reads_every_variants_log_in_one_query(
    client, organisation, library, member_factory
):
    editor = member_factory(role=Role.EDITOR)
    client.force_login(editor.user)
    post = PostFactory(organisation=organisation)
    for number in range(3):
        variant = VariantFactory(
            post=post, channel=ChannelFactory(library=library), state=VariantState.PUBLISHED
        )
        PublishAttemptFactory(variant=variant, detail=f"Попытка {number}")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/o/{organisation.slug}/posts/{post.pk}/").content.decode()
    assert all(f"Попытка {number}" in body for number in range(3))
    table = PublishAttempt._meta.db_table
    assert table == "publishing_publishattempt"
    assert sum(table in query["sql"] for query in queries.captured_queries) == 1


def test_the_api_keeps_the_variant_operations_where_clients_know_them(client, admin):
    _token, raw = api_token_create(user=admin, name="t")
    schema = client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    base = "/api/v1/organisations/{org_slug}/posts/{post_id}/variants/{variant_id}"
    for tail, name in [
        ("retry", "variant_retry"),
        ("check", "variant_check"),
        ("delete-from-network", "variant_delete_from_network"),
    ]:
        operation = schema["paths"][f"{base}/{tail}"]["post"]
        assert operation["operationId"] == f"vitrina_api_content_{name}"
        assert operation["tags"] == ["content"]
    check = schema["paths"][f"{base}/check"]["post"]["requestBody"]["content"]
    assert check["application/json"]["schema"]["$ref"].endswith("/CheckIn")
