"""What happens in a reader's dialog, routed to the part of reader services it concerns.

The inbox hands every dialog event and every stored message here (``inbox.dialog_hooks``).
A button's payload is ``verb`` or ``verb:argument`` (``renew:15``, ``books``); each part of
the app registers the verbs it answers (``on_button``) and the phrases it recognises in a
reader's own words (``on_words``), so this module knows none of them.

Handlers are called as ``handler(channel=…, event=…, argument=…)`` for buttons and
``handler(channel=…, event=…, message=…)`` for words and dialog events; each event is acted
on once (``DialogEvent``), however often the network delivers it.
"""

import logging
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction

from vitrina.readers.models import DialogEvent

logger = logging.getLogger(__name__)

# Button payloads every part agrees on.
LINK = "link"  # open the linking page
BOOKS = "books"  # «Мои книги»: the reader's current loans
RENEW = "renew"  # «Продлить»: ``renew:<loan id>`` or ``renew`` for all due soon
WITHDRAW = "withdraw"  # withdraw consent, stop everything
MY_DATA = "mydata"  # what Vitrina holds about me: export or delete

_buttons: dict[str, Callable] = {}
_words: list[tuple[re.Pattern, Callable]] = []
_events: dict[str, list[Callable]] = {}


def on_button(verb: str, handler: Callable) -> None:
    _buttons[verb] = handler


def on_words(pattern: str, handler: Callable) -> None:
    """``pattern`` is a regular expression searched case-insensitively in the message."""
    compiled = re.compile(pattern, re.IGNORECASE)
    if all(existing.pattern != pattern for existing, _ in _words):
        _words.append((compiled, handler))


def on_event(kind: str, handler: Callable) -> None:
    """``dialog_started``, ``dialog_allowed``, ``dialog_stopped``."""
    handlers = _events.setdefault(kind, [])
    if handler not in handlers:
        handlers.append(handler)


def first_time(channel, event) -> bool:
    """True once per event: the network's repeats are dropped."""
    key = event.external_id or ""
    if not key:
        return True
    try:
        with transaction.atomic():
            DialogEvent.objects.create(channel=channel, external_id=key[:100])
    except IntegrityError:
        return False
    return True


def handle(*, channel, event, message=None) -> None:
    """The inbox's hook: route one event or message."""
    if event.kind == "message":
        for pattern, handler in _words:
            # A handler that returns False leaves the words to the next one that matches.
            if (
                pattern.search(event.text or "")
                and handler(channel=channel, event=event, message=message) is not False
            ):
                return
        return
    if not first_time(channel, event):
        return
    if event.kind == "button":
        verb, _, argument = (event.text or "").partition(":")
        handler = _buttons.get(verb)
        if handler is None:
            logger.info("button %r of channel %s has no handler", verb, channel.pk)
            return
        handler(channel=channel, event=event, argument=argument)
        return
    for handler in _events.get(event.kind, []):
        handler(channel=channel, event=event, message=None)
