from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import (
    ChannelFactory,
    OrganisationFactory,
    PostFactory,
    RubricFactory,
    VariantFactory,
)
from tests.factories.content import MediaAssetFactory
from tests.factories.publishing import PublishAttemptFactory
from tests.images import image_bytes
from vitrina.content.models import MediaAsset, Post, Variant
from vitrina.content.services import media as media_services
from vitrina.content.services import posts as post_services
from vitrina.content.states import VariantState


@pytest.fixture
def author_client(client, author):
    client.force_login(author.user)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor.user)
    return client


def test_compose_a_post_with_pictures_and_a_poll(author_client, organisation, library, channel):
    url = f"/o/{organisation.slug}/posts/new/"
    assert author_client.get(url).status_code == 200
    response = author_client.post(
        url,
        {
            "library": library.pk,
            "channels": [channel.pk],
            "text": "Выставка «Парад военных книг»",
            "scheduled_at": "2030-06-18T10:00",
            "poll_question": "Какая книга понравилась?",
            "poll_answers": "Первая\nВторая\nТретья",
            "poll_anonymous": "on",
            "tags": "выставка, #память",
            "add_utm": "on",
            "upload": [
                SimpleUploadedFile("cover.png", image_bytes(), content_type="image/png"),
                SimpleUploadedFile("two.jpg", image_bytes(fmt="JPEG"), content_type="image/jpeg"),
            ],
            "then": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Post.objects.get()
    assert post.poll_answers == ["Первая", "Вторая", "Третья"]
    assert post.media_items.count() == 2
    assert sorted(post.tags.values_list("name", flat=True)) == ["выставка", "память"]
    # Entered as the library's clock (Moscow), stored in UTC.
    assert post.scheduled_at == datetime(2030, 6, 18, 10, tzinfo=ZoneInfo("Europe/Moscow"))
    page = author_client.get(response["Location"])
    assert "Парад военных книг" in page.content.decode()


def test_broken_picture_is_refused_with_a_message(author_client, organisation, channel):
    response = author_client.post(
        f"/o/{organisation.slug}/posts/new/",
        {
            "channels": [channel.pk],
            "text": "Текст",
            "upload": [SimpleUploadedFile("bad.jpg", b"garbage", content_type="image/jpeg")],
        },
    )
    assert response.status_code == 200
    assert "bad.jpg" in response.content.decode()
    assert not Post.objects.exists()


def test_bad_input_answers_with_messages(author_client, organisation, channel):
    response = author_client.post(
        f"/o/{organisation.slug}/posts/new/",
        {"channels": [channel.pk], "text": "x", "scheduled_at": "завтра", "link_url": "::"},
    )
    assert response.status_code == 200
    assert not Post.objects.exists()


def test_media_upload_json_reports_each_file(author_client, organisation):
    response = author_client.post(
        f"/o/{organisation.slug}/media/upload/",
        {
            "files": [
                SimpleUploadedFile("ok.png", image_bytes(), content_type="image/png"),
                SimpleUploadedFile("bad.gif", b"GIF89a broken", content_type="image/gif"),
            ]
        },
        HTTP_ACCEPT="application/json",
    )
    payload = response.json()
    assert len(payload["uploaded"]) == 1 and len(payload["errors"]) == 1
    asset = MediaAsset.objects.get()
    file_response = author_client.get(payload["uploaded"][0]["url"])
    assert file_response.status_code == 200
    assert author_client.get(f"/o/{organisation.slug}/media/").status_code == 200
    author_client.post(f"/o/{organisation.slug}/media/{asset.pk}/", {"alt_text": "Обложка"})
    asset.refresh_from_db()
    assert asset.alt_text == "Обложка"


def test_submit_approve_through_the_pages(
    author_client, client, organisation, channel, author, editor
):
    post = post_services.post_create(
        organisation=organisation,
        actor=author.user,
        channels=[channel],
        text="Текст",
        scheduled_at=timezone.now() + timedelta(days=1),
    )
    action = f"/o/{organisation.slug}/posts/{post.pk}/action/"
    author_client.post(action, {"action": "submit"})
    assert post.variants.get().state == VariantState.PENDING_APPROVAL
    # An author cannot approve.
    author_client.post(action, {"action": "approve"})
    assert post.variants.get().state == VariantState.PENDING_APPROVAL
    client.force_login(editor.user)
    page = client.get(f"/o/{organisation.slug}/posts/{post.pk}/").content.decode()
    assert 'value="approve"' in page
    client.post(action, {"action": "approve"})
    assert post.variants.get().state == VariantState.SCHEDULED


def test_variant_edit_and_the_conflict_once_claimed(editor_client, organisation, channel, editor):
    post = post_services.post_create(
        organisation=organisation, actor=editor.user, channels=[channel], text="Общий текст"
    )
    variant = post.variants.get()
    url = f"/o/{organisation.slug}/posts/{post.pk}/variants/{variant.pk}/"
    editor_client.post(url, {f"v{variant.pk}-text": "Только для VK"})
    variant.refresh_from_db()
    assert variant.customised and variant.text == "Только для VK"
    variant.state = VariantState.PUBLISHING
    variant.save()
    response = editor_client.post(url, {f"v{variant.pk}-text": "Поздно"}, follow=True)
    assert "Пост уже публикуется — изменить его нельзя" in response.content.decode()


def test_the_composer_saves_nothing_of_a_post_being_published(
    editor_client, organisation, library, channel, editor
):
    """The post, its new pictures and the pictures' descriptions go in one call: a 409 from
    the engine having claimed one variant leaves the media library as it was."""
    asset = media_services.media_upload(
        organisation=organisation, actor=editor.user, data=image_bytes(), name="a.png"
    )
    post = post_services.post_create(
        organisation=organisation, actor=editor.user, channels=[channel], text="Было"
    )
    VariantFactory(post=post, channel=ChannelFactory(library=library), state="publishing")
    url = f"/o/{organisation.slug}/posts/{post.pk}/edit/"
    fields = {"channels": [channel.pk], "text": "Стало", "media": [asset.pk], "then": ""}
    response = editor_client.post(
        url,
        {
            **fields,
            f"alt_{asset.pk}": "Новое описание",
            "upload": [SimpleUploadedFile("b.png", image_bytes(colour=(1, 2, 3)))],
        },
    )
    assert response.status_code == 200
    assert "Пост уже публикуется — изменить его нельзя" in response.content.decode()
    asset.refresh_from_db()
    assert asset.alt_text == "" and MediaAsset.objects.count() == 1
    post.refresh_from_db()
    assert post.text == "Было"
    autosave = editor_client.post(f"/o/{organisation.slug}/posts/{post.pk}/autosave/", fields)
    assert autosave.status_code == 409 and autosave.json()["error"]["code"] == "conflict"


def test_the_composer_keeps_the_pictures_order_and_ignores_foreign_ones(
    author_client, organisation, channel, author
):
    first, second = (
        media_services.media_upload(
            organisation=organisation, actor=author.user, data=image_bytes(colour=c), name="p.png"
        )
        for c in ((1, 0, 0), (2, 0, 0))
    )
    other = OrganisationFactory(slug="other")
    foreign = MediaAssetFactory(organisation=other, original_name="x.png")
    response = author_client.post(
        f"/o/{organisation.slug}/posts/new/",
        {
            "channels": [channel.pk],
            "text": "Текст",
            "media": [second.pk, str(foreign.pk)],
            "media_add": [first.pk],
            f"alt_{first.pk}": "Первая",
            "then": "",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert [item.asset_id for item in post.media_items.order_by("position")] == [
        second.pk,
        first.pk,
    ]
    first.refresh_from_db()
    assert first.alt_text == "Первая"


def test_post_page_shows_states_attempts_and_links(editor_client, organisation, channel):
    post = PostFactory(organisation=organisation, text="Опубликовано")
    variant = VariantFactory(
        post=post,
        channel=channel,
        state=VariantState.PUBLISHED,
        external_url="https://vk.com/wall-1_2",
    )
    PublishAttemptFactory(variant=variant, detail="Всё хорошо", network_code="200")
    body = editor_client.get(f"/o/{organisation.slug}/posts/{post.pk}/").content.decode()
    assert "https://vk.com/wall-1_2" in body and "Всё хорошо" in body
    assert 'value="delete_from_network"' in body


def test_calendar_feed_and_drag_to_reschedule(
    editor_client, organisation, library, channel, editor
):
    rubric = RubricFactory(organisation=organisation, colour="#aa0000")
    moment = datetime(2030, 3, 5, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    post = post_services.post_create(
        organisation=organisation,
        actor=editor.user,
        channels=[channel],
        library=library,
        rubric=rubric,
        text="Мероприятие",
        scheduled_at=moment,
    )
    base = f"/o/{organisation.slug}/calendar/"
    assert editor_client.get(base).status_code == 200
    events = editor_client.get(
        base + "events/", {"start": "2030-03-01T00:00:00Z", "end": "2030-04-01T00:00:00Z"}
    ).json()
    [event] = events
    assert event["start"] == "2030-03-05T10:00" and event["backgroundColor"] == "#aa0000"
    assert editor_client.get(base + "events/", {"start": "x"}).status_code == 400
    response = editor_client.post(
        f"/o/{organisation.slug}/posts/{post.pk}/move/", {"start": "2030-03-07T12:30:00Z"}
    )
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.scheduled_at == datetime(2030, 3, 7, 12, 30, tzinfo=ZoneInfo("Europe/Moscow"))
    post.variants.update(state=VariantState.PUBLISHING)
    response = editor_client.post(
        f"/o/{organisation.slug}/posts/{post.pk}/move/", {"start": "2030-03-08T12:30:00Z"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def _many_posts(organisation, library, count):
    channels = [ChannelFactory(library=library) for _ in range(4)]
    rubric = RubricFactory(organisation=organisation)
    start = datetime(2030, 3, 1, 9, tzinfo=ZoneInfo("UTC"))
    for index in range(count):
        post = PostFactory(
            organisation=organisation,
            library=library,
            rubric=rubric,
            scheduled_at=start + timedelta(hours=7 * index),
        )
        for channel in channels:
            VariantFactory(post=post, channel=channel)


@pytest.mark.parametrize("count", [3, 30])
def test_calendar_and_list_cost_does_not_grow(
    editor_client, organisation, library, count, django_assert_max_num_queries
):
    _many_posts(organisation, library, count)
    with django_assert_max_num_queries(12):
        response = editor_client.get(
            f"/o/{organisation.slug}/calendar/events/",
            {"start": "2030-03-01T00:00:00Z", "end": "2030-04-01T00:00:00Z"},
        )
    assert len(response.json()) == count
    with django_assert_max_num_queries(20):
        assert editor_client.get(f"/o/{organisation.slug}/posts/").status_code == 200


def test_planning_pages(editor_client, organisation, channel):
    base = f"/o/{organisation.slug}"
    for path in ("/posts/", "/rubrics/", "/planning/slots/", "/planning/recurring/", "/media/"):
        assert editor_client.get(base + path).status_code == 200, path
    editor_client.post(
        base + "/planning/slots/", {"channel": channel.pk, "weekday": 1, "time": "10:00"}
    )
    assert channel.slots.count() == 1
    response = editor_client.post(
        base + "/planning/slots/", {"channel": channel.pk, "weekday": 1, "time": "10:00"}
    )
    assert response.status_code == 200 and channel.slots.count() == 1
    editor_client.post(base + "/rubrics/new/", {"name": "Мероприятия", "colour": "#336699"})
    assert editor_client.get(base + "/rubrics/").content.decode().count("Мероприятия") == 1


def test_authors_cannot_manage_rubrics_or_slots(author_client, organisation):
    assert author_client.get(f"/o/{organisation.slug}/rubrics/new/").status_code == 403
    response = author_client.post(f"/o/{organisation.slug}/planning/slots/", {})
    assert response.status_code == 404


def test_month_of_an_organisation_with_20_channels_and_5_years_of_posts(
    editor_client, organisation, library, django_assert_max_num_queries
):
    """The month view reads a constant number of queries however long the history is."""
    channels = [ChannelFactory(library=library) for _ in range(20)]
    rubrics = [RubricFactory(organisation=organisation) for _ in range(5)]
    start = datetime(2025, 1, 1, 7, tzinfo=ZoneInfo("UTC"))
    posts = Post.objects.bulk_create(
        Post(
            organisation=organisation,
            library=library,
            rubric=rubrics[day % 5],
            text=f"Пост {day}",
            scheduled_at=start + timedelta(days=day),
        )
        for day in range(5 * 365)
    )
    Variant.objects.bulk_create(
        Variant(
            post=post,
            channel=channels[(index + offset) % 20],
            text=post.text,
            scheduled_at=post.scheduled_at,
            state=VariantState.PUBLISHED
            if post.scheduled_at.year < 2027
            else VariantState.SCHEDULED,
        )
        for index, post in enumerate(posts)
        for offset in range(4)
    )
    with django_assert_max_num_queries(12):
        response = editor_client.get(
            f"/o/{organisation.slug}/calendar/events/",
            {"start": "2027-02-22T00:00:00Z", "end": "2027-04-05T00:00:00Z"},
        )
    events = response.json()
    assert len(events) == 42 and len({event["backgroundColor"] for event in events}) >= 1
    with django_assert_max_num_queries(12):
        filtered = editor_client.get(
            f"/o/{organisation.slug}/calendar/events/",
            {
                "start": "2027-02-22T00:00:00Z",
                "end": "2027-04-05T00:00:00Z",
                "channel": channels[0].pk,
                "rubric": rubrics[0].pk,
            },
        ).json()
    assert 0 < len(filtered) < len(events)


def test_authors_change_only_their_own_posts(
    client, organisation, channel, author, editor, member_factory
):
    from vitrina.core.roles import Role

    other = member_factory(role=Role.AUTHOR)
    post = post_services.post_create(
        organisation=organisation, actor=other.user, channels=[channel], text="Чужой"
    )
    variant = post.variants.get()
    client.force_login(author.user)
    base = f"/o/{organisation.slug}/posts/{post.pk}"
    assert client.get(base + "/").status_code == 200
    assert client.get(base + "/edit/").status_code == 403
    assert client.post(base + "/action/", {"action": "submit"}).status_code == 403
    assert client.post(base + "/move/", {"start": "2030-01-01T10:00"}).status_code == 403
    client.post(base + f"/variants/{variant.pk}/", {f"v{variant.pk}-text": "Моё"})
    variant.refresh_from_db()
    assert variant.text == "Чужой"
    client.force_login(editor.user)
    assert client.get(base + "/edit/").status_code == 200


def test_list_filters_by_author(client, organisation, channel, author, editor):
    post_services.post_create(
        organisation=organisation, actor=author.user, channels=[channel], text="Пост автора"
    )
    post_services.post_create(
        organisation=organisation, actor=editor.user, channels=[channel], text="Пост редактора"
    )
    client.force_login(editor.user)
    body = client.get(f"/o/{organisation.slug}/posts/", {"author": author.user.pk}).content.decode()
    assert "Пост автора" in body and "Пост редактора" not in body


def test_save_into_the_next_free_slot(editor_client, organisation, channel):
    from tests.factories import SlotFactory

    SlotFactory(channel=channel, weekday=3, time=datetime(2000, 1, 1, 10, 0).time())
    response = editor_client.post(
        f"/o/{organisation.slug}/posts/new/",
        {"channels": [channel.pk], "text": "В слот", "then": "next_slot"},
    )
    assert response.status_code == 302
    post = Post.objects.get()
    local = post.scheduled_at.astimezone(ZoneInfo(channel.timezone))
    assert (local.weekday(), local.hour) == (3, 10)
    assert post.variants.get().state == VariantState.SCHEDULED


def test_a_member_limited_to_a_library_sees_only_its_posts(
    client, organisation, library, channel, member_factory, editor
):
    from tests.factories import LibraryFactory
    from vitrina.core.roles import Role

    branch = LibraryFactory(organisation=organisation, name="Филиал № 4")
    branch_channel = ChannelFactory(library=branch)
    post_services.post_create(
        organisation=organisation,
        actor=editor.user,
        channels=[channel],
        library=library,
        text="Пост центральной",
    )
    own = post_services.post_create(
        organisation=organisation,
        actor=editor.user,
        channels=[branch_channel],
        library=branch,
        text="Пост филиала",
    )
    limited = member_factory(role=Role.EDITOR, libraries=[branch])
    client.force_login(limited.user)
    body = client.get(f"/o/{organisation.slug}/posts/").content.decode()
    assert "Пост филиала" in body and "Пост центральной" not in body
    other = Post.objects.exclude(pk=own.pk).get()
    assert client.get(f"/o/{organisation.slug}/posts/{other.pk}/").status_code == 404
