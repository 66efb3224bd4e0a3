"""The organisation's figures kept by day: after every change that moves a figure, the
organisation's dashboard reads from them exactly what it would read from every channel's
days and every post."""

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    PostFactory,
    RubricFactory,
    SeriesFactory,
    VariantFactory,
)
from tests.factories.content import PostMediaFactory
from tests.images import image_bytes
from vitrina.analytics import dashboard
from vitrina.analytics.dashboard import Scope
from vitrina.analytics.models import AccountSnapshot, OrganisationDay, PostDay, PostLatest
from vitrina.analytics.services.snapshots import (
    AccountFigures,
    PostFigures,
    account_snapshots_save,
    post_snapshots_save,
    post_snapshots_save_many,
)
from vitrina.channels.services import channel_set_archived
from vitrina.content.services.media import media_upload

PERIODS = [
    (date(2025, 1, 1), date(2025, 1, 31)),  # a month beside December
    (date(2025, 1, 10), date(2025, 2, 20)),  # any days
    (date(2024, 12, 1), date(2025, 3, 31)),
]


def _live(organisation, scope: Scope) -> tuple[dict, dict]:
    """The figures read from every channel's days and every post: the oracle."""
    ids = list(organisation.channels.filter(archived_at=None).values_list("pk", flat=True))
    prev_from, prev_to = scope.previous
    days = dashboard._account_days(ids, prev_from, scope.date_to)
    figures = dashboard._post_figures(ids, scope, prev_from, prev_to, scope.zone)
    return days, figures


def _kept(organisation, scope: Scope) -> tuple[dict, dict]:
    prev_from, _prev_to = scope.previous
    days = dashboard._organisation_days(organisation.pk, prev_from, scope.date_to)
    figures = dashboard._organisation_post_figures(organisation.pk, scope, prev_from)
    return days, figures


def _normal(value):
    """Sums of floats in another order differ in the last digits; rows come in any order."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_normal(item) for item in value), key=repr)
    return value


def assert_kept_matches(organisation):
    zone = ZoneInfo(organisation.timezone)
    for date_from, date_to in PERIODS:
        scope = Scope(date_from=date_from, date_to=date_to, zone=zone)
        live_days, live_figures = _live(organisation, scope)
        kept_days, kept_figures = _kept(organisation, scope)
        assert kept_days == live_days, (date_from, date_to)
        assert _normal(kept_figures) == _normal(live_figures), (date_from, date_to)


@pytest.fixture
def region(organisation, library):
    """Two libraries, a VK group and a Telegram channel each, account days with gaps and
    hand-entered days, posts made in Vitrina (rubric, series, photo, poll, about people)
    and posts made on the network, around midnight in the organisation's zone too."""
    other = LibraryFactory(organisation=organisation, name="Детская библиотека")
    rubric = RubricFactory(organisation=organisation, name="Краеведение")
    series = SeriesFactory(organisation=organisation, name="Юбилеи писателей")
    channels = [
        ChannelFactory(organisation=organisation, library=owner, network=network)
        for owner in (library, other)
        for network in ("vk", "telegram")
    ]
    start = date(2024, 12, 1)
    for number, channel in enumerate(channels):
        account_snapshots_save(
            channel=channel,
            figures=[
                AccountFigures(
                    day=start + timedelta(days=day),
                    followers=200 * (number + 1) + day if day % 7 else None,
                    joined=day % 3,
                    left=day % 2,
                    visitors=None if number == 3 else 5 + day % 4,
                )
                for day in range(0, 120)
            ],
        )
    account_snapshots_save(
        channel=channels[0],
        figures=[AccountFigures(day=date(2025, 1, 15), followers=999, visitors=77)],
        source="manual",
    )
    posts = []
    for number in range(24):
        channel = channels[number % len(channels)]
        # 21:30 UTC is the next day in Moscow.
        published = datetime(2024, 12, 20, 21, 30, tzinfo=UTC) + timedelta(days=number * 3)
        figures = PostFigures(
            external_id=f"p{number}",
            taken_at=published + timedelta(hours=30),
            views=None if number == 5 else 40 * number,
            likes=number,
            reposts=number % 3,
            comments=number % 2,
            reach=30 * number,
            published_at=published,
        )
        if number % 2:
            post = PostFactory(
                organisation=organisation,
                rubric=rubric if number % 4 == 1 else None,
                series=series if number % 6 == 3 else None,
                about_people=number % 5 == 0,
                poll_question="Какую книгу читать?" if number == 7 else "",
            )
            variant = VariantFactory(post=post, channel=channel, external_id=f"p{number}")
            figures.variant_id = variant.pk
            posts.append(post)
        post_snapshots_save(
            channel=channel, figures=[figures], source="import" if number == 9 else "network"
        )
    return {"channels": channels, "posts": posts, "rubric": rubric, "series": series}


pytestmark = pytest.mark.django_db


def test_the_kept_days_match_every_channel_and_post(organisation, region):
    assert PostDay.objects.filter(organisation=organisation).exists()
    assert OrganisationDay.objects.filter(organisation=organisation).exists()
    assert_kept_matches(organisation)


