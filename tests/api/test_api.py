import pytest

from tests.factories import ChannelFactory, LibraryFactory, MembershipFactory
from vitrina.channels.models import Channel
from vitrina.core.models import AuditEntry
from vitrina.core.roles import Role
from vitrina.core.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, admin):
    _token, raw = api_token_create(user=admin, name="tests")

    class Api:
        def __init__(self, raw):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def get(self, path, **params):
            return client.get(f"/api/v1{path}", params, **self.headers)

        def send(self, method, path, data=None):
            return getattr(client, method)(
                f"/api/v1{path}", data or {}, content_type="application/json", **self.headers
            )

    return Api(raw)


def test_without_token_the_api_answers_401_json(client):
    response = client.get("/api/v1/organisations")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorised"


def test_wrong_token_is_refused(client):
    response = client.get("/api/v1/organisations", HTTP_AUTHORIZATION="Bearer vt_nonsense")
    assert response.status_code == 401


def test_organisations_libraries_members(api, organisation, library, admin):
    assert api.get("/organisations").json() == [
        {
            "slug": "cbs",
            "name": organisation.name,
            "kind": "system",
            "timezone": "Europe/Moscow",
            "role": "admin",
        }
    ]
    libraries = api.get("/organisations/cbs/libraries").json()
    assert libraries["count"] == 1 and libraries["items"][0]["name"] == library.name
    assert api.get(f"/organisations/cbs/libraries/{library.pk}").json()["id"] == library.pk
    members = api.get("/organisations/cbs/members").json()
    assert members["items"][0]["username"] == admin.username


def test_members_are_for_admins_only(client, organisation):
    analyst = MembershipFactory(organisation=organisation, role=Role.ANALYST).user
    _token, raw = api_token_create(user=analyst, name="t")
    response = client.get("/api/v1/organisations/cbs/members", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_channel_crud(api, library):
    payload = {
        "library_id": library.pk,
        "network": "ok",
        "kind": "profile",
        "name": "Филиал № 4",
        "url": "http://ok.ru/profile/569188750053",
    }
    response = api.send("post", "/organisations/cbs/channels", payload)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["url"] == "https://ok.ru/profile/569188750053"
    assert created["external_id"] == "569188750053"
    channel_id = created["id"]
    response = api.send("patch", f"/organisations/cbs/channels/{channel_id}", {"subscribers": 40})
    assert response.status_code == 200 and response.json()["subscribers"] == 40
    assert api.get(f"/organisations/cbs/channels/{channel_id}").json()["name"] == "Филиал № 4"
    assert api.send("delete", f"/organisations/cbs/channels/{channel_id}").status_code == 204
    assert Channel.objects.get(pk=channel_id).is_archived
    assert api.get("/organisations/cbs/channels").json()["count"] == 0
    assert api.get("/organisations/cbs/channels", archived=True).json()["count"] == 1
    response = api.send("patch", f"/organisations/cbs/channels/{channel_id}", {"archived": False})
    assert response.json()["archived"] is False
    actions = list(
        AuditEntry.objects.filter(object_type="channel").values_list("action", flat=True)
    )
    assert set(actions) == {
        "channel.created",
        "channel.changed",
        "channel.archived",
        "channel.restored",
    }


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({}, 400, "invalid"),
        ({"library_id": "x", "network": "vk", "kind": "group", "name": "A"}, 400, "invalid"),
        ({"network": "vk", "kind": "group", "name": "A", "url": "ok.ru/x"}, 400, "invalid"),
        ({"network": "vk", "kind": "bot", "name": "A"}, 400, "invalid"),
        ({"network": "vk", "kind": "group", "name": "A", "subscribers": -1}, 400, "invalid"),
        (
            {"network": "vk", "kind": "group", "name": "A", "url": "vk.com/vinilius"},
            409,
            "duplicate",
        ),
    ],
)
def test_bad_channel_input_gets_structured_errors(api, library, channel, payload, status, code):
    if "library_id" not in payload:
        payload = {"library_id": library.pk, **payload}
    response = api.send("post", "/organisations/cbs/channels", payload)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def test_malformed_json_is_400(client, api):
    response = client.post(
        "/api/v1/organisations/cbs/channels",
        "{not json",
        content_type="application/json",
        **api.headers,
    )
    assert response.status_code == 400
    assert "error" in response.json()


def test_unknown_library_is_400_with_field(api):
    response = api.send(
        "post",
        "/organisations/cbs/channels",
        {"library_id": 999999, "network": "vk", "kind": "group", "name": "A"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"field": "library_id"}


def test_authors_cannot_change_channels(client, organisation, library):
    author = MembershipFactory(organisation=organisation, role=Role.AUTHOR).user
    _token, raw = api_token_create(user=author, name="t")
    response = client.post(
        "/api/v1/organisations/cbs/channels",
        {"library_id": library.pk, "network": "vk", "kind": "group", "name": "A"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403


def test_channel_list_query_count_is_constant(api, organisation, django_assert_max_num_queries):
    for index in range(50):
        ChannelFactory(library=LibraryFactory(organisation=organisation), url=f"vk.com/l{index}")
    with django_assert_max_num_queries(6):
        response = api.get("/organisations/cbs/channels", limit=100)
    assert response.json()["count"] == 50


def test_member_list_query_count_is_constant(
    api, organisation, library, django_assert_max_num_queries
):
    for _index in range(30):
        MembershipFactory(organisation=organisation).libraries.set([library])
    with django_assert_max_num_queries(8):
        assert api.get("/organisations/cbs/members").json()["count"] == 31


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organisations/{org_slug}/channels" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200
