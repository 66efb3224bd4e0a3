"""Connecting channels to their networks.

Builds the providers' view of a channel from the registry and its encrypted tokens, stores
what an OAuth flow returns, checks what works, refreshes user tokens before they expire and,
when a network stops accepting a channel's token, marks it for reconnecting and tells the
organisation's administrators. What differs between networks (which secret is which token,
how an account is addressed, which flow connects it) is asked of the network's provider.
"""

import json
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels import sandbox_links, services
from vitrina.channels.models import Channel, ChannelSecret
from vitrina.channels.networks import ConnectionState, SecretKind
from vitrina.channels.providers.base import Provider
from vitrina.channels.providers.errors import AuthExpired, ProviderError
from vitrina.channels.providers.oauth import OAuthFlow, TokenSet
from vitrina.channels.providers.registry import get_provider, provider_class
from vitrina.channels.providers.types import ConnectionReport, ProviderAccount
from vitrina.core import crypto
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import User
from vitrina.core.notifications import members_with, notify
from vitrina.core.roles import Permission

logger = logging.getLogger(__name__)

# User tokens are refreshed when they have less than this left.
REFRESH_MARGIN = timedelta(minutes=15)


def _account_name(channel: Channel) -> str:
    """The account's part of its address: ``vk.com/medlib42`` → ``medlib42``."""
    path = urlsplit(channel.url or "").path.strip("/")
    return path.split("/")[-1] if path else ""


def _network(channel: Channel) -> type[Provider]:
    network = provider_class(channel.network)
    if network is None:
        raise ServiceError(_("Vitrina does not publish to this network."))
    return network


def public_account(channel: Channel) -> ProviderAccount:
    """The channel as its provider sees it, without any token: enough to build a post's
    link, never to call the network."""
    network = _network(channel)
    name = _account_name(channel)
    extra = {"kind": network.account_kind(channel.kind), "username": name}
    external_id = network.account_id(channel.external_id, name)
    return ProviderAccount(channel.network, external_id, {}, extra)


def provider_account(channel: Channel, *, refresh: bool = True) -> ProviderAccount:
    """The channel as its provider sees it, with decrypted tokens (refreshed if due)."""
    network = _network(channel)
    names = network.token_names()
    # One read of every secret: publishing builds an account for each post it sends.
    secrets = {
        secret.kind: secret
        for secret in ChannelSecret.objects.filter(
            channel=channel, kind__in=[*names, SecretKind.USER_TOKEN]
        )
    }
    user_secret = secrets.get(SecretKind.USER_TOKEN)
    expiring = (
        user_secret is not None
        and user_secret.expires_at is not None
        and (user_secret.expires_at - timezone.now() <= REFRESH_MARGIN)
    )
    if refresh and expiring and channel_refresh_token(channel=channel):
        return provider_account(channel, refresh=False)
    account = public_account(channel)
    account.tokens = {
        name: crypto.decrypt(secrets[kind].ciphertext)
        for kind, name in names.items()
        if kind in secrets
    }
    account.tokens.update(network.app_tokens())
    return account


def post_link(channel: Channel, external_id: str) -> str:
    """A post's public address built from the channel's and the post's ids, or ""."""
    network = provider_class(channel.network)
    if network is None or not external_id:
        return ""
    return sandbox_links.post_address(
        channel, external_id, network.post_link(public_account(channel), external_id)
    )


def dialog_link(channel: Channel, payload: str) -> str:
    """The address that opens the channel's private dialog with ``payload`` handed to it
    (a bot's deep link, ``vk.me`` with ``ref``), the sandbox's page in the demo; "" where
    the network has none."""
    network = provider_class(channel.network)
    if network is None:
        return ""
    return sandbox_links.dialog_address(
        channel, payload, network.dialog_link(public_account(channel), payload)
    )


def oauth_flow(network: str) -> OAuthFlow | None:
    """The network's authorisation flow, answering at Vitrina's fixed callback address
    (the one registered with the network), or None where a token is pasted instead."""
    cls = provider_class(network)
    if cls is None or not cls.oauth_label:
        return None
    callback = reverse("oauth-callback", kwargs={"network": cls.network})
    return cls.oauth_flow(settings.SITE_URL + callback)


def _expiry(tokens: TokenSet) -> datetime | None:
    return datetime.fromtimestamp(tokens.expires_at, UTC) if tokens.expires_at else None


@transaction.atomic
def channel_store_oauth_tokens(*, channel: Channel, tokens: TokenSet, actor: User | None):
    """Keep what an authorisation returned: the access token with its expiry and the
    refresh grant (the refresh token and, for VK ID, the device it was issued to)."""
    services.channel_secret_set(
        channel=channel,
        kind=SecretKind.USER_TOKEN,
        value=tokens.access_token,
        actor=actor,
        expires_at=_expiry(tokens),
    )
    if tokens.refresh_token:
        grant = {"refresh_token": tokens.refresh_token, "device_id": tokens.device_id}
        services.channel_secret_set(
            channel=channel,
            kind=SecretKind.REFRESH_TOKEN,
            value=json.dumps(grant, separators=(",", ":")),
            actor=actor,
        )


