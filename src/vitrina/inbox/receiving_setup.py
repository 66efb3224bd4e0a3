"""Choosing how a channel's inbox receives: Vitrina polls the network, or the network posts
to the channel's webhook address.

Switching to the webhook generates a fresh secret, stores it encrypted like the channel's
tokens and registers the address with the network (Telegram ``setWebhook``, MAX
``POST /subscriptions``, VK Callback API server); switching back removes the registration so
that polling can take over. Network calls are made outside any transaction: VK checks a new
address at once by asking it for the confirmation code, which must already be stored.
"""

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from vitrina.channels.connect import provider_account
from vitrina.channels.models import Channel
from vitrina.channels.networks import ConnectionState, SecretKind
from vitrina.channels.providers.errors import ProviderError
from vitrina.channels.providers.registry import get_provider, provider_class
from vitrina.channels.services import channel_secret_set, channel_secret_value
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import User
from vitrina.inbox.models import ChannelInbox, ReceiveMode
from vitrina.inbox.receiving import channel_inbox

logger = logging.getLogger(__name__)


def receives_webhooks(channel: Channel) -> bool:
    """Whether the channel's network can post events to Vitrina (otherwise polling only)."""
    network = provider_class(channel.network)
    return network is not None and network.receiving.webhooks


def webhook_url(inbox: ChannelInbox) -> str:
    """The public address the network posts this channel's events to."""
    kwargs = {"network": inbox.channel.network, "token": inbox.hook_token}
    return settings.SITE_URL + reverse("inbox-hook", kwargs=kwargs)


def new_webhook_secret() -> str:
    # Letters and digits only: every network accepts them (Telegram allows A-Z, a-z, 0-9, _ -).
    return secrets.token_hex(16)


@dataclass
class Outcome:
    inbox: ChannelInbox
    # Something the librarian should still do or know (Russian), or "".
    warning: str = ""


def _check_channel(channel: Channel) -> None:
    if channel.archived_at is not None:
        raise ServiceError("Канал в архиве: входящие для него не принимаются.")
    if channel.connection_state != ConnectionState.CONNECTED:
        raise ServiceError("Сначала подключите канал: без ключа сеть не примет настройку.")


def _refused(action: str, error: ProviderError) -> str:
    return f"Не удалось {action}. {error.message or error}"


def _record(inbox: ChannelInbox, *, actor, before: str, changes: dict, error: str = "") -> None:
    inbox.setup_error = error
    inbox.save(update_fields=["mode", "confirmation_code", "setup_error"])
    if before != inbox.mode:
        changes["mode"] = [before, inbox.mode]
    audit_record(
        action="inbox.receiving_changed",
        organisation=inbox.channel.organisation,
        actor=actor,
        obj=inbox.channel,
        changes=changes,
    )


def _fail(inbox: ChannelInbox, message: str, *, actor) -> ServiceError:
    ChannelInbox.objects.filter(pk=inbox.pk).update(setup_error=message)
    audit_record(
        action="inbox.receiving_failed",
        organisation=inbox.channel.organisation,
        actor=actor,
        obj=inbox.channel,
        changes={"error": [None, message]},
    )
    logger.warning("receiving setup of channel %s failed: %s", inbox.channel_id, message)
    return ServiceError(message)


