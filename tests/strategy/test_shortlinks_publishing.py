"""The composer's short links through a real publication to the sandbox over HTTP."""

import pytest
from django.utils import timezone

from tests.networks import posts_on
from vitrina.channels.models import Channel
from vitrina.channels.networks import Network
from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.publishing.dispatcher import claim_due
from vitrina.publishing.engine import publish_variant
from vitrina.publishing.payloads import build_payload
from vitrina.strategy.links import short_url
from vitrina.strategy.models import Resource, ShortLink

pytestmark = pytest.mark.django_db


def run_once(variant):
    Channel.objects.filter(pk=variant.channel_id).update(publish_not_before=None)
    claimed = dict(claim_due(claimer="test"))
    state = publish_variant(variant.pk, claimed[variant.pk], worker="test")
    variant.refresh_from_db()
    return state


def test_a_lost_answer_is_reconciled_with_the_same_short_link(
    networks, connect, schedule, library, settings
):
    settings.REDIS_URL = ""
    library.website_url = "https://cgb-mednogorsk.ru"
    library.save()
    channel = connect(Network.VK)
    text = "Новые книги: https://cgb-mednogorsk.ru/new?utm_source=vk&utm_medium=social"
    [variant] = schedule([channel], text=text)
    networks.fault(network="vk", method="wall.post", drop_rate=1.0, count=1)
    assert run_once(variant) == VariantState.SCHEDULED
    [link] = ShortLink.objects.filter(variant=variant)
    assert link.resource == Resource.SITE and link.target_url == text.split(": ")[1]
    Variant.objects.filter(pk=variant.pk).update(next_attempt_at=timezone.now())
    assert run_once(variant) == VariantState.PUBLISHED
    assert posts_on(networks, channel) == 1
    # Both attempts sent the same text with the same link; the variant's own text is kept.
    assert ShortLink.objects.filter(variant=variant).count() == 1
    assert build_payload(variant).text == f"Новые книги: {short_url(link.code)}"
    assert variant.text == text