def channel_refresh_token(*, channel: Channel, force: bool = False) -> bool:
    """Refresh the user token if it expires soon; True when a new one was stored."""
    flow = oauth_flow(channel.network)
    if flow is None:
        return False
    secret = ChannelSecret.objects.filter(channel=channel, kind=SecretKind.USER_TOKEN).first()
    if secret is None or secret.expires_at is None:
        return False
    if not force and secret.expires_at - timezone.now() > REFRESH_MARGIN:
        return False
    raw = services.channel_secret_value(channel=channel, kind=SecretKind.REFRESH_TOKEN)
    if not raw:
        if secret.expires_at <= timezone.now():
            channel_needs_reconnect(channel=channel, reason=_("The access token has expired."))
        return False
    grant = json.loads(raw)
    try:
        tokens = flow.renew(grant)
    except AuthExpired as error:
        channel_needs_reconnect(channel=channel, reason=error.message)
        return False
    except ProviderError as error:
        logger.warning("refreshing the token of channel %s failed: %s", channel.pk, error.message)
        return False
    if not tokens.refresh_token:
        tokens.refresh_token = grant["refresh_token"]
    tokens.device_id = tokens.device_id or grant.get("device_id", "")
    channel_store_oauth_tokens(channel=channel, tokens=tokens, actor=None)
    return True


def channels_refresh_expiring() -> int:
    """Refresh every user token that expires soon (run it every few minutes)."""
    due = ChannelSecret.objects.filter(
        kind=SecretKind.USER_TOKEN,
        expires_at__lte=timezone.now() + REFRESH_MARGIN,
        channel__archived_at__isnull=True,
    ).select_related("channel")
    return sum(channel_refresh_token(channel=secret.channel) for secret in due)


@transaction.atomic
def channel_needs_reconnect(*, channel: Channel, reason: str, actor: User | None = None):
    """The network refused the channel's token: mark it and tell those who manage channels."""
    if channel.connection_state == ConnectionState.NEEDS_RECONNECT:
        return channel
    channel = services.channel_set_connection_state(
        channel=channel, state=ConnectionState.NEEDS_RECONNECT, actor=actor, reason=reason
    )
    text = _(
        "%(network)s no longer accepts the access of the channel “%(name)s”: %(reason)s "
        "Until it is reconnected, Vitrina does not publish there."
    ) % {"network": channel.get_network_display(), "name": channel.name, "reason": reason}
    notify(
        users=members_with(channel.organisation, Permission.MANAGE_CHANNELS),
        organisation=channel.organisation,
        text=text,
        url=reverse(
            "channels:detail", kwargs={"org": channel.organisation.slug, "channel_id": channel.pk}
        ),
    )
    return channel


def channel_check_connection(*, channel: Channel, actor: User | None) -> ConnectionReport:
    """Ask the network what works with the stored tokens; keep the verdict on the channel."""
    account = provider_account(channel)
    report = get_provider(channel.network).check_connection(account)
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel.pk)
        fields = []
        learned = report.details.get("id")
        keeps_id = provider_class(channel.network).learns_external_id
        if learned and not channel.external_id and keeps_id:
            channel.external_id = str(learned)
            fields.append("external_id")
        if report.followers is not None:
            channel.subscribers = report.followers
            channel.stats_updated_at = timezone.now()
            fields += ["subscribers", "stats_updated_at"]
        if fields:
            channel.save(update_fields=[*fields, "updated_at"])
        audit_record(
            action="channel.connection_checked",
            organisation=channel.organisation,
            actor=actor,
            obj=channel,
            changes={
                "can_post": [None, report.can_post],
                "can_read_stats": [None, report.can_read_stats],
                "can_message": [None, report.can_message],
                "problems": [None, report.problems],
            },
        )
        if report.auth_failed and not report.can_post:
            channel_needs_reconnect(channel=channel, reason=" ".join(report.problems), actor=actor)
        elif report.can_post:
            services.channel_set_connection_state(
                channel=channel, state=ConnectionState.CONNECTED, actor=actor
            )
    return report


def channel_secret_enter(
    *, channel: Channel, kind: str, value: str, actor: User | None
) -> tuple[ChannelSecret, str]:
    """Keep a pasted token once the network has accepted it; returns the secret and a
    warning ("" when the network confirmed it).

    The token is tried alone, so that another token of the channel (an expired user key)
    does not speak for it. A token the network refuses is not kept; when the network cannot
    be reached, the token is kept and the person is told it is not checked yet.
    """
    network = _network(channel)
    spec = network.secret_spec(kind)
    value = (value or "").strip()
    if spec is None or not value or any(character.isspace() for character in value):
        # The shape is the service's to judge, with its own messages.
        return services.channel_secret_set(channel=channel, kind=kind, value=value, actor=actor), ""
    account = public_account(channel)
    account.tokens = {spec.token: value, **network.app_tokens()}
    try:
        report = get_provider(channel.network).check_connection(account)
    except ProviderError as error:
        secret = services.channel_secret_set(channel=channel, kind=kind, value=value, actor=actor)
        warning = _(
            "The token is saved, but %(network)s could not be reached to check it (%(reason)s). "
            "Check the connection later on this page."
        ) % {"network": network.title, "reason": error.message}
        return secret, warning
    if report.auth_failed:
        raise ServiceError(
            _(
                "%(network)s does not accept this token: %(problems)s The token is not saved; "
                "copy it again, whole."
            )
            % {"network": network.title, "problems": " ".join(report.problems)},
            field="value",
        )
    secret = services.channel_secret_set(channel=channel, kind=kind, value=value, actor=actor)
    channel_check_connection(channel=channel, actor=actor)
    return secret, ""
