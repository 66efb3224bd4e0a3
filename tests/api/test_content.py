from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import (
    ChannelFactory,
    LibraryFactory,
    OrganisationFactory,
    PostFactory,
    RubricFactory,
    VariantFactory,
)
from tests.images import image_bytes
from vitrina.content.models import Post
from vitrina.content.services.media import media_upload
from vitrina.content.states import VariantState
from vitrina.core.roles import Role
from vitrina.core.services import api_token_create

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, client, user):
        _token, raw = api_token_create(user=user, name="tests")
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, **self.headers)

    def send(self, method, path, data=None):
        return getattr(self.client, method)(
            f"/api/v1{path}", data or {}, content_type="application/json", **self.headers
        )


@pytest.fixture
def api(client, admin):
    return Api(client, admin)


def test_write_schedule_and_read_a_post(api, organisation, admin, channel, library):
    rubric = RubricFactory(organisation=organisation)
    asset = media_upload(organisation=organisation, actor=admin, data=image_bytes(), name="a.png")
    response = api.send(
        "post",
        "/organisations/cbs/posts",
        {
            "channel_ids": [channel.pk],
            "library_id": library.pk,
            "rubric_id": rubric.pk,
            "text": "Новинки недели",
            "tags": ["новинки"],
            "media_ids": [asset.pk],
            "poll_question": "Что читать?",
            "poll_answers": ["Роман", "Стихи"],
            "scheduled_at": "2030-01-10T07:00:00Z",
        },
    )
    assert response.status_code == 201, response.json()
    post = response.json()
    assert post["state"] == "draft" and post["media_ids"] == [asset.pk]
    assert post["variants"][0]["network"] == "vk"
    post_id, variant_id = post["id"], post["variants"][0]["id"]

    variant = api.send(
        "patch", f"/organisations/cbs/posts/{post_id}/variants/{variant_id}", {"text": "Для VK"}
    ).json()
    assert variant["customised"] and variant["text"] == "Для VK"

    scheduled = api.send("post", f"/organisations/cbs/posts/{post_id}/submit").json()
    assert scheduled["state"] == "scheduled"
    # Times carry the offset of their place (the channel's library is in Moscow).
    assert scheduled["variants"][0]["scheduled_at"] == "2030-01-10T10:00:00+03:00"

    moved = api.send(
        "post",
        f"/organisations/cbs/posts/{post_id}/reschedule",
        {"scheduled_at": "2030-01-11T10:00:00+03:00"},
    ).json()
    assert moved["scheduled_at"] == "2030-01-11T10:00:00+03:00"

    listed = api.get("/organisations/cbs/posts", state="scheduled").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == post_id
    assert api.get("/organisations/cbs/posts", state="draft").json()["count"] == 0
    assert api.get("/organisations/cbs/rubrics").json()[0]["id"] == rubric.pk


def test_approval_flow_and_roles(client, organisation, channel):
    author = Api(client, _member(organisation, Role.AUTHOR))
    editor = Api(client, _member(organisation, Role.EDITOR))
    analyst = Api(client, _member(organisation, Role.ANALYST))
    created = author.send(
        "post", "/organisations/cbs/posts", {"channel_ids": [channel.pk], "text": "Текст"}
    ).json()
    url = f"/organisations/cbs/posts/{created['id']}"
    assert author.send("post", url + "/submit").json()["state"] == "pending_approval"
    assert author.send("post", url + "/approve").status_code == 403
    assert analyst.send("post", url + "/submit").status_code == 403
    returned = editor.send("post", url + "/return", {"comment": "Добавьте фото"}).json()
    assert returned["state"] == "draft" and returned["approval_comment"] == "Добавьте фото"
    author.send("post", url + "/submit")
    assert editor.send("post", url + "/approve").json()["state"] == "scheduled"


def _member(organisation, role):
    from tests.factories import MembershipFactory

    return MembershipFactory(organisation=organisation, role=role).user


