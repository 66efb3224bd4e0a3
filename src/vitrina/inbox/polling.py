"""Asking the networks for new events, resuming from the stored cursor."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vitrina.channels.connect import channel_needs_reconnect, provider_account
from vitrina.channels.models import Channel
from vitrina.channels.networks import ConnectionState
from vitrina.channels.providers.errors import AuthExpired, ProviderError
from vitrina.channels.providers.registry import connectable_networks, get_provider
from vitrina.core.crypto import SecretUnreadable, decrypt, encrypt
from vitrina.inbox.models import ChannelInbox, ReceiveMode
from vitrina.inbox.names import events_name
from vitrina.inbox.receiving import channel_inbox, events_store

logger = logging.getLogger(__name__)


def pollable_channels():
    """Connected channels whose events Vitrina fetches itself (not sent by webhook).

    A channel whose last poll failed waits ``VITRINA_INBOX_POLL_RETRY_SECONDS`` before the
    next try: a network that is down is not asked every few seconds."""
    retry_after = timezone.now() - timedelta(seconds=settings.INBOX_POLL_RETRY_SECONDS)
    return (
        Channel.objects.filter(
            network__in=connectable_networks(),
            connection_state=ConnectionState.CONNECTED,
            archived_at__isnull=True,
        )
        .exclude(inbox__mode=ReceiveMode.WEBHOOK)
        .exclude(~Q(inbox__poll_error=""), inbox__polled_at__gt=retry_after)
        .select_related("organisation")
        .order_by("pk")
    )


# Every Fernet token starts so; a cursor stored before cursors were encrypted does not.
_FERNET_PREFIX = "gAAAAA"


def cursor_read(inbox: ChannelInbox) -> str | None:
    """The stored cursor in the clear. It is encrypted at rest like the tokens: a network's
    cursor may hold a secret (VK's Long Poll key lets anyone read the community's events)."""
    if not inbox.cursor:
        return None
    try:
        return decrypt(inbox.cursor)
    except SecretUnreadable:
        if not inbox.cursor.startswith(_FERNET_PREFIX):
            return inbox.cursor
        # Encrypted with a key no longer configured: start afresh; the unique key of the
        # stored events drops whatever comes again.
        return None


def channel_poll(*, channel: Channel, timeout: float = 0) -> int:
    """Fetch and store one batch of a channel's events; returns how many were new.

    The events and the cursor after them are saved in one transaction, so a restart asks
    the network again exactly from where the last stored batch ended; a batch fetched but
    not saved is fetched again and its repeats are dropped by the unique key.
    """
    inbox = channel_inbox(channel)
    provider = get_provider(channel.network)
    try:
        events, cursor = provider.fetch_updates(
            provider_account(channel), cursor_read(inbox), timeout=timeout
        )
    except ProviderError as error:
        message = str(error)[:500]
        ChannelInbox.objects.filter(pk=inbox.pk).update(
            poll_error=message, polled_at=timezone.now()
        )
        if isinstance(error, AuthExpired):
            # The token is refused: the channel waits for a person, polls stop until then.
            channel_needs_reconnect(channel=channel, reason=error.message)
        # Told once: the receiving page shows it until a poll succeeds; the same failure
        # again is no news for the log.
        level = logging.DEBUG if message == inbox.poll_error else logging.WARNING
        logger.log(level, "inbox poll of channel %s failed: %s", channel.pk, error)
        raise
    # Names are asked for before the transaction: no database lock waits on the network.
    events_name(channel, events)
    with transaction.atomic():
        stored = events_store(channel=channel, events=events)
        ChannelInbox.objects.filter(pk=inbox.pk).update(
            cursor=encrypt(cursor) if cursor else "", polled_at=timezone.now(), poll_error=""
        )
    return stored


def inbox_poll_all(*, timeout: float = 0) -> dict[int, int]:
    """One round over every pollable channel; a failing channel does not stop the others."""
    results = {}
    for channel in pollable_channels():
        try:
            results[channel.pk] = channel_poll(channel=channel, timeout=timeout)
        except ProviderError:
            results[channel.pk] = -1
    return results
