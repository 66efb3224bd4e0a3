import datetime

import pytest
from django.utils import timezone

from tests.factories.catalog import RecordFactory
from tests.images import image_bytes
from vitrina.content.models import Post
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.exhibitions import services
from vitrina.exhibitions.models import Book

pytestmark = pytest.mark.django_db


def test_a_book_from_the_catalogue_takes_its_gost_description(exhibition, records):
    book = exhibition.books.get(record=records[0])
    assert book.description == records[0].description
    assert book.short.startswith("Бакулев А. Н. Хирургия сердца")
    assert book.author == "А. Н. Бакулев"
    assert book.section.title == "Хирурги"
    assert [b.position for b in exhibition.books.filter(section=book.section)] == [1, 2, 3]


def test_a_typed_in_book_takes_its_title_from_the_description(exhibition, admin):
    book = services.book_add(
        exhibition=exhibition,
        actor=admin,
        description="Туснолобова-Марченко З. М. Ради жизни на земле : воспоминания. — 1968.",
    )
    assert book.title == "Туснолобова-Марченко З. М. Ради жизни на земле"
    with pytest.raises(ServiceError):
        services.book_add(exhibition=exhibition, actor=admin, description="  ")


def test_books_of_another_catalogue_are_refused(exhibition, admin, other_organisation):
    foreign = RecordFactory(organisation=other_organisation)
    with pytest.raises(ServiceError):
        services.book_add(exhibition=exhibition, actor=admin, record=foreign)


def test_slug_is_made_from_the_title_and_unique(exhibition, organisation, admin):
    assert exhibition.slug == "znamenatelnye-daty-v-meditsine"
    with pytest.raises(Conflict):
        services.exhibition_save(
            organisation=organisation, actor=admin, title="Другая", slug=exhibition.slug
        )
    with pytest.raises(ServiceError):
        services.exhibition_save(organisation=organisation, actor=admin, title="X", slug="Я тут")


def test_covers_come_from_upload_record_or_drawing(exhibition, admin, records):
    book = exhibition.books.get(record=records[0])
    data, content_type = services.book_cover(book)
    assert content_type == "image/png" and data.startswith(b"\x89PNG")
    services.book_cover_upload(book=book, actor=admin, data=image_bytes(), name="c.png")
    book.refresh_from_db()
    assert book.cover
    uploaded, _type = services.book_cover(book)
    assert uploaded != data


def test_catalogue_link_fills_isbn_or_title(exhibition, records):
    with_isbn = exhibition.books.get(record=records[1])
    link = services.catalogue_link(with_isbn, exhibition.library)
    assert link == "https://medlib42.ru/irbis?S21ALL=5798901753"
    without = exhibition.books.get(record=records[0])
    assert "S21ALL=%D0%A5" in services.catalogue_link(without, exhibition.library)


def test_series_plan_opens_then_shows_books_at_the_interval(exhibition, channel):
    start = timezone.now() + datetime.timedelta(days=1)
    plan = services.series_plan(
        exhibition=exhibition,
        channels=[channel],
        starts_at=start,
        interval=datetime.timedelta(days=2),
        per_post=2,
    )
    assert len(plan) == 1 + 3
    assert plan[0].books == [] and "«Знаменательные даты в медицине»" in plan[0].text
    assert [len(post.books) for post in plan[1:]] == [2, 2, 1]
    assert [post.scheduled_at for post in plan] == [
        start + datetime.timedelta(days=2 * n) for n in range(4)
    ]
    assert "Бакулев А. Н. Хирургия сердца" in plan[1].text and "Читайте!" in plan[1].text
    carousel = services.series_plan(
        exhibition=exhibition,
        channels=[channel],
        starts_at=start,
        interval=datetime.timedelta(days=1),
        per_post=1,
        carousel=True,
    )
    assert len(carousel) == 2 and len(carousel[1].books) == 5


def test_posts_are_written_into_the_exhibitions_series_and_scheduled(
    exhibition, admin_membership, admin, channel, telegram
):
    start = (timezone.now() + datetime.timedelta(days=1)).replace(microsecond=0)
    posts = services.exhibition_posts_create(
        exhibition=exhibition,
        actor=admin,
        membership=admin_membership,
        channels=[channel, telegram],
        starts_at=start,
        interval=datetime.timedelta(hours=12),
        per_post=3,
    )
    exhibition.refresh_from_db()
    assert exhibition.series.name == exhibition.title
    assert len(posts) == 3
    stored = Post.objects.filter(series=exhibition.series).order_by("scheduled_at")
    assert list(stored) == posts
    for number, post in enumerate(stored):
        assert post.scheduled_at == start + datetime.timedelta(hours=12 * number)
        variants = list(post.variants.order_by("channel__name"))
        assert {v.channel for v in variants} == {channel, telegram}
        assert {v.state for v in variants} == {"scheduled"}
        assert {v.scheduled_at for v in variants} == {post.scheduled_at}
    assert [p.media_items.count() for p in stored] == [0, 3, 2]
    # A second run adds to the same series.
    services.exhibition_posts_create(
        exhibition=exhibition,
        actor=admin,
        membership=admin_membership,
        channels=[channel],
        starts_at=start,
        interval=datetime.timedelta(days=1),
        per_post=5,
        schedule=False,
    )
    assert Post.objects.filter(series=exhibition.series).count() == 5
    assert Post.objects.filter(series=exhibition.series, variants__state="draft").count() == 2


def test_posts_need_channels_and_books(exhibition, admin_membership, admin, organisation):
    with pytest.raises(ServiceError):
        services.exhibition_posts_create(
            exhibition=exhibition,
            actor=admin,
            membership=admin_membership,
            channels=[],
            starts_at=timezone.now(),
            interval=datetime.timedelta(days=1),
            per_post=1,
        )


def test_publishing_needs_a_book(organisation, admin):
    empty = services.exhibition_save(organisation=organisation, actor=admin, title="Пустая")
    with pytest.raises(ServiceError):
        services.exhibition_publish(exhibition=empty, actor=admin, published=True)


def test_deleting_a_section_keeps_its_books(exhibition, admin):
    section = exhibition.sections.get()
    services.section_delete(section=section, actor=admin)
    assert Book.objects.filter(exhibition=exhibition, section__isnull=True).count() == 5


def test_a_broken_cover_file_falls_back_to_a_drawn_one(exhibition, records):
    from django.core.files.base import ContentFile

    record = records[0]
    record.cover.save("broken.jpg", ContentFile(b"not an image"), save=True)
    book = exhibition.books.select_related("record").get(record=record)
    data, content_type = services.book_cover(book)
    assert content_type == "image/png" and data.startswith(b"\x89PNG")
