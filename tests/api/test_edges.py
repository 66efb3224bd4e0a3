"""What a careless or hostile client sends: ids too large for the database, nulls, bodies
that are not objects, unknown addresses and failures. Every answer is a JSON error with a
code and a message in the client's language, never a 500 page; the schema says so."""

import importlib
import json
import pkgutil
import re

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from ninja import Schema

import vitrina.api
from tests.factories import ChannelFactory, LibraryFactory, PostFactory, VariantFactory
from tests.images import image_bytes
from vitrina.api.api import api as vitrina_api
from vitrina.channels.providers.registry import kinds_by_network
from vitrina.content.models import Post
from vitrina.content.services.media import media_upload
from vitrina.core.services import api_token_create
from vitrina.inbox.models import ThreadStatus

pytestmark = pytest.mark.django_db

TOO_LARGE = 99999999999999999999  # past the database's 64-bit integers


@pytest.fixture
def token(admin):
    _token, raw = api_token_create(user=admin, name="tests")
    return raw


@pytest.fixture
def call(client, token):
    def send(method, path, body=None, *, raw=None, language=None, **params):
        headers = {"Authorization": f"Bearer {token}"}
        if language:
            headers["Accept-Language"] = language
        url = f"/api/v1{path}"
        if method == "get":
            return client.get(url, params, headers=headers)
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return getattr(client, method)(url, data, content_type="application/json", headers=headers)

    return send


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


# Defect: integers too large for the database gave 500.


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/organisations/cbs/posts", "channel_id"),
        ("/organisations/cbs/posts", "library_id"),
        ("/organisations/cbs/posts", "rubric_id"),
        ("/organisations/cbs/posts", "author_id"),
        ("/organisations/cbs/channels", "library_id"),
        ("/organisations/cbs/inbox/threads", "channel_id"),
        ("/organisations/cbs/posts", "offset"),
    ],
)
def test_an_id_too_large_in_a_query_is_a_400(call, channel, path, param):
    error = assert_error(call("get", path, **{param: TOO_LARGE}), 400, "invalid")
    assert error["details"]["fields"][0]["field"] == param


@pytest.mark.parametrize(
    "body",
    [
        {"channel_ids": [TOO_LARGE], "text": "Встреча"},
        {"media_ids": [TOO_LARGE], "text": "Встреча"},
        {"library_id": TOO_LARGE, "text": "Встреча"},
        {"rubric_id": TOO_LARGE, "text": "Встреча"},
    ],
)
def test_an_id_too_large_in_a_body_is_a_400(call, channel, body):
    assert_error(call("post", "/organisations/cbs/posts", body), 400, "invalid")
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        f"/organisations/cbs/posts/{TOO_LARGE}",
        f"/organisations/cbs/channels/{TOO_LARGE}",
        f"/organisations/cbs/libraries/{TOO_LARGE}",
        f"/organisations/cbs/inbox/threads/{TOO_LARGE}",
        f"/organisations/cbs/catalogue/records/{TOO_LARGE}",
    ],
)
def test_an_id_too_large_in_the_address_is_refused(call, channel, path):
    response = call("get", path)
    assert response.status_code in {400, 404}
    assert_error(response, response.status_code)


# Defect: PATCH with "media_ids": null gave 500.


def test_null_where_the_schema_allows_no_null_is_a_400_and_changes_nothing(
    call, organisation, admin, channel
):
    asset = media_upload(organisation=organisation, actor=admin, data=image_bytes(), name="a.png")
    created = call(
        "post",
        "/organisations/cbs/posts",
        {"channel_ids": [channel.pk], "text": "Встреча", "media_ids": [asset.pk]},
    )
    assert created.status_code == 201
    post_id = created.json()["id"]
    for field in ("media_ids", "channel_ids", "tags", "title", "about_people", "add_utm"):
        error = assert_error(
            call("patch", f"/organisations/cbs/posts/{post_id}", {field: None}), 400, "invalid"
        )
        assert error["details"]["fields"][0]["field"] == field
    post = call("get", f"/organisations/cbs/posts/{post_id}").json()
    assert post["media_ids"] == [asset.pk]
    assert [variant["channel_id"] for variant in post["variants"]] == [channel.pk]
    # Where null means "none", it clears.
    cleared = call("patch", f"/organisations/cbs/posts/{post_id}", {"scheduled_at": None})
    assert cleared.status_code == 200


# Defect: POST posts accepted bodies that are not a post and made an empty draft.