def test_the_kept_days_follow_every_change_that_moves_a_figure(
    organisation, region, library, admin
):
    channels, posts = region["channels"], region["posts"]
    # New readings of known posts, and a post read back from the wall.
    published = datetime(2025, 1, 11, 9, tzinfo=UTC)
    post_snapshots_save_many(
        batches={
            channels[1]: [
                PostFigures(
                    external_id="p1",
                    taken_at=datetime(2025, 3, 1, 10, tzinfo=UTC),
                    views=5000,
                    likes=50,
                ),
                PostFigures(
                    external_id="wall-1",
                    taken_at=published + timedelta(hours=2),
                    views=70,
                    published_at=published,
                ),
            ]
        }
    )
    assert_kept_matches(organisation)
    # A post's rubric, series, "about people" and poll change.
    post = posts[0]
    post.rubric, post.series = None, region["series"]
    post.about_people = True
    post.poll_question = "Что почитать?"
    post.save()
    assert_kept_matches(organisation)
    # A photo added to a post, then removed.
    asset = media_upload(
        organisation=organisation, actor=admin, name="обложка.png", data=image_bytes()
    )
    media = PostMediaFactory(post=posts[1], asset=asset)
    assert_kept_matches(organisation)
    media.delete()
    assert_kept_matches(organisation)
    # A publication deleted: its figures stay, as a post made on the network.
    posts[2].variants.get().delete()
    assert_kept_matches(organisation)
    # A series and a rubric deleted: their posts have none.
    region["series"].delete()
    region["rubric"].delete()
    assert_kept_matches(organisation)
    # A channel archived, then restored; a channel moved to another library.
    channel_set_archived(channel=channels[2], actor=admin, archived=True)
    assert_kept_matches(organisation)
    channel_set_archived(channel=channels[2], actor=admin, archived=False)
    assert_kept_matches(organisation)
    channels[3].library = library
    channels[3].save()
    assert_kept_matches(organisation)
    # A channel deleted with its figures.
    channels[1].delete()
    assert_kept_matches(organisation)
    # The organisation moves to another time zone: its days are its own.
    organisation.timezone = "Asia/Vladivostok"
    organisation.save()
    assert_kept_matches(organisation)


def test_figures_loaded_around_the_services_are_summed_by_the_command(organisation, region):
    channel = region["channels"][0]
    AccountSnapshot.objects.filter(channel=channel).update(visitors=1000)
    PostLatest.objects.filter(channel=channel).update(views=12345)
    OrganisationDay.objects.filter(organisation=organisation).update(visitors=0)
    call_command("rebuild_organisation_figures", organisation=organisation.slug)
    assert_kept_matches(organisation)


def test_the_dashboard_of_the_whole_organisation_reads_the_kept_days(
    organisation, region, admin_client, django_assert_max_num_queries
):
    from django.urls import reverse

    PostDay.objects.filter(organisation=organisation, kind="day").update(views=1_000_000)
    response = admin_client.get(
        reverse("analytics:dashboard", kwargs={"org": organisation.slug}),
        {"date_from": "2025-01-01", "date_to": "2025-01-31"},
    )
    days_in_january = PostDay.objects.filter(
        organisation=organisation, kind="day", day__month=1, day__year=2025
    ).count()
    assert response.context["board"].current["views"] == 1_000_000 * days_in_january
    # A library's dashboard reads its own channels.
    response = admin_client.get(
        reverse("analytics:dashboard", kwargs={"org": organisation.slug}),
        {
            "date_from": "2025-01-01",
            "date_to": "2025-01-31",
            "library": region["channels"][0].library_id,
        },
    )
    assert response.context["board"].current["views"] < 1_000_000


@pytest.mark.django_db(transaction=True)
def test_writers_of_one_organisation_at_once_leave_the_right_sums(organisation, library):
    """Several channels' figures written at the same moment, each in its own transaction:
    the organisation's days count every one of them."""
    channels = [ChannelFactory(organisation=organisation, library=library) for _ in range(4)]
    barrier = threading.Barrier(len(channels))
    errors = []

    def write(channel, number):
        try:
            barrier.wait()
            account_snapshots_save(
                channel=channel,
                figures=[
                    AccountFigures(day=date(2025, 1, 1) + timedelta(days=day), visitors=number)
                    for day in range(10)
                ],
            )
            published = datetime(2025, 1, 3, 10, tzinfo=UTC)
            post_snapshots_save(
                channel=channel,
                figures=[
                    PostFigures(
                        external_id=f"c{number}-{n}",
                        taken_at=published + timedelta(hours=1),
                        views=100 * number,
                        published_at=published + timedelta(days=n),
                    )
                    for n in range(5)
                ],
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(channel, n + 1)) for n, channel in enumerate(channels)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    day = OrganisationDay.objects.get(organisation=organisation, day=date(2025, 1, 5))
    assert day.visitors == 1 + 2 + 3 + 4
    totals = PostDay.objects.filter(organisation=organisation, kind="day")
    assert sum(row.posts for row in totals) == 4 * 5
    assert sum(row.views for row in totals) == 5 * (100 + 200 + 300 + 400)
    assert_kept_matches(organisation)
