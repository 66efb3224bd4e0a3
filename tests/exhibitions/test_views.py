import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory
from vitrina.content.models import Post
from vitrina.core.roles import Role
from vitrina.exhibitions import services
from vitrina.exhibitions.models import Exhibition

pytestmark = pytest.mark.django_db


def url(name, organisation, **kwargs):
    return reverse(f"exhibitions:{name}", kwargs={"org": organisation.slug, **kwargs})


def public(exhibition):
    return reverse(
        "exhibition-public",
        kwargs={"org_slug": exhibition.organisation.slug, "slug": exhibition.slug},
    )


def test_create_then_build_an_exhibition(admin_client, organisation, records):
    response = admin_client.post(
        url("create", organisation), {"title": "Медики в годы ВОВ", "annotation": "Память."}
    )
    exhibition = Exhibition.objects.get()
    assert response.status_code == 302 and exhibition.slug == "mediki-v-gody-vov"
    detail = url("detail", organisation, exhibition_id=exhibition.pk)
    admin_client.post(url("section-add", organisation, exhibition_id=exhibition.pk),
                      {"title": "Хирурги"})  # fmt: skip
    section = exhibition.sections.get()
    found = admin_client.get(detail, {"q": "хирургии"}).content.decode()
    assert "Очерки гнойной хирургии" in found
    admin_client.post(
        url("book-add", organisation, exhibition_id=exhibition.pk),
        {"record": records[1].pk, "section": section.pk, "note": "Главный труд"},
    )
    admin_client.post(
        url("book-add", organisation, exhibition_id=exhibition.pk),
        {"description": "Смирнов Е. И. Война и военная медицина. — Москва, 1979."},
    )
    assert exhibition.books.count() == 2
    page = admin_client.get(detail).content.decode()
    assert "Главный труд" in page and "Война и военная медицина" in page
    book = exhibition.books.get(record=records[1])
    response = admin_client.post(
        url("book-edit", organisation, exhibition_id=exhibition.pk, book_id=book.pk),
        {"section": "", "note": "Новая заметка", "position": 5},
    )
    assert response.status_code == 302
    book.refresh_from_db()
    assert book.section is None and book.note == "Новая заметка" and book.position == 5
    cover = admin_client.get(
        url("book-cover", organisation, exhibition_id=exhibition.pk, book_id=book.pk)
    )
    assert cover["Content-Type"] == "image/png"


def test_bad_input_is_answered_in_the_form(admin_client, organisation, exhibition):
    response = admin_client.post(url("create", organisation), {"title": "Ещё", "slug": "Плохой"})
    assert response.status_code == 200
    assert "только латинские буквы" in response.content.decode()


def test_public_page_without_login_only_when_published(client, admin, exhibition):
    assert client.get(public(exhibition)).status_code == 404
    services.exhibition_publish(exhibition=exhibition, actor=admin, published=True)
    response = client.get(public(exhibition))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Знаменательные даты в медицине" in body
    assert "Хирургия сердца" in body and "Читайте!" in body
    assert "https://medlib42.ru/irbis?S21ALL=5798901753" in body
    book = exhibition.books.first()
    cover = client.get(
        reverse(
            "exhibition-public-cover",
            kwargs={
                "org_slug": exhibition.organisation.slug,
                "slug": exhibition.slug,
                "book_id": book.pk,
            },
        )
    )
    assert cover.status_code == 200
    services.exhibition_publish(exhibition=exhibition, actor=admin, published=False)
    assert client.get(public(exhibition)).status_code == 404


def test_public_page_shows_nothing_of_other_exhibitions(client, admin, organisation, exhibition):
    services.exhibition_publish(exhibition=exhibition, actor=admin, published=True)
    hidden = services.exhibition_save(organisation=organisation, actor=admin, title="Тайная")
    assert client.get(public(hidden)).status_code == 404
    assert "Тайная" not in client.get(public(exhibition)).content.decode()
    wrong_org = reverse("exhibition-public", kwargs={"org_slug": "nobody", "slug": exhibition.slug})
    assert client.get(wrong_org).status_code == 404


def test_another_organisations_exhibition_is_404(client, exhibition, other_organisation):
    stranger = MembershipFactory(organisation=other_organisation, role=Role.ADMIN)
    client.force_login(stranger.user)
    for name in ("detail", "edit", "posts"):
        response = client.get(url(name, other_organisation, exhibition_id=exhibition.pk))
        assert response.status_code == 404
    book = exhibition.books.first()
    response = client.post(
        url("book-delete", other_organisation, exhibition_id=exhibition.pk, book_id=book.pk)
    )
    assert response.status_code == 404
    assert exhibition.books.count() == 5


