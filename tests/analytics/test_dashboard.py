"""The dashboard: the seed's figures on screen, and a cost that does not grow with data."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    PostFactory,
    RubricFactory,
    SeriesFactory,
    VariantFactory,
)
from vitrina.analytics.services.snapshots import (
    AccountFigures,
    PostFigures,
    account_snapshots_save,
    post_snapshots_save,
)
from vitrina.channels.models import Channel
from vitrina.channels.networks import ConnectionState
from vitrina.core.models import Membership, Organisation
from vitrina.demo.build import build_demo

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_page_grown_three_and_a_half_times(client, settings):
    settings.DEMO_MODE = True
    build_demo()
    knmb = Organisation.objects.get(slug="knmb")
    client.force_login(Membership.objects.filter(organisation=knmb, role="admin").first().user)
    page = Channel.objects.get(url="https://vk.com/id547852393")
    response = client.get(
        reverse("analytics:dashboard", kwargs={"org": "knmb"}),
        {
            "date_from": "2020-01-01",
            "date_to": "2020-12-31",
            "channel": page.pk,
            "growth_from": "2020-03-15",
            "growth_to": "2020-12-31",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "579 → 2" in text and "×3,5" in text
    assert "Туснолобовой-Марченко" in text
    assert "Знаменательные даты в медицине" in text
    board = response.context["board"]
    assert board.current["visitors_per_day"] == round(2239 / 366, 1)
    assert 'id="dashboard-chart"' in text and "<script>" not in text


def _fill(organisation, library, channels: int, days: int = 40, rubric=None, series=None):
    start = date(2025, 1, 1)
    for number in range(channels):
        channel = ChannelFactory(library=library, name=f"Канал {number}")
        account_snapshots_save(
            channel=channel,
            figures=[
                AccountFigures(day=start + timedelta(days=d), followers=100 + d, visitors=5)
                for d in range(days)
            ],
        )
        figures = []
        for p in range(5):
            published = datetime(2025, 1, 2 + p * 3, 10, tzinfo=UTC)
            post = PostFactory(
                organisation=organisation, library=library, rubric=rubric, series=series
            )
            variant = VariantFactory(post=post, channel=channel, external_id=str(p + 1))
            for hours in (1, 24):
                figures.append(
                    PostFigures(
                        external_id=str(p + 1),
                        taken_at=published + timedelta(hours=hours),
                        views=50 * hours,
                        likes=3,
                        published_at=published,
                        variant_id=variant.pk,
                    )
                )
        post_snapshots_save(channel=channel, figures=figures)
    return channel


@pytest.mark.parametrize("kind", ["organisation", "library", "channel", "rubric", "series"])
def test_every_dashboard_costs_the_same_queries_for_more_channels(
    admin_client, organisation, library, django_assert_max_num_queries, kind
):
    rubric = RubricFactory(organisation=organisation)
    series = SeriesFactory(organisation=organisation)
    url = reverse("analytics:dashboard", kwargs={"org": organisation.slug})
    channel = _fill(organisation, library, 1, rubric=rubric, series=series)
    params = {"date_from": "2025-01-01", "date_to": "2025-02-09"}
    params |= {
        "organisation": {},
        "library": {"library": library.pk},
        "channel": {"channel": channel.pk},
        "rubric": {"rubric": rubric.pk},
        "series": {"series": series.pk},
    }[kind]
    with django_assert_max_num_queries(40) as few:
        assert admin_client.get(url, params).status_code == 200
    other = LibraryFactory(organisation=organisation, name="Филиал")
    _fill(organisation, other, 6, rubric=rubric, series=series)
    _fill(organisation, library, 2, rubric=rubric, series=series)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(url, params)
    posts = {"organisation": 45, "library": 15, "channel": 5, "rubric": 45, "series": 45}
    assert response.context["board"].current["posts"] == posts[kind]


def test_posts_made_on_the_network_count_as_such(admin_client, organisation, library):
    channel = _fill(organisation, library, 1)
    published = datetime(2025, 1, 5, 12, tzinfo=UTC)
    post_snapshots_save(
        channel=channel,
        figures=[
            PostFigures(external_id="net-1", taken_at=published, views=40, published_at=published)
        ],
    )
    response = admin_client.get(
        reverse("analytics:dashboard", kwargs={"org": organisation.slug}),
        {"date_from": "2025-01-01", "date_to": "2025-02-09"},
    )
    formats = {row["format"]: row["posts"] for row in response.context["board"].formats}
    assert formats == {"outside": 1, "text": 5}


def test_channels_needing_reconnection_are_named(admin_client, organisation, library):
    channel = _fill(organisation, library, 1)
    Channel.objects.filter(pk=channel.pk).update(connection_state=ConnectionState.NEEDS_RECONNECT)
    text = admin_client.get(
        reverse("analytics:dashboard", kwargs={"org": organisation.slug})
    ).content.decode()
    assert "переподключить" in text and channel.name in text


def test_an_empty_organisation_and_a_bad_period_still_answer(client, organisation, member_factory):
    client.force_login(member_factory(role="analyst").user)
    url = reverse("analytics:dashboard", kwargs={"org": organisation.slug})
    assert client.get(url).status_code == 200
    response = client.get(url, {"date_from": "2025-05-01", "date_to": "2025-04-01"})
    assert response.status_code == 200
    assert "Конец периода раньше его начала." in response.content.decode()
