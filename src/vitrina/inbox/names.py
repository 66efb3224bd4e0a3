"""Readers' names for networks whose events carry only an id (VK).

Names are asked for in one batched call per set of events, through the channel's provider
(so its rate limiter applies), and cached: a reader who writes again costs nothing. When the
network does not answer, the reader stays unnamed and is shown as ``id…``.
"""

import logging

from django.core.cache import cache

from vitrina.channels.connect import provider_account
from vitrina.channels.models import Channel
from vitrina.channels.providers.errors import ProviderError
from vitrina.channels.providers.registry import get_provider
from vitrina.channels.providers.types import InboundEvent
from vitrina.inbox.models import Direction, Message, Thread

logger = logging.getLogger(__name__)

NAME_SECONDS = 7 * 24 * 3600
# A page without a name (deleted, blocked) is asked about again after this.
UNNAMED_SECONDS = 3600
# Stored messages without a name looked at when filling names in the background.
FILL_LIMIT = 200
# A burst of webhooks asks for names once per channel in this many seconds: the lookup
# runs when the window closes and names everything that arrived in it.
NAMES_WINDOW_SECONDS = 5


def _key(network: str, reader_id: str) -> str:
    return f"inbox:reader-name:{network}:{reader_id}"


def reader_names(channel: Channel, reader_ids) -> dict[str, str]:
    """Names of the readers, from the cache or one call to the network; ids it could not
    name are left out."""
    wanted = [str(i) for i in dict.fromkeys(reader_ids) if i]
    if not wanted:
        return {}
    keys = {_key(channel.network, i): i for i in wanted}
    known = {keys[k]: v for k, v in cache.get_many(list(keys)).items()}
    missing = [i for i in wanted if i not in known]
    if missing:
        try:
            found = get_provider(channel.network).user_names(provider_account(channel), missing)
        except ProviderError as error:
            logger.warning("reader names of channel %s not resolved: %s", channel.pk, error)
            found = None
        if found is not None:
            cache.set_many({_key(channel.network, i): n for i, n in found.items()}, NAME_SECONDS)
            cache.set_many(
                {_key(channel.network, i): "" for i in missing if i not in found},
                UNNAMED_SECONDS,
            )
            known.update({i: found.get(i, "") for i in missing})
    return {i: name for i, name in known.items() if name}


def stored_names_fill(channel: Channel, names: dict[str, str]) -> None:
    """Give the readers' earlier messages and conversations the names found now."""
    for reader_id, name in names.items():
        Message.objects.filter(
            channel=channel, direction=Direction.IN, author_id=reader_id, author_name=""
        ).update(author_name=name[:200])
        Thread.objects.filter(channel=channel, reader_id=reader_id, reader_name="").update(
            reader_name=name[:200]
        )


def events_name(channel: Channel, events: list[InboundEvent]) -> None:
    """Fill the author's name of events that came without one (polling, before storing)."""
    unnamed = [event.author_id for event in events if not event.author_name and event.author_id]
    if not unnamed:
        return
    names = reader_names(channel, unnamed)
    for event in events:
        if not event.author_name:
            event.author_name = names.get(event.author_id, "")
    stored_names_fill(channel, names)


def names_later(channel_id: int) -> None:
    """Ask for the names of a webhook's readers after the answer, at most once per channel
    and window, so a burst of events costs one lookup instead of one per event."""
    # The tasks module imports this one: the task is needed only to queue it.
    from vitrina.inbox.tasks import inbox_names_task

    if cache.add(f"inbox:names-pending:{channel_id}", 1, NAMES_WINDOW_SECONDS):
        inbox_names_task.apply_async((channel_id,), countdown=NAMES_WINDOW_SECONDS)


def names_fill_missing(channel: Channel) -> int:
    """Name the channel's recently stored readers that have no name yet (after a webhook,
    in the background); returns how many readers got a name."""
    ids = list(
        Message.objects.filter(channel=channel, direction=Direction.IN, author_name="")
        .exclude(author_id="")
        .order_by("-pk")
        .values_list("author_id", flat=True)[:FILL_LIMIT]
    )
    names = reader_names(channel, ids)
    stored_names_fill(channel, names)
    return len(names)