def test_errors_are_structured(api, organisation, channel):
    response = api.send(
        "post", "/organisations/cbs/posts", {"channel_ids": [999999], "text": "Встреча"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"field": "channel_ids"}
    response = api.send(
        "post",
        "/organisations/cbs/posts",
        {"channel_ids": [channel.pk], "poll_question": "?", "poll_answers": ["один"]},
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    response = api.send("post", "/organisations/cbs/posts", {"scheduled_at": "завтра"})
    assert response.status_code == 400 and "fields" in response.json()["error"]["details"]
    assert api.get("/organisations/cbs/posts/999999").status_code == 404


def test_a_claimed_post_answers_409(api, organisation, channel):
    post = PostFactory(organisation=organisation)
    VariantFactory(post=post, channel=channel, state=VariantState.PUBLISHING)
    response = api.send("patch", f"/organisations/cbs/posts/{post.pk}", {"text": "Поздно"})
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Пост уже публикуется — изменить его нельзя"
    assert Post.objects.get(pk=post.pk).text != "Поздно"


def test_a_refused_change_changes_nothing(api, organisation, channel):
    """Valid fields with a channel or a picture the caller cannot use: the post stays as it was."""
    created = api.send(
        "post", "/organisations/cbs/posts", {"channel_ids": [channel.pk], "text": "Было"}
    ).json()
    url = f"/organisations/cbs/posts/{created['id']}"
    other = OrganisationFactory(slug="other")
    foreign_channel = ChannelFactory(library=LibraryFactory(organisation=other))
    foreign_picture = media_upload(organisation=other, actor=None, data=image_bytes(), name="x.png")
    for wrong in (
        {"channel_ids": [channel.pk, foreign_channel.pk]},
        {"media_ids": [foreign_picture.pk]},
    ):
        response = api.send("patch", url, {"title": "Стало", "text": "Стало", **wrong})
        assert response.status_code == 400
        post = Post.objects.get(pk=created["id"])
        assert (post.title, post.text) == ("", "Было")
        assert [v.channel_id for v in post.variants.all()] == [channel.pk]
        assert not post.media_items.exists()


@pytest.mark.parametrize("count", [2, 20])
def test_post_list_cost_does_not_grow(
    api, organisation, channel, count, django_assert_max_num_queries
):
    for _ in range(count):
        VariantFactory(post=PostFactory(organisation=organisation), channel=channel)
    with django_assert_max_num_queries(14):
        response = api.get("/organisations/cbs/posts", limit=100)
    assert response.json()["count"] == count


def test_upload_pictures_and_attach_them(api, client, organisation, channel):
    response = client.post(
        "/api/v1/organisations/cbs/media",
        {
            "file": SimpleUploadedFile("a.png", image_bytes(), content_type="image/png"),
            "alt_text": "Обложка",
        },
        **api.headers,
    )
    assert response.status_code == 201, response.content
    asset = response.json()
    assert asset["content_type"] == "image/jpeg" and asset["alt_text"] == "Обложка"
    broken = client.post(
        "/api/v1/organisations/cbs/media",
        {"file": SimpleUploadedFile("b.png", b"nope", content_type="image/png")},
        **api.headers,
    )
    assert broken.status_code == 400 and "b.png" in broken.json()["error"]["message"]
    assert api.get("/organisations/cbs/media").json()["count"] == 1
    post = api.send(
        "post",
        "/organisations/cbs/posts",
        {"channel_ids": [channel.pk], "text": "С картинкой", "media_ids": [asset["id"]]},
    ).json()
    assert post["media_ids"] == [asset["id"]]


def test_times_carry_the_offset_of_their_place(api, organisation):
    """A post of a library in Yekaterinburg: its time with +05:00, the same instant."""
    library = LibraryFactory(organisation=organisation, timezone="Asia/Yekaterinburg")
    channel = ChannelFactory(library=library, timezone="Asia/Yekaterinburg")
    moment = datetime(2030, 1, 10, 9, 0, tzinfo=UTC)
    post = PostFactory(organisation=organisation, library=library, scheduled_at=moment)
    VariantFactory(post=post, channel=channel)
    answer = api.get(f"/organisations/{organisation.slug}/posts/{post.pk}").json()
    assert answer["scheduled_at"] == "2030-01-10T14:00:00+05:00"
    assert answer["variants"][0]["scheduled_at"] == "2030-01-10T14:00:00+05:00"
    assert datetime.fromisoformat(answer["scheduled_at"]) == moment
    created = datetime.fromisoformat(answer["created_at"])
    assert created.utcoffset() == timedelta(hours=5)
