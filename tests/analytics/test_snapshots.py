"""Snapshot writes: idempotent, and the latest figures never go back in time."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import VariantFactory
from vitrina.analytics.models import AccountSnapshot, PostLatest, PostSnapshot, Source
from vitrina.analytics.services.snapshots import (
    COPY_THRESHOLD,
    AccountFigures,
    PostFigures,
    account_snapshots_save,
    post_snapshots_save,
)
from vitrina.channels.models import Channel
from vitrina.core.exceptions import ServiceError

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 1, 10, 20, tzinfo=UTC)


def readings(posts: int, hours: int) -> list[PostFigures]:
    return [
        PostFigures(
            external_id=str(post),
            taken_at=START + timedelta(hours=hour, minutes=7),
            views=100 * (hour + 1),
            likes=hour,
            published_at=START,
        )
        for post in range(posts)
        for hour in range(hours)
    ]


@pytest.mark.parametrize("posts", [3, COPY_THRESHOLD // 2 + 1], ids=["small", "bulk"])
def test_post_figures_are_stored_once_and_the_latest_kept(channel, posts):
    figures = readings(posts, 2)
    assert post_snapshots_save(channel=channel, figures=figures) == len(figures)
    assert post_snapshots_save(channel=channel, figures=figures) == len(figures)
    assert PostSnapshot.objects.filter(channel=channel).count() == len(figures)
    latest = PostLatest.objects.get(channel=channel, external_id="0")
    assert (latest.views, latest.taken_at) == (200, START.replace(minute=0) + timedelta(hours=1))

    # An older reading arriving late changes the history, not the latest figures.
    late = PostFigures(external_id="0", taken_at=START - timedelta(hours=5), views=5)
    post_snapshots_save(channel=channel, figures=[late] * 1)
    latest.refresh_from_db()
    assert latest.views == 200
    assert PostLatest.objects.filter(channel=channel).count() == posts


@pytest.mark.parametrize("posts", [2, COPY_THRESHOLD], ids=["small", "bulk"])
def test_a_batch_with_the_same_moment_twice_keeps_one_row(channel, posts):
    figures = readings(posts, 1) + readings(1, 1)
    post_snapshots_save(channel=channel, figures=figures)
    assert PostSnapshot.objects.filter(channel=channel).count() == posts


def test_account_days_are_overwritten_not_doubled(channel):
    day = date(2025, 3, 1)
    account_snapshots_save(channel=channel, figures=[AccountFigures(day=day, followers=10)])
    account_snapshots_save(
        channel=channel, figures=[AccountFigures(day=day, followers=12)], source=Source.MANUAL
    )
    snapshot = AccountSnapshot.objects.get(channel=channel)
    assert (snapshot.followers, snapshot.source) == (12, Source.MANUAL)


def test_an_empty_figure_never_replaces_a_known_one(channel):
    day = date(2025, 3, 1)
    account_snapshots_save(
        channel=channel, figures=[AccountFigures(day=day, followers=490, visitors=3)]
    )
    # A network re-reads the day: today's subscribers only, so none for this day.
    account_snapshots_save(channel=channel, figures=[AccountFigures(day=day, visitors=4)])
    snapshot = AccountSnapshot.objects.get(channel=channel)
    assert (snapshot.followers, snapshot.visitors) == (490, 4)
    # Idempotent: the same reading again changes nothing.
    account_snapshots_save(channel=channel, figures=[AccountFigures(day=day, visitors=4)])
    assert AccountSnapshot.objects.filter(channel=channel).count() == 1


def test_a_network_reading_never_replaces_a_persons_figures(channel):
    day, other = date(2025, 3, 1), date(2025, 3, 2)
    account_snapshots_save(
        channel=channel,
        figures=[AccountFigures(day=day, followers=100, visitors=7)],
        source=Source.IMPORT,
    )
    account_snapshots_save(
        channel=channel,
        figures=[
            AccountFigures(day=day, followers=0, visitors=0),
            AccountFigures(day=other, followers=5),
            AccountFigures(day=other, followers=6),  # the same day twice: the later wins
        ],
    )
    kept = AccountSnapshot.objects.get(channel=channel, day=day)
    assert (kept.followers, kept.visitors, kept.source) == (100, 7, Source.IMPORT)
    assert AccountSnapshot.objects.get(channel=channel, day=other).followers == 6
    # A person corrects the network's day: the person's figure wins, the rest stays.
    account_snapshots_save(
        channel=channel, figures=[AccountFigures(day=other, visitors=9)], source=Source.MANUAL
    )
    corrected = AccountSnapshot.objects.get(channel=channel, day=other)
    assert (corrected.followers, corrected.visitors, corrected.source) == (6, 9, Source.MANUAL)


def test_many_days_are_stored_in_batches(channel):
    start = date(2024, 1, 1)
    figures = [AccountFigures(day=start + timedelta(days=n), visitors=n) for n in range(1200)]
    assert account_snapshots_save(channel=channel, figures=figures) == 1200
    assert account_snapshots_save(channel=channel, figures=figures) == 1200
    assert AccountSnapshot.objects.filter(channel=channel).count() == 1200


def test_negative_figures_are_refused(channel):
    with pytest.raises(ServiceError):
        account_snapshots_save(
            channel=channel, figures=[AccountFigures(day=date(2025, 3, 1), followers=-1)]
        )


@pytest.mark.parametrize("posts", [2, COPY_THRESHOLD], ids=["small", "bulk"])
def test_readings_of_a_published_variant_are_tied_to_it(channel, posts):
    variant = VariantFactory(
        channel=channel, external_id="0", published_at=START - timedelta(days=1)
    )
    figures = [
        PostFigures(external_id=item.external_id, taken_at=item.taken_at, views=item.views)
        for item in readings(posts, 1)
    ]
    post_snapshots_save(channel=channel, figures=figures)
    for model in (PostSnapshot, PostLatest):
        row = model.objects.get(channel=channel, external_id="0")
        assert (row.variant_id, row.published_at) == (variant.pk, variant.published_at)
        assert model.objects.get(channel=channel, external_id="1").variant_id is None


def test_history_written_around_the_service_is_still_upserted_not_doubled(channel):
    figures = readings(COPY_THRESHOLD, 1)
    post_snapshots_save(channel=channel, figures=figures)
    # The history without its latest figures: the quick path would collide with it.
    PostLatest.objects.filter(channel=channel).delete()
    again = [replace(item, views=7) for item in figures]
    assert post_snapshots_save(channel=channel, figures=again) == len(figures)
    assert PostSnapshot.objects.filter(channel=channel).count() == len(figures)
    assert set(PostSnapshot.objects.filter(channel=channel).values_list("views", flat=True)) == {7}
    assert PostLatest.objects.filter(channel=channel).count() == COPY_THRESHOLD


def test_readings_without_a_time_zone_are_taken_in_the_default_one(channel):
    naive = datetime(2025, 3, 1, 10, 20)
    figures = [
        PostFigures(external_id=str(post), taken_at=naive, published_at=naive, views=1)
        for post in range(COPY_THRESHOLD)
    ]
    post_snapshots_save(channel=channel, figures=figures)
    stored = PostSnapshot.objects.filter(channel=channel).first()
    moment = timezone.make_aware(datetime(2025, 3, 1, 10), timezone.get_default_timezone())
    assert stored.taken_at == moment


@pytest.mark.parametrize("posts", [2, COPY_THRESHOLD], ids=["small", "bulk"])
def test_negative_post_figures_and_deleted_channels_are_refused(channel, posts):
    figures = readings(posts, 1)
    figures[-1].likes = -3
    with pytest.raises(ServiceError, match="likes = -3"):
        post_snapshots_save(channel=channel, figures=figures)
    figures[-1].likes = 3
    gone = Channel.objects.get(pk=channel.pk)
    gone.delete()
    with pytest.raises(ServiceError):
        post_snapshots_save(channel=channel, figures=figures)
    assert not PostSnapshot.objects.filter(channel_id=channel.pk).exists()


@pytest.mark.parametrize("posts", [2, COPY_THRESHOLD], ids=["small", "bulk"])
def test_a_reading_without_its_publication_time_keeps_the_known_one(channel, posts):
    post_snapshots_save(channel=channel, figures=readings(posts, 1))
    later = [
        PostFigures(external_id=str(post), taken_at=START + timedelta(hours=5), views=900)
        for post in range(posts)
    ]
    post_snapshots_save(channel=channel, figures=later)
    latest = PostLatest.objects.get(channel=channel, external_id="0")
    assert (latest.views, latest.published_at) == (900, START)
    assert not PostLatest.objects.filter(channel=channel, published_at=None).exists()


def test_the_registry_is_filled_through_the_channels_service(channel, admin):
    from vitrina.analytics.services.account_figures import figures_enter
    from vitrina.core.models import AuditEntry

    figures_enter(
        channel=channel,
        actor=admin,
        figures=AccountFigures(day=date(2025, 3, 1), followers=490, visitors=12),
    )
    channel.refresh_from_db()
    assert (channel.subscribers, channel.visits) == (490, 12)
    entry = AuditEntry.objects.get(action="channel.figures_changed", object_id=str(channel.pk))
    assert entry.changes["subscribers"][1] == 490 and entry.changes["visits"][1] == 12
    assert entry.actor == admin  # who entered the figures
