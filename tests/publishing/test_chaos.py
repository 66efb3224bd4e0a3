"""Chaos, small: network errors, lost answers and a worker that died mid-publish.

Whatever happens, every post ends up on its network exactly once — or, where the network
cannot be asked (Telegram), waits for a person — and nothing is silently dropped.
"""

import time

import pytest

from tests.networks import posts_on
from vitrina.channels.connect import provider_account
from vitrina.channels.networks import Network
from vitrina.channels.providers.registry import get_provider
from vitrina.content.models import Variant
from vitrina.content.states import VariantState
from vitrina.core.scheduler import Scheduler
from vitrina.publishing.dispatcher import claim_due
from vitrina.publishing.engine import _start
from vitrina.publishing.payloads import build_payload

pytestmark = pytest.mark.django_db(transaction=True)
SETTLED = {VariantState.PUBLISHED, VariantState.NEEDS_CHECK}
METHODS = {
    "vk": "wall.post",
    "ok": "mediatopic.post",
    "max": "messages.send",
    "telegram": "sendMessage",
}


@pytest.fixture
def fast(settings):
    settings.PUBLISH_LEASE_SECONDS = 1
    settings.PUBLISH_BACKOFF_SECONDS = 0.2
    settings.PUBLISH_RECHECK_SECONDS = 0
    settings.PUBLISH_CHANNEL_BURST = 2
    settings.SCHEDULER_INTERVAL_SECONDS = 0.1  # publishing's dispatch runs on every tick


def test_errors_lost_answers_and_a_dead_worker_lose_and_double_nothing(
    networks, connect, schedule, fast
):
    channels = [
        connect(network)
        for network in [
            Network.VK,
            Network.VK,
            Network.OK,
            Network.MAX,
            Network.MAX,
            Network.TELEGRAM,
        ]
    ]
    variants = []
    for number in range(4):
        variants += schedule(channels, text=f"Пост {number}: новинки фонда")

    # A worker claims three variants, sends one of them, and dies before recording anything.
    dead = claim_due(claimer="dead-worker", limit=3)
    for variant_id, claim in dead:
        _variant, _attempt, _reconcile = _start(variant_id, claim, "dead-worker")
    victim = Variant.objects.get(pk=dead[0][0])
    get_provider(victim.channel.network).publish(
        provider_account(victim.channel), build_payload(victim)
    )

    for network, method in METHODS.items():
        networks.fault(network=network, method=method, error_rate=0.15, drop_rate=0.1)

    scheduler = Scheduler(embedded=True, workers=4, interval=0.1)
    deadline = time.time() + 90
    ids = [variant.pk for variant in variants]
    while time.time() < deadline:
        scheduler.tick()
        open_left = Variant.objects.filter(pk__in=ids).exclude(state__in=SETTLED).count()
        if open_left == 0:
            break
        time.sleep(0.2)
    scheduler.stop()
    networks.clear_faults()

    states = dict(Variant.objects.filter(pk__in=ids).values_list("pk", "state"))
    assert set(states.values()) <= SETTLED, states  # nothing lost, nothing failed
    for channel in channels:
        settled_here = Variant.objects.filter(channel=channel, state__in=SETTLED).count()
        assert posts_on(networks, channel) == settled_here == 4, channel.network  # no doubles
    needs_check = Variant.objects.filter(pk__in=ids, state=VariantState.NEEDS_CHECK)
    assert {v.channel.network for v in needs_check} <= {Network.TELEGRAM}