@pytest.mark.parametrize("raw", ["[]", '"x"', "1", "null", "{}", '{"text": "   "}', "{not json"])
def test_a_body_that_is_not_a_post_is_a_400(call, channel, raw):
    assert_error(call("post", "/organisations/cbs/posts", raw=raw), 400, "invalid")
    assert not Post.objects.exists()


# Defect: errors outside the operations were HTML pages, messages always in one language.


def test_a_body_that_is_not_json_says_so(call):
    error = assert_error(call("post", "/organisations/cbs/posts", raw="{not json"), 400, "invalid")
    assert error["message"] == "Тело запроса — не JSON."


def test_unknown_addresses_and_methods_answer_json(call):
    assert_error(call("get", "/no/such/thing"), 404, "not_found")
    assert_error(call("put", "/organisations"), 405, "method_not_allowed")


def test_an_unexpected_failure_is_a_json_500(call, channel, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(CursorWrapper, "execute", locked)
    error = assert_error(call("get", "/organisations/cbs/channels"), 500, "server_error")
    assert "database" not in error["message"]


def test_messages_follow_accept_language(client, call, channel):
    russian = assert_error(call("get", "/organisations/cbs/channels/999"), 404)
    english = assert_error(call("get", "/organisations/cbs/channels/999", language="en"), 404)
    assert russian["message"] == "Такого канала нет."
    assert english["message"] == "No such channel."
    unauthorised = client.get("/api/v1/organisations", headers={"Accept-Language": "en"})
    assert "token" in assert_error(unauthorised, 401, "unauthorised")["message"]
    assert "токен" in assert_error(client.get("/api/v1/organisations"), 401)["message"]
    invalid = assert_error(call("get", "/organisations/cbs/posts", library_id="x"), 400)
    assert invalid["message"] == "Запрос неверен."
    assert invalid["details"]["fields"][0]["message"] == "Нужно целое число."


def test_a_conflict_is_still_a_409(call, organisation, channel):
    post = PostFactory(organisation=organisation, text="Встреча")
    VariantFactory(post=post, channel=channel, state="publishing")
    response = call("patch", f"/organisations/cbs/posts/{post.pk}", {"text": "Иначе"})
    assert_error(response, 409)


# Defect: the schema did not say what the API answers.


def test_the_schema_documents_every_answer():
    schema = vitrina_api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answers = {str(status) for status in operation["responses"]}
            where = f"{method.upper()} {path}"
            assert "401" in answers, where
            if operation.get("parameters") or operation.get("requestBody"):
                assert "400" in answers, where
            if "{" in path:
                assert "404" in answers, where


def test_the_schema_declares_enums_lengths_and_nulls():
    components = vitrina_api.get_openapi_schema()["components"]["schemas"]
    channel_in = components["ChannelIn"]["properties"]
    assert channel_in["network"]["enum"] == list(kinds_by_network())
    assert channel_in["name"]["maxLength"] == 200
    assert channel_in["library_id"]["maximum"] == 2**63 - 1
    assert components["ThreadOut"]["properties"]["status"]["enum"] == ThreadStatus.values
    assert components["ThreadOut"]["properties"]["network"]["enum"] == list(kinds_by_network())
    assert components["VariantOut"]["properties"]["network"]["enum"] == list(kinds_by_network())
    patch = components["PostPatch"]["properties"]
    assert patch["media_ids"]["type"] == "array"
    assert {"type": "null"} in patch["scheduled_at"]["anyOf"]
    assert "enum" in components["VariantOut"]["properties"]["state"] or "$ref" in str(
        components["VariantOut"]["properties"]["state"]
    )


def test_the_guide_lists_every_endpoint(settings):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "docs"
    schema = vitrina_api.get_openapi_schema()
    for guide in (root / "guide" / "api.md", root / "ru" / "guide" / "api.md"):
        text = guide.read_text()
        for path, operations in schema["paths"].items():
            short = path.removeprefix("/api/v1")
            for method in operations:
                assert f"`{method.upper()} {short}`" in text, (guide.name, method, short)


def test_an_upload_field_sent_twice_is_a_400(client, token):
    from django.core.files.uploadedfile import SimpleUploadedFile

    picture = SimpleUploadedFile("a.png", image_bytes(), content_type="image/png")
    response = client.post(
        "/api/v1/organisations/cbs/media",
        {"file": picture, "alt_text": ["Обложка", "Ещё"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert assert_error(response, 400, "invalid")["details"] == {"field": "alt_text"}


def test_a_channel_kind_the_network_has_not_is_refused_as_the_schema_says(call, library):
    schema = vitrina_api.get_openapi_schema()["components"]["schemas"]["ChannelIn"]
    kinds = {
        option["properties"]["network"]["const"]: option["properties"]["kind"]["enum"]
        for option in schema["anyOf"]
    }
    assert kinds == kinds_by_network()
    body = {"library_id": library.pk, "network": "website", "kind": "bot", "name": "Сайт"}
    assert_error(call("post", "/organisations/cbs/channels", body), 400, "invalid")


@pytest.mark.parametrize("value", ["0.5", "1763800000", "завтра"])
def test_a_time_that_is_not_iso_8601_is_a_400(call, channel, value):
    assert_error(call("get", "/organisations/cbs/posts", start=value), 400, "invalid")


def test_an_unknown_time_zone_is_a_400(call, library):
    body = {
        "library_id": library.pk,
        "network": "vk",
        "kind": "group",
        "name": "Клуб",
        "timezone": "Mars/Olympus",
    }
    error = assert_error(call("post", "/organisations/cbs/channels", body), 400, "invalid")
    assert error["details"] == {"field": "timezone"}


def test_a_form_without_its_boundary_is_a_400(client, token):
    response = client.post(
        "/api/v1/organisations/cbs/media",
        b"",
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize(
    "body",
    [
        {"text": "Встреча", "about_people": 0},
        {"text": "Встреча", "poll_multiple": "yes"},
        {"text": "Встреча", "channel_ids": ["1"]},
        {"text": "Встреча", "library_id": True},
    ],
)
def test_json_values_of_another_type_are_not_read_as_the_schema_says(call, channel, body):
    assert_error(call("post", "/organisations/cbs/posts", body), 400, "invalid")
    assert not Post.objects.exists()


@pytest.mark.parametrize("external_id", ["", "vinilius"])
def test_a_channel_without_its_network_id_is_refused_not_a_500(
    call, organisation, library, external_id
):
    channel = ChannelFactory(library=library, external_id=external_id)
    post = PostFactory(organisation=organisation, text="Встреча")
    variant = VariantFactory(post=post, channel=channel, state="published", external_id="5")
    response = call(
        "post", f"/organisations/cbs/posts/{post.pk}/variants/{variant.pk}/delete-from-network"
    )
    error = assert_error(response, 400, "network_refused")
    assert "id" in error["message"]


def test_deleting_from_a_network_vitrina_does_not_publish_to_is_refused(
    call, organisation, library
):
    channel = ChannelFactory(library=library, network="website", kind="site", external_id="")
    post = PostFactory(organisation=organisation, text="Встреча")
    variant = VariantFactory(post=post, channel=channel, state="published", external_id="5")
    response = call(
        "post", f"/organisations/cbs/posts/{post.pk}/variants/{variant.pk}/delete-from-network"
    )
    assert_error(response, 400, "invalid")


# Found by the fuzz run: a time of the distant past on a Yekaterinburg library's clock had
# the local mean time offset +05:48:48, which no RFC 3339 date-time can carry.


def test_a_distant_time_is_answered_as_rfc_3339(call, organisation):
    library = LibraryFactory(organisation=organisation, timezone="Asia/Yekaterinburg")
    response = call(
        "post",
        f"/organisations/{organisation.slug}/posts",
        {
            "text": "Старинный пост",
            "library_id": library.pk,
            "scheduled_at": "1143-09-24T18:30:21-07:47",
        },
    )
    assert response.status_code == 201, response.content
    answered = response.json()["scheduled_at"]
    assert answered in ("1143-09-25T02:17:21Z", "1143-09-25T02:17:21+00:00")
    assert re.fullmatch(r".*(Z|[+-]\d\d:\d\d)", answered)


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59:59-07:00", "0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00"]
)
def test_a_time_past_the_calendar_edge_is_a_clear_400(call, organisation, moment):
    # In UTC these fall outside years 1–9999, which no database or Python date can hold.
    response = call(
        "post",
        f"/organisations/{organisation.slug}/posts",
        {"text": "Пост на краю календаря", "scheduled_at": moment},
    )
    error = assert_error(response, 400)
    assert "scheduled_at" in json.dumps(error, ensure_ascii=False)
    assert not Post.objects.filter(text="Пост на краю календаря").exists()


def test_every_schema_of_the_api_has_its_own_name():
    """The OpenAPI components are named after the schema classes: two classes of one name
    in different routers would publish one's fields for the other's answers."""
    owners: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(vitrina.api.__path__):
        module = importlib.import_module(f"vitrina.api.{info.name}")
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                owners.setdefault(name, []).append(module.__name__)
    assert {name: mods for name, mods in owners.items() if len(mods) > 1} == {}
