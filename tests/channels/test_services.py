from decimal import Decimal

import pytest

from tests.factories import LibraryFactory
from vitrina.channels import services
from vitrina.channels.models import ChannelSecret
from vitrina.channels.networks import ConnectionState, Kind, Network, SecretKind
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def create(organisation, admin, library, **fields):
    defaults = {
        "network": Network.VK,
        "kind": Kind.GROUP,
        "name": "Группа",
        "url": "vk.com/medlib42",
    }
    return services.channel_create(
        organisation=organisation, actor=admin, library=library, **{**defaults, **fields}
    )


def test_create_normalises_and_audits(organisation, admin, library):
    channel = create(
        organisation, admin, library, url="http://vk.com/id547852393", kind=Kind.PROFILE
    )
    assert channel.url == "https://vk.com/id547852393"
    assert channel.external_id == "547852393"
    assert channel.timezone == library.timezone
    entry = AuditEntry.objects.get(action="channel.created")
    assert entry.actor == admin and entry.changes["name"] == [None, "Группа"]


def test_record_only_networks_are_marked_so(organisation, admin, library):
    channel = create(
        organisation,
        admin,
        library,
        network=Network.OTHER,
        kind=Kind.PROFILE,
        url="https://www.instagram.com/medlib42/",
    )
    assert channel.connection_state == ConnectionState.RECORD_ONLY


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"url": "ok.ru/group/1"}, "url"),
        ({"kind": Kind.CHANNEL}, "kind"),
        ({"network": "myspace"}, "network"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_bad_input_is_refused_with_the_field(organisation, admin, library, fields, field):
    with pytest.raises(ServiceError) as error:
        create(organisation, admin, library, **fields)
    assert error.value.field == field


def test_duplicates_are_refused_even_when_written_differently(organisation, admin, library):
    create(organisation, admin, library, url="https://vk.com/medlib42")
    with pytest.raises(Conflict) as error:
        create(organisation, admin, library, url="m.vk.com/MEDLIB42/", name="Другая")
    assert (
        "уже есть в реестре" in error.value.message
        or "already in the registry" in error.value.message
    )


def test_duplicate_of_an_archived_channel_suggests_restoring(organisation, admin, library):
    channel = create(organisation, admin, library)
    services.channel_set_archived(channel=channel, actor=admin, archived=True)
    with pytest.raises(Conflict):
        create(organisation, admin, library)


def test_the_same_account_in_two_organisations_is_fine(organisation, admin, library):
    create(organisation, admin, library)
    other_library = LibraryFactory()
    create(other_library.organisation, admin, other_library)


def test_library_must_belong_to_the_organisation(organisation, admin):
    with pytest.raises(ServiceError):
        create(organisation, admin, LibraryFactory())


def test_update_records_what_changed(organisation, admin, library):
    channel = create(organisation, admin, library)
    services.channel_update(
        channel=channel, actor=admin, subscribers=490, posts_per_week=Decimal("4.5")
    )
    entry = AuditEntry.objects.get(action="channel.changed")
    assert entry.changes == {"posts_per_week": [None, "4.5"], "subscribers": [None, 490]}


def test_archive_and_restore(organisation, admin, library):
    channel = create(organisation, admin, library)
    services.channel_set_archived(channel=channel, actor=admin, archived=True)
    assert channel.is_archived
    services.channel_set_archived(channel=channel, actor=admin, archived=False)
    assert not channel.is_archived
    assert [e.action for e in AuditEntry.objects.order_by("id")][-2:] == [
        "channel.archived",
        "channel.restored",
    ]


def test_secrets_are_encrypted_and_audited_without_the_value(channel, admin):
    services.channel_secret_set(
        channel=channel, kind=SecretKind.COMMUNITY_TOKEN, value="vk1.a.secret-token", actor=admin
    )
    stored = ChannelSecret.objects.get()
    assert "secret-token" not in stored.ciphertext
    assert (
        services.channel_secret_value(channel=channel, kind=SecretKind.COMMUNITY_TOKEN)
        == "vk1.a.secret-token"
    )
    entry = AuditEntry.objects.get(action="channel.secret_set")
    assert "secret-token" not in str(entry.changes)
    services.channel_secret_clear(channel=channel, kind=SecretKind.COMMUNITY_TOKEN, actor=admin)
    assert services.channel_secret_value(channel=channel, kind=SecretKind.COMMUNITY_TOKEN) is None


def test_secret_with_spaces_is_refused(channel, admin):
    with pytest.raises(ServiceError):
        services.channel_secret_set(
            channel=channel, kind=SecretKind.BOT_TOKEN, value="12 34", actor=admin
        )


def test_secret_survives_key_rotation(channel, admin, settings):
    from cryptography.fernet import Fernet

    from vitrina.core import crypto

    services.channel_secret_set(
        channel=channel, kind=SecretKind.BOT_TOKEN, value="123:abc", actor=admin
    )
    settings.TOKEN_KEYS = [Fernet.generate_key().decode(), *settings.TOKEN_KEYS]
    crypto._fernet.cache_clear()
    try:
        assert (
            services.channel_secret_value(channel=channel, kind=SecretKind.BOT_TOKEN) == "123:abc"
        )
    finally:
        settings.TOKEN_KEYS = settings.TOKEN_KEYS[1:]
        crypto._fernet.cache_clear()


def test_connection_state_change_is_audited(channel):
    services.channel_set_connection_state(
        channel=channel, state=ConnectionState.NEEDS_RECONNECT, reason="VK 5"
    )
    entry = AuditEntry.objects.get(action="channel.connection_changed")
    assert entry.changes["connection_state"] == ["not_connected", "needs_reconnect"]


def test_the_registry_figures_are_set_and_audited_old_to_new(organisation, admin, library):
    channel = create(organisation, admin, library, subscribers=400, visits=10)
    services.channel_figures_set(
        channel=channel, subscribers=490, visits=1386, posts_per_week=Decimal("4.5")
    )
    channel.refresh_from_db()
    assert (channel.subscribers, channel.visits, channel.posts_per_week) == (
        490,
        1386,
        Decimal("4.5"),
    )
    assert channel.stats_updated_at is not None
    entry = AuditEntry.objects.get(action="channel.figures_changed")
    assert entry.actor is None and entry.object_id == str(channel.pk)
    assert entry.changes == {
        "posts_per_week": [None, "4.5"],
        "subscribers": [400, 490],
        "visits": [10, 1386],
    }
    # The same figures again (the next round of collection) leave no entry.
    services.channel_figures_set(
        channel=channel, subscribers=490, visits=1386, posts_per_week=Decimal("4.5"), actor=admin
    )
    assert AuditEntry.objects.filter(action="channel.figures_changed").count() == 1
