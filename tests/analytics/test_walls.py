"""Posts made outside Vitrina, read back from VK, OK and MAX through the providers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.publishing.test_engine import run_once
from vitrina.analytics.collect import collect_and_record, collect_channel
from vitrina.analytics.models import PostLatest, PostSnapshot
from vitrina.analytics.walls import discovery_since
from vitrina.channels.networks import Network
from vitrina.channels.providers.registry import get_provider

pytestmark = pytest.mark.django_db

DAY = 86400
READING_BACK = [Network.VK, Network.OK, Network.MAX]


@pytest.mark.parametrize("network", READING_BACK)
def test_the_account_s_posts_are_read_back_page_by_page(networks, connect, schedule, network):
    channel = connect(network)
    (variant,) = schedule([channel])
    run_once(variant)
    # 150 posts written in the network over 150 days, and two older than a year.
    networks.people_post(channel.sandbox_key, count=150, age_seconds=DAY, spacing_seconds=DAY)
    networks.people_post(channel.sandbox_key, count=2, age_seconds=400 * DAY)
    provider = networks.provider(network)
    account = networks.account(channel.sandbox_key)

    posts = provider.list_recent_posts(account, timezone.now() - timedelta(days=365))
    assert len(posts) == 151 == len({post.external_id for post in posts})
    assert variant.external_id in {post.external_id for post in posts}
    assert posts[0].published_at >= posts[-1].published_at
    assert all(post.text for post in posts)

    # A shorter window reads only the newest page.
    recent = provider.list_recent_posts(account, timezone.now() - timedelta(days=10, hours=1))
    assert len(recent) == 11


@pytest.mark.parametrize("network", READING_BACK)
def test_posts_made_outside_vitrina_get_figures_and_ours_are_matched(
    networks, connect, schedule, network
):
    channel = connect(network)
    (variant,) = schedule([channel])
    run_once(variant)
    networks.people_post(channel.sandbox_key, count=120, age_seconds=3600, spacing_seconds=DAY)

    result = collect_and_record(channel)
    assert result.skipped in ("", "rejected"), result.notes
    assert result.posts == 121
    latest = PostLatest.objects.filter(channel=channel)
    assert latest.count() == 121
    ours = latest.get(external_id=variant.external_id)
    assert ours.variant == variant and ours.views is not None
    theirs = latest.exclude(external_id=variant.external_id)
    assert not theirs.filter(variant__isnull=False).exists()
    assert not theirs.filter(published_at__isnull=True).exists()
    assert not theirs.filter(views__isnull=True).exists()

    # Again within the hour: nothing doubles.
    collect_and_record(channel)
    assert PostSnapshot.objects.filter(channel=channel).count() == 121


def test_later_rounds_read_back_only_since_the_last_full_collection(networks, connect):
    channel = connect(Network.VK)
    networks.people_post(channel.sandbox_key, count=3, age_seconds=3600, spacing_seconds=DAY)
    now = timezone.now()
    assert collect_and_record(channel, now=now).posts == 3
    assert discovery_since(now, now) == now - timedelta(days=2)
    assert discovery_since(now) == now - timedelta(days=365)

    # A post written since is found; the older ones are followed from their figures.
    networks.people_post(channel.sandbox_key, age_seconds=0)
    later = now + timedelta(days=3)
    networks.advance(3 * DAY)
    result = collect_and_record(channel, now=later)
    assert result.posts == 4
    assert PostLatest.objects.filter(channel=channel).count() == 4


def test_telegram_cannot_read_a_channel_back(networks, connect, schedule):
    channel = connect(Network.TELEGRAM)
    provider = get_provider(Network.TELEGRAM)
    assert not provider.limits.reads_posts
    (variant,) = schedule([channel])
    run_once(variant)
    assert collect_channel(channel).skipped == "no_post_stats"
    assert not PostLatest.objects.filter(channel=channel).exists()