def test_readers_cannot_change(client, organisation, exhibition, member_factory):
    reader = member_factory(role=Role.ANALYST)
    client.force_login(reader.user)
    assert client.get(url("detail", organisation, exhibition_id=exhibition.pk)).status_code == 200
    response = client.post(url("publish", organisation, exhibition_id=exhibition.pk),
                           {"published": "1"})  # fmt: skip
    assert response.status_code == 403


def test_posts_page_previews_then_writes(admin_client, organisation, exhibition, channel):
    start = timezone.localtime() + datetime.timedelta(days=2)
    data = {
        "channels": [channel.pk],
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "interval_days": 3,
        "per_post": 2,
        "schedule": "on",
    }
    posts_url = url("posts", organisation, exhibition_id=exhibition.pk)
    preview = admin_client.post(posts_url, {**data, "preview": "1"})
    assert preview.status_code == 200
    assert "Хирургия сердца" in preview.content.decode()
    assert not Post.objects.exists()
    response = admin_client.post(posts_url, {**data, "create": "1"})
    assert response.status_code == 302
    assert Post.objects.filter(series__exhibition=exhibition).count() == 4
    detail = admin_client.get(url("detail", organisation, exhibition_id=exhibition.pk))
    body = detail.content.decode()
    assert "Посты выставки" in body and body.count("Медногорский винил (") == 4


def test_list_query_count(admin_client, organisation, admin, django_assert_max_num_queries):
    for number in range(15):
        services.exhibition_save(organisation=organisation, actor=admin, title=f"Выставка {number}")
    with django_assert_max_num_queries(12):
        response = admin_client.get(url("list", organisation))
    assert response.content.decode().count("Выставка ") >= 15


def test_detail_and_public_query_counts(
    admin_client,
    client,
    admin,
    admin_membership,
    channel,
    organisation,
    exhibition,
    django_assert_max_num_queries,
):
    services.exhibition_publish(exhibition=exhibition, actor=admin, published=True)
    services.exhibition_posts_create(
        exhibition=exhibition,
        actor=admin,
        membership=admin_membership,
        channels=[channel],
        starts_at=timezone.now() + datetime.timedelta(days=1),
        interval=datetime.timedelta(days=1),
        per_post=1,
        schedule=False,
    )
    with django_assert_max_num_queries(20):
        admin_client.get(url("detail", organisation, exhibition_id=exhibition.pk))
    with django_assert_max_num_queries(6):
        client.get(public(exhibition))


def test_posts_form_starts_tomorrow_morning(admin_client, organisation, exhibition, channel):
    body = admin_client.get(url("posts", organisation, exhibition_id=exhibition.pk)).content
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert f'value="{tomorrow:%Y-%m-%d}T10:00"' in body.decode()
    assert "Медногорский винил" in body.decode()


def test_public_covers_are_cached_and_answer_304_to_a_known_etag(
    client, admin, exhibition, django_assert_max_num_queries
):
    from tests.images import image_bytes

    services.exhibition_publish(exhibition=exhibition, actor=admin, published=True)
    book = exhibition.books.first()
    address = reverse(
        "exhibition-public-cover",
        kwargs={
            "org_slug": exhibition.organisation.slug,
            "slug": exhibition.slug,
            "book_id": book.pk,
        },
    )
    first = client.get(address)
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    etag = first["ETag"]
    again = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag and not again.content
    # Another title draws another cover: the old ETag no longer matches.
    book.title = "Хирургия сердца. Издание второе"
    book.save()
    changed = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.content != first.content
    # An uploaded cover replaces the drawn one.
    services.book_cover_upload(
        book=book, actor=admin, data=image_bytes(300, 400, fmt="JPEG"), name="c.jpg"
    )
    uploaded = client.get(address, HTTP_IF_NONE_MATCH=changed["ETag"])
    assert uploaded.status_code == 200 and uploaded["Content-Type"] == "image/jpeg"


def test_a_cover_is_made_once_and_kept_in_the_cache(client, admin, exhibition):
    from django.core.cache import cache

    services.exhibition_publish(exhibition=exhibition, actor=admin, published=True)
    book = exhibition.books.first()
    address = reverse(
        "exhibition-public-cover",
        kwargs={
            "org_slug": exhibition.organisation.slug,
            "slug": exhibition.slug,
            "book_id": book.pk,
        },
    )
    key = f"exhibition-cover:{services.book_cover_version(book)}"
    assert cache.get(key) is None
    first = client.get(address)
    assert cache.get(key) == (first.content, "image/png")
