"""One message into a reader's dialog, delivered at most once.

Replies to what a reader did (a pressed button, a linking request) are keyed by the event
they answer, so a network's repeat of the event or a retry never writes twice: the key
becomes the network's idempotency key (VK's ``random_id``). Reminders have their own
attempt log (``reminders``); this is for answers.
"""

import logging

from vitrina.channels.connect import provider_account
from vitrina.channels.models import Channel
from vitrina.channels.providers.errors import ProviderError, Undeliverable
from vitrina.channels.providers.registry import get_provider
from vitrina.channels.providers.types import Button, DirectMessage, SentMessage

logger = logging.getLogger(__name__)


def dialog_say(
    *, channel: Channel, user_id: str, text: str, key: str, buttons: list[Button] = ()
) -> SentMessage | None:
    """Write to the reader; None when the network refused or failed (logged, not raised:
    an answer that cannot be given must not break the handling of the reader's event).
    ``Undeliverable`` is raised, because the caller marks the dialog."""
    provider = get_provider(channel.network)
    message = DirectMessage(user_id=str(user_id), text=text, key=key, buttons=list(buttons))
    try:
        return provider.send_direct(provider_account(channel), message)
    except Undeliverable:
        raise
    except ProviderError as error:
        logger.warning("answer to a reader on channel %s not sent: %s", channel.pk, error.summary)
        return None
