"""Dialog events handed to the apps above the inbox, which register for them.

The inbox stores readers' messages; reader services (higher up) act on what happens in a
dialog — a deep link opened, a button pressed, messages denied, a message asking to renew —
without the inbox importing them. A handler registers from its app's ``ready()``::

    dialog_hooks.register(readers_dialog.handle)

and is called as ``handler(channel=…, event=…, message=…)`` for every event the network
delivered once: ``message`` is the stored inbox message for messages, None for dialog
events (``channels.providers.types.DIALOG_EVENTS``), which the inbox does not store.
A handler's failure is logged and never loses the event for the inbox.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_handlers: list[Callable] = []


def register(handler: Callable) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def dispatch(*, channel, event, message=None) -> None:
    for handler in list(_handlers):
        try:
            handler(channel=channel, event=event, message=message)
        except Exception:
            logger.exception("dialog handler %s failed on channel %s", handler, channel.pk)