def receiving_to_webhook(
    *, channel: Channel, actor: User | None, confirmation_code: str = ""
) -> Outcome:
    """Let the network post the channel's events to its webhook address.

    For VK a pasted ``confirmation_code`` means the librarian adds the server in the
    community's settings by hand; without it Vitrina asks VK for the code and adds the
    server itself with the community token.
    """
    network = provider_class(channel.network)
    if network is None or not network.receiving.webhooks:
        raise ServiceError(
            (network.receiving.no_webhooks if network else "")
            or "Эта сеть не присылает события: входящие получают только опросом."
        )
    _check_channel(channel)
    confirmation_code = (confirmation_code or "").strip()
    if confirmation_code and (
        not network.receiving.confirmation
        or len(confirmation_code) > 64
        or " " in confirmation_code
    ):
        raise ServiceError(
            "Код подтверждения — строка из настроек Callback API сообщества, без пробелов.",
            field="confirmation_code",
        )
    inbox = channel_inbox(channel)
    before, url = inbox.mode, webhook_url(inbox)
    provider = get_provider(channel.network)
    # Stored before the network knows it, so that its first event is not refused; put back
    # when the network refuses, as the registration it already holds is still in force.
    previous = channel_secret_value(channel=channel, kind=SecretKind.WEBHOOK_SECRET)
    secret = new_webhook_secret()
    channel_secret_set(channel=channel, kind=SecretKind.WEBHOOK_SECRET, value=secret, actor=actor)
    account = provider_account(channel)

    def refused(message: str) -> ServiceError:
        if previous:
            channel_secret_set(
                channel=channel, kind=SecretKind.WEBHOOK_SECRET, value=previous, actor=actor
            )
        return _fail(inbox, message, actor=actor)

    changes = {"address": [None, url]}
    if network.receiving.confirmation:
        if confirmation_code:
            # Set up by hand in the network: store the code, the network checks the address
            # when the librarian confirms it there.
            if inbox.confirmation_code != confirmation_code:
                changes["confirmation_code"] = [inbox.confirmation_code or None, "…"]
            inbox.confirmation_code = confirmation_code
            inbox.mode = ReceiveMode.WEBHOOK
            _record(inbox, actor=actor, before=before, changes=changes)
            return Outcome(inbox, network.receiving.manual_setup)
        try:
            code = provider.confirmation_code(account)
        except ProviderError as error:
            raise refused(
                _refused(f"получить код подтверждения {network.title}", error)
                + " Добавьте сервер в настройках сообщества вручную и вставьте код."
            ) from error
        if inbox.confirmation_code != code:
            changes["confirmation_code"] = [inbox.confirmation_code or None, "…"]
        ChannelInbox.objects.filter(pk=inbox.pk).update(confirmation_code=code)
        inbox.confirmation_code = code
    try:
        provider.webhook_register(account, url, secret)
    except ProviderError as error:
        raise refused(_refused(f"зарегистрировать адрес в {network.title}", error)) from error
    inbox.mode = ReceiveMode.WEBHOOK
    _record(inbox, actor=actor, before=before, changes=changes)
    return Outcome(inbox)


def receiving_to_polling(*, channel: Channel, actor: User | None) -> Outcome:
    """Remove the webhook registration and let Vitrina poll the network again.

    The stored cursor is kept: polling resumes where it stopped, and whatever came by webhook
    in between is dropped as a repeat when polling sees it again.
    """
    inbox = channel_inbox(channel)
    before, url = inbox.mode, webhook_url(inbox)
    warning = ""
    if receives_webhooks(channel) and channel.connection_state == ConnectionState.CONNECTED:
        provider = get_provider(channel.network)
        try:
            provider.webhook_unregister(provider_account(channel), url)
        except ProviderError as error:
            message = _refused(f"убрать адрес из {provider.title}", error)
            if not provider.receiving.polling_beside_webhook:
                # Telegram gives no updates to polling while a webhook is set, MAX none
                # while subscribed: stay on the webhook rather than lose messages.
                raise _fail(inbox, message, actor=actor) from error
            # Polling works next to the webhook (VK's Long Poll): poll anyway, say what
            # remains to be removed by hand.
            warning = message + " " + provider.receiving.manual_removal
    inbox.mode = ReceiveMode.POLL
    _record(inbox, actor=actor, before=before, changes={"address": [url, None]}, error=warning)
    return Outcome(inbox, warning)


def webhook_secret_shown(channel: Channel) -> str:
    """The secret the librarian pastes into the network's settings when setting the
    webhook up by hand (VK's Callback API); other networks receive it from Vitrina."""
    network = provider_class(channel.network)
    if network is None or not network.receiving.confirmation:
        return ""
    return channel_secret_value(channel=channel, kind=SecretKind.WEBHOOK_SECRET) or ""
