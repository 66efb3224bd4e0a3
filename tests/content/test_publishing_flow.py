"""A post from the composer's services through the engine to the network and back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.images import image_bytes
from tests.networks import posts_on
from vitrina.channels.networks import Network
from vitrina.content.models import Variant
from vitrina.content.services import approval as approval_services
from vitrina.content.services import media as media_services
from vitrina.content.services import posts as post_services
from vitrina.content.services import scheduling as scheduling_services
from vitrina.content.services import variants as variant_services
from vitrina.content.states import VariantState
from vitrina.core.roles import Role
from vitrina.publishing.dispatcher import claim_due
from vitrina.publishing.engine import publish_variant

pytestmark = pytest.mark.django_db


def publish_due():
    for variant_id, token in claim_due(claimer="test"):
        publish_variant(variant_id, token, worker="test")


def test_composed_post_goes_out_and_is_deleted_from_the_network(
    networks, connect, client, organisation, member_factory
):
    editor = member_factory(role=Role.EDITOR)
    vk = connect(Network.VK)
    telegram = connect(Network.TELEGRAM)
    picture = media_services.media_upload(
        organisation=organisation, actor=editor.user, data=image_bytes(), name="cover.png"
    )
    post = post_services.post_create(
        organisation=organisation,
        actor=editor.user,
        channels=[vk, telegram],
        media=[picture],
        text="Новые поступления",
        scheduled_at=timezone.now() + timedelta(hours=1),
    )
    telegram_variant = post.variants.get(channel=telegram)
    variant_services.variant_update(variant=telegram_variant, actor=editor.user, text="Коротко")
    approval_services.post_submit(post=post, actor=editor.user, membership=editor)
    publish_due()
    assert set(post.variants.values_list("state", flat=True)) == {VariantState.SCHEDULED}
    scheduling_services.post_reschedule(
        post=post, actor=editor.user, scheduled_at=timezone.now() - timedelta(seconds=1)
    )
    publish_due()
    vk_variant = post.variants.get(channel=vk)
    assert vk_variant.state == VariantState.PUBLISHED and vk_variant.external_url
    assert post.variants.get(channel=telegram).state == VariantState.PUBLISHED
    assert posts_on(networks, vk) == 1

    client.force_login(editor.user)
    page = client.get(f"/o/{organisation.slug}/posts/{post.pk}/").content.decode()
    assert vk_variant.external_url in page and 'value="delete_from_network"' in page
    # Published: editing is refused with a clear message.
    response = client.post(
        f"/o/{organisation.slug}/posts/{post.pk}/edit/", {"text": "Поздно"}, follow=True
    )
    assert "уже опубликован" in response.content.decode()

    client.post(
        f"/o/{organisation.slug}/posts/{post.pk}/variants/{vk_variant.pk}/action/",
        {"action": "delete_from_network"},
    )
    vk_variant.refresh_from_db()
    assert vk_variant.state == VariantState.DELETED
    assert posts_on(networks, vk) == 0
    # The whole post: deleted from every network it is still on.
    client.post(f"/o/{organisation.slug}/posts/{post.pk}/delete-from-networks/")
    assert post.variants.get(channel=telegram).state == VariantState.DELETED


def test_retry_and_check_buttons_call_the_engine(client, organisation, member_factory, channel):
    editor = member_factory(role=Role.EDITOR)
    post = post_services.post_create(
        organisation=organisation, actor=editor.user, channels=[channel], text="Текст"
    )
    variant = post.variants.get()
    Variant.objects.filter(pk=variant.pk).update(state=VariantState.FAILED, last_error="Отказ")
    client.force_login(editor.user)
    url = f"/o/{organisation.slug}/posts/{post.pk}/variants/{variant.pk}/action/"
    assert (
        'value="retry"' in client.get(f"/o/{organisation.slug}/posts/{post.pk}/").content.decode()
    )
    client.post(url, {"action": "retry"})
    variant.refresh_from_db()
    assert variant.state == VariantState.SCHEDULED
    Variant.objects.filter(pk=variant.pk).update(state=VariantState.NEEDS_CHECK)
    client.post(url, {"action": "published", "url": "https://vk.com/wall-1_5"})
    variant.refresh_from_db()
    assert variant.state == VariantState.PUBLISHED
    assert variant.external_url == "https://vk.com/wall-1_5"
    # A second check is refused with the engine's message, not a server error.
    response = client.post(url, {"action": "published"}, follow=True)
    assert response.status_code == 200
    # Authors do not run the engine's actions.
    author = member_factory(role=Role.AUTHOR)
    client.force_login(author.user)
    assert client.post(url, {"action": "retry"}).status_code == 403
