import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.catalog import MemorableDateFactory, RecordFactory
from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.content.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def bakulev(organisation):
    """Born on a day three weeks from now, 130 years ago."""
    day = timezone.localdate() + datetime.timedelta(days=21)
    return MemorableDateFactory(
        organisation=organisation,
        title="Бакулев Александр Николаевич",
        description="хирург, основоположник сердечно-сосудистой хирургии",
        year=day.year - 130,
        month=day.month,
        day=day.day,
    )


@pytest.fixture
def heart(organisation):
    return RecordFactory(
        organisation=organisation,
        bib=BibRecord(
            title="Хирургия сердца",
            authors=[Person("Бакулев", "А. Н.")],
            places=["Москва"],
            publishers=["Медицина"],
            year="1967",
        ),
    )


def dates_url(organisation):
    return reverse("catalog:dates", kwargs={"org": organisation.slug})


def test_upcoming_page_offers_a_post_per_date(admin_client, organisation, bakulev, channel):
    body = admin_client.get(dates_url(organisation)).content.decode()
    assert (
        reverse("catalog:date-post", kwargs={"org": organisation.slug, "date_id": bakulev.pk})
        in body
    )
    assert "Медногорский винил" in body


def test_one_click_writes_a_draft_post_on_the_day(
    admin_client, organisation, bakulev, heart, channel
):
    day = datetime.date(bakulev.year + 130, bakulev.month, bakulev.day)
    response = admin_client.post(
        reverse("catalog:date-post", kwargs={"org": organisation.slug, "date_id": bakulev.pk}),
        {"channels": [channel.pk], "occurrence": f"birth:{day.isoformat()}"},
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert post.text.startswith(
        f"{day:%d.%m.%Y}. Бакулев Александр Николаевич — 130 лет со дня рождения"
    )
    assert "Хирург, основоположник" in post.text
    assert "1. Бакулев А. Н. Хирургия сердца. — Москва, 1967" in post.text
    assert timezone.localtime(post.scheduled_at).date() == day
    assert timezone.localtime(post.scheduled_at).hour == 10
    assert post.media_items.count() == 1
    variant = post.variants.get()
    assert variant.channel == channel and variant.state == "draft"


def test_needs_a_channel_and_a_real_occurrence(admin_client, organisation, bakulev, channel):
    address = reverse("catalog:date-post", kwargs={"org": organisation.slug, "date_id": bakulev.pk})
    response = admin_client.post(address, {"occurrence": "birth:1900-01-01"})
    assert response.status_code == 404
    day = datetime.date(bakulev.year + 130, bakulev.month, bakulev.day)
    response = admin_client.post(address, {"occurrence": f"birth:{day.isoformat()}"})
    assert response.status_code == 302 and not Post.objects.exists()
