import pytest

from tests.inbox.test_views import write
from vitrina.channels.networks import Network
from vitrina.core.roles import Role
from vitrina.core.services import api_token_create
from vitrina.inbox.models import Delivery


def bearer(user) -> dict:
    _token, raw = api_token_create(user=user, name="inbox")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_threads_and_messages(client, admin, channel):
    first = write(channel, 1, reader="1", text="Можно продлить книги?")
    write(channel, 2, reader="2", text="Спасибо!")
    org = channel.organisation.slug
    headers = bearer(admin)
    listing = client.get(f"/api/v1/organisations/{org}/inbox/threads", **headers).json()
    assert [item["reader_id"] for item in listing["items"]] == ["2", "1"]
    detail = client.get(
        f"/api/v1/organisations/{org}/inbox/threads/{first.thread_id}", **headers
    ).json()
    assert [m["text"] for m in detail["messages"]] == ["Можно продлить книги?"]
    missing = client.get(f"/api/v1/organisations/{org}/inbox/threads/999999", **headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_thread_list_reads_only_the_page_asked_for(
    client, admin, channel, django_assert_max_num_queries
):
    for number in range(25):
        write(channel, number, reader=str(number))
    url = f"/api/v1/organisations/{channel.organisation.slug}/inbox/threads"
    headers = bearer(admin)
    with django_assert_max_num_queries(12) as queries:
        page = client.get(url, {"limit": 5, "offset": 10}, **headers).json()
    assert page["count"] == 25
    assert [item["reader_id"] for item in page["items"]] == ["14", "13", "12", "11", "10"]
    # The threads themselves are read once, limited to the page.
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "inbox_thread"' in q["sql"]]
    assert any("LIMIT 5" in sql for sql in reads), reads


@pytest.mark.django_db
def test_roles_without_inbox_get_403(client, member_factory, channel):
    write(channel, 1)
    author = member_factory(role=Role.AUTHOR)
    response = client.get(
        f"/api/v1/organisations/{channel.organisation.slug}/inbox/threads", **bearer(author.user)
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_reply_through_the_api(networks, connect, admin, client):
    from tests.inbox.test_replies import reader_thread

    channel = connect(Network.MAX)
    thread = reader_thread(networks, channel)
    url = f"/api/v1/organisations/{channel.organisation.slug}/inbox/threads/{thread.pk}/replies"
    headers = bearer(admin)
    response = client.post(url, {"text": "Продлили."}, content_type="application/json", **headers)
    assert response.status_code == 201
    assert response.json()["delivery"] == Delivery.SENT
    empty = client.post(url, {"text": " "}, content_type="application/json", **headers)
    assert empty.status_code == 400 and empty.json()["error"]["details"] == {"field": "text"}
