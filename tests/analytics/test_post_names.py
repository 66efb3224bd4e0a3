"""Posts named by their text in the lists, published posts listed before their first
reading, and the lists' cost in queries whatever the number of posts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from tests.factories import ChannelFactory, PostFactory, VariantFactory
from vitrina.analytics.models import PostLatest
from vitrina.analytics.services.snapshots import (
    PostFigures,
    first_words,
    post_snapshots_save,
    post_texts_save,
)
from vitrina.content.states import VariantState

pytestmark = pytest.mark.django_db

DAY = datetime(2025, 1, 10, 9, tzinfo=UTC)
PERIOD = {"date_from": "2025-01-01", "date_to": "2025-01-31"}


def _network_posts(channel, start: int, count: int) -> None:
    ids = [f"w{number}" for number in range(start, start + count)]
    post_snapshots_save(
        channel=channel,
        figures=[
            PostFigures(
                external_id=external_id,
                taken_at=DAY + timedelta(hours=number + 1),
                published_at=DAY + timedelta(hours=number),
                views=100 + number,
                likes=number,
            )
            for number, external_id in enumerate(ids, start=start)
        ],
    )
    post_texts_save(
        channel=channel,
        texts={external_id: f"Пост {external_id} о новых книгах месяца" for external_id in ids},
    )


def _published(organisation, channel, number: int):
    post = PostFactory(organisation=organisation, library=channel.library, title=f"Анонс {number}")
    return VariantFactory(
        post=post,
        channel=channel,
        external_id=f"v{number}",
        state=VariantState.PUBLISHED,
        published_at=DAY + timedelta(days=1, hours=number),
    )


def test_first_words_keep_whole_words_on_one_line():
    assert first_words("  Книжная\nвыставка   «Зима»  ") == "Книжная выставка «Зима»"
    long = "слово " * 100
    cut = first_words(long)
    assert len(cut) <= 200 and cut.endswith("слово…")


def test_the_lists_name_posts_and_cost_the_same_for_more_posts(
    admin_client, organisation, library, django_assert_max_num_queries
):
    channel = ChannelFactory(library=library)
    _network_posts(channel, 0, 2)
    _published(organisation, channel, 0)
    pages = [
        reverse("analytics:dashboard", kwargs={"org": organisation.slug}),
        reverse("analytics:posts", kwargs={"org": organisation.slug}),
        reverse(
            "analytics:post-figures", kwargs={"org": organisation.slug, "channel_id": channel.pk}
        ),
    ]
    counts = []
    for page in pages:
        with django_assert_max_num_queries(60) as few:
            response = admin_client.get(page, PERIOD)
        assert response.status_code == 200
        counts.append(len(few.captured_queries))
        text = response.content.decode()
        assert "Пост w1 о новых книгах месяца" in text and "Анонс 0" in text
        assert "самой соцсети," not in text
    listed = admin_client.get(pages[1], PERIOD)
    assert "ещё нет данных" in listed.content.decode()
    assert PostLatest.objects.get(external_id="v0").views is None

    _network_posts(channel, 2, 30)
    for number in range(1, 6):
        _published(organisation, channel, number)
    for page, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert admin_client.get(page, PERIOD).status_code == 200
