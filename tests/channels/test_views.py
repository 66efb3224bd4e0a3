from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import ChannelFactory, LibraryFactory
from vitrina.channels.models import Channel, ChannelSecret
from vitrina.channels.networks import Kind, Network, SecretKind
from vitrina.core.roles import Role

pytestmark = pytest.mark.django_db


def url(name, organisation, **kwargs):
    return reverse(f"channels:{name}", kwargs={"org": organisation.slug, **kwargs})


def form_data(lib, **overrides):
    data = {
        "library": lib.pk,
        "network": Network.VK,
        "kind": Kind.GROUP,
        "name": "Кузбасская научная медицинская библиотека",
        "url": "https://vk.com/medlib42",
        "external_id": "",
        "created_on": "06.06.2019",
        "timezone": "Asia/Novokuznetsk",
        "audience_notes": "Студенты-медики",
        "posts_per_week": "4.5",
        "subscribers": "490",
        "visits": "1386",
    }
    return {**data, **overrides}


def test_list_shows_the_registry(admin_client, organisation, channel):
    response = admin_client.get(url("list", organisation))
    content = response.content.decode()
    assert response.status_code == 200
    assert channel.name in content and "https://vk.com/vinilius" in content


def test_create_channel_through_the_form(admin_client, organisation, library):
    response = admin_client.post(url("create", organisation), form_data(library))
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert channel.created_on.isoformat() == "2019-06-06"
    assert channel.subscribers == 490


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"url": "https://ok.ru/group/1"}, "должен начинаться с vk.com"),
        ({"name": ""}, "Введите название канала"),
        ({"kind": Kind.BOT}, "нет аккаунтов такого вида"),
        ({"created_on": "31.02.2019"}, "Введите дату"),
        ({"library": ""}, "Выберите библиотеку"),
    ],
)
def test_form_errors_are_clear_and_in_russian(
    admin_client, organisation, library, overrides, message
):
    response = admin_client.post(url("create", organisation), form_data(library, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Channel.objects.exists()


def test_duplicate_channel_is_a_form_error(admin_client, organisation, library, channel):
    response = admin_client.post(
        url("create", organisation), form_data(library, url="vk.com/vinilius")
    )
    assert response.status_code == 200
    assert "уже есть в реестре" in response.content.decode()


def test_filters_by_library_and_network(admin_client, organisation, library):
    other_library = LibraryFactory(organisation=organisation)
    ChannelFactory(library=library, name="ВК центральной")
    ChannelFactory(
        library=other_library,
        name="ОК филиала",
        network=Network.OK,
        kind=Kind.PROFILE,
        url="ok.ru/profile/1",
    )
    content = admin_client.get(
        url("list", organisation), {"library": other_library.pk}
    ).content.decode()
    assert "ОК филиала" in content and "ВК центральной" not in content
    content = admin_client.get(url("list", organisation), {"network": "vk"}).content.decode()
    assert "ВК центральной" in content and "ОК филиала" not in content


def test_archived_channels_are_hidden_unless_asked(admin_client, organisation, channel):
    admin_client.post(url("archive", organisation, channel_id=channel.pk), {"action": "archive"})
    assert channel.name not in admin_client.get(url("list", organisation)).content.decode()
    assert (
        channel.name
        in admin_client.get(url("list", organisation), {"archived": "on"}).content.decode()
    )


def test_export_is_a_real_workbook_with_the_registry(admin_client, organisation, library):
    ChannelFactory(
        library=library,
        name="Страница",
        url="vk.com/id547852393",
        subscribers=2025,
        visits=2239,
        timezone="Asia/Yekaterinburg",
    )
    response = admin_client.get(url("export", organisation))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[3]
    assert header[0] == "Библиотека" and "Друзья / подписчики" in header
    data = rows[4]
    assert data[3] == "Страница" and data[9] == 2025 and data[10] == 2239
    assert data[header.index("Часовой пояс")] == "Екатеринбург"  # named, not the IANA code


def test_token_is_saved_encrypted_and_never_shown(admin_client, organisation, channel, settings):
    # Nothing listens there: the token cannot be checked, and is kept with a warning.
    settings.VK_API_URL = "http://127.0.0.1:9"
    settings.NETWORK_TIMEOUT = 2
    response = admin_client.post(
        url("secret", organisation, channel_id=channel.pk),
        {
            "kind": SecretKind.COMMUNITY_TOKEN,
            f"{SecretKind.COMMUNITY_TOKEN}-value": "vk1.a.TOPSECRET",
        },
    )
    assert response.status_code == 302
    assert ChannelSecret.objects.filter(channel=channel).exists()
    page = admin_client.get(url("detail", organisation, channel_id=channel.pk)).content.decode()
    assert "TOPSECRET" not in page
    assert "Сохранён" in page
    assert "не удалось связаться" in page


def _enter_bot_token(admin_client, organisation, channel, value):
    return admin_client.post(
        url("secret", organisation, channel_id=channel.pk),
        {"kind": SecretKind.BOT_TOKEN, f"{SecretKind.BOT_TOKEN}-value": value},
        follow=True,
    )


def test_a_garbage_bot_token_is_checked_with_the_network_and_refused(
    admin_client, organisation, connect
):
    channel = connect(Network.TELEGRAM)
    before = ChannelSecret.objects.get(channel=channel, kind=SecretKind.BOT_TOKEN).ciphertext
    page = _enter_bot_token(admin_client, organisation, channel, "123:garbage").content.decode()
    assert "Telegram не принимает этот токен" in page
    assert "Токен сохранён" not in page
    # The token that worked is still the one kept.
    assert (
        ChannelSecret.objects.get(channel=channel, kind=SecretKind.BOT_TOKEN).ciphertext == before
    )


def test_a_bot_token_the_network_accepts_is_saved(admin_client, organisation, connect, networks):
    from vitrina.channels.services import channel_secret_value

    channel = connect(Network.TELEGRAM)
    token = channel_secret_value(channel=channel, kind=SecretKind.BOT_TOKEN)
    ChannelSecret.objects.filter(channel=channel).delete()
    page = _enter_bot_token(admin_client, organisation, channel, token).content.decode()
    assert "Сеть приняла токен" in page
    assert channel_secret_value(channel=channel, kind=SecretKind.BOT_TOKEN) == token


def test_bot_token_for_a_vk_channel_is_refused(admin_client, organisation, channel):
    response = admin_client.post(
        url("secret", organisation, channel_id=channel.pk),
        {"kind": SecretKind.BOT_TOKEN, f"{SecretKind.BOT_TOKEN}-value": "1:2"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.REFERENCE, Role.ANALYST])
def test_readers_of_the_registry_cannot_change_it(
    client, organisation, library, channel, member_factory, role
):
    client.force_login(member_factory(role=role).user)
    assert client.get(url("list", organisation)).status_code == 200
    assert client.get(url("detail", organisation, channel_id=channel.pk)).status_code == 200
    assert client.post(url("create", organisation), form_data(library)).status_code == 403
    assert client.post(url("archive", organisation, channel_id=channel.pk)).status_code == 403
    assert (
        client.post(
            url("secret", organisation, channel_id=channel.pk), {"kind": "user_token"}
        ).status_code
        == 403
    )


def test_limited_member_sees_only_their_libraries(client, organisation, library, member_factory):
    branch = LibraryFactory(organisation=organisation, name="Филиал № 4")
    mine = ChannelFactory(
        library=branch,
        name="Филиал в ОК",
        network=Network.OK,
        kind=Kind.PROFILE,
        url="ok.ru/profile/569188750053",
    )
    theirs = ChannelFactory(library=library, name="Центральная в ВК")
    client.force_login(member_factory(role=Role.EDITOR, libraries=[branch]).user)
    content = client.get(url("list", organisation)).content.decode()
    assert mine.name in content and theirs.name not in content
    assert client.get(url("detail", organisation, channel_id=theirs.pk)).status_code == 404
    response = client.post(url("create", organisation), form_data(library, url="vk.com/other"))
    assert response.status_code == 200  # the central library is not a valid choice
    assert not Channel.objects.filter(url="https://vk.com/other").exists()


def test_list_query_count_is_constant(
    admin_client, organisation, library, django_assert_max_num_queries
):
    for index in range(40):
        ChannelFactory(library=LibraryFactory(organisation=organisation), url=f"vk.com/c{index}")
    with django_assert_max_num_queries(10):
        assert admin_client.get(url("list", organisation)).status_code == 200
    with django_assert_max_num_queries(10):
        assert admin_client.get(url("export", organisation)).status_code == 200


def test_editor_edits_a_channel_and_the_change_is_audited(
    client, organisation, library, channel, member_factory
):
    from vitrina.core.models import AuditEntry

    editor = member_factory(role=Role.EDITOR).user
    client.force_login(editor)
    data = form_data(
        library, name="Медногорский винил", url="https://vk.com/vinilius", kind=Kind.PUBLIC_PAGE
    )
    response = client.post(url("edit", organisation, channel_id=channel.pk), data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="channel.changed")
    assert entry.actor == editor
    assert entry.changes["kind"] == ["group", "public"]
    assert entry.changes["subscribers"] == [None, 490]


def test_a_bad_address_is_told_on_the_first_submit_beside_other_errors(
    admin_client, organisation, library
):
    response = admin_client.post(
        url("create", organisation), form_data(library, name="", url="ftp://vk.com/x")
    )
    form = response.context["form"]
    assert "name" in form.errors
    assert form.errors["url"] == ["Это не веб-адрес. Пример: https://vk.com/medlib42"]
    assert not Channel.objects.exists()
