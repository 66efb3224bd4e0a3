"""The registry of networks: every provider declares the facts the rest of Vitrina asks for."""

import pytest

from vitrina.channels.networks import RECORD_ONLY_KINDS, Kind, Network, SecretKind
from vitrina.channels.providers import registry
from vitrina.channels.providers.base import Provider
from vitrina.channels.providers.types import Limits, ProviderAccount
from vitrina.sandbox.networks import network_names

CONNECTABLE = registry.connectable_networks()


def test_every_network_is_connectable_or_kept_for_the_record():
    assert set(CONNECTABLE) | set(RECORD_ONLY_KINDS) == set(Network.values)
    assert not set(CONNECTABLE) & set(RECORD_ONLY_KINDS)
    assert sorted(CONNECTABLE) == ["max", "ok", "telegram", "vk"]


def test_every_connectable_network_is_emulated_by_the_sandbox():
    assert sorted(network_names()) == sorted(CONNECTABLE)


@pytest.mark.parametrize("network", CONNECTABLE)
def test_a_provider_declares_its_network(network):
    cls = registry.provider_class(network)
    assert cls.network == network and cls.title
    assert cls.kinds and set(cls.kinds) <= set(Kind.values)
    assert registry.kinds_for(network) == list(cls.kinds)
    assert cls.limits.text > 0 and cls.limits.media > 0
    # Secrets: known kinds, one token name each, something a librarian can paste or OAuth.
    assert {spec.kind for spec in cls.secrets} <= set(SecretKind.values)
    assert len({spec.token for spec in cls.secrets}) == len(cls.secrets)
    assert cls.enterable_secrets() and all(spec.help for spec in cls.enterable_secrets())
    # Addresses: hosts of its own and an example that passes them.
    assert cls.address.hosts and cls.address.example.startswith("https://")
    assert cls.address.example.split("/")[2] in cls.address.hosts
    # Pace: a rate it really has, so publishing spaces posts at the network's limit.
    assert cls.pace_rate in cls.default_rates()
    # Receiving: every mode it offers is explained on the receiving page.
    receiving = cls.receiving
    assert receiving.webhook_help if receiving.webhooks else receiving.polling_help
    if not receiving.webhooks:
        assert receiving.no_webhooks
    if receiving.confirmation:
        assert receiving.webhooks and receiving.manual_setup
    # OAuth: a button and a flow, or neither.
    assert bool(cls.oauth_label) == (cls.oauth_flow("https://x/cb") is not None)


@pytest.mark.parametrize("network", CONNECTABLE)
def test_the_pace_is_a_little_over_the_networks_limit(network, settings):
    provider = registry.get_provider(network)
    rate = provider.rates[provider.pace_rate]
    assert provider.post_interval() == pytest.approx(1 / rate)


def test_record_only_networks_have_no_provider_but_kinds():
    for network in RECORD_ONLY_KINDS:
        assert registry.provider_class(network) is None
        assert not registry.is_connectable(network)
        assert registry.kinds_for(network) == RECORD_ONLY_KINDS[network]
    with pytest.raises(KeyError):
        registry.get_provider(Network.WEBSITE)


def test_capabilities_are_asked_not_named():
    assert registry.networks_where(lambda p: p.receiving.webhooks) == [
        n for n in CONNECTABLE if n != "ok"
    ]
    assert registry.networks_where(lambda p: p.limits.subscriber_reach) == ["telegram"]
    assert registry.networks_where(lambda p: not p.limits.polls) == ["max"]


@pytest.mark.parametrize(
    ("network", "external_id", "kind", "username", "expected"),
    [
        ("vk", "123", "community", "club123", "https://vk.com/wall-123_45"),
        ("vk", "547852393", "profile", "id547852393", "https://vk.com/wall547852393_45"),
        ("vk", "medlib42", "community", "medlib42", ""),  # no number yet
        ("ok", "70000001234567", "group", "", "https://ok.ru/group/70000001234567/topic/45"),
        ("ok", "561588730013", "profile", "", "https://ok.ru/profile/561588730013/statuses/45"),
        ("telegram", "-1001", "channel", "library_news", "https://t.me/library_news/45"),
        ("telegram", "-1001", "channel", "", ""),  # a private channel has no public link
        ("max", "-71000000001", "channel", "medlib42", ""),
    ],
)
def test_post_links_are_built_the_way_the_network_builds_them(
    network, external_id, kind, username, expected
):
    account = ProviderAccount(network, external_id, {}, {"kind": kind, "username": username})
    assert registry.provider_class(network).post_link(account, "45") == expected


def test_a_new_network_is_one_registered_class(monkeypatch):
    """What adding a network takes on the providers' side: a class that registers."""
    monkeypatch.setattr(registry, "_classes", dict(registry._classes))

    @registry.register
    class Books(Provider):
        network = "books"
        title = "Книжная сеть"
        limits = Limits(text=1000, caption=None, media=1, polls=False)
        kinds = (Kind.GROUP,)

    assert "books" in registry.connectable_networks()
    assert registry.kinds_for("books") == [Kind.GROUP]
    assert registry.provider_class("books") is Books
    assert registry.networks_where(lambda p: p.limits.media == 1) == ["books"]
