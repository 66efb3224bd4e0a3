"""Reading what a network sends about readers, whatever arrives.

A webhook's body comes from anyone who knows the address, and a network's own events can
lack fields or carry values of another type. Each provider's ``event`` reads one event; the
helpers here turn a body into a JSON object or nothing, and any event that cannot be read
into ``Malformed`` instead of an exception in the middle of a request or a poll.
"""

import json
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from .types import InboundEvent

logger = logging.getLogger(__name__)


class Malformed(ValueError):
    """The event is not what the network documents: nothing of it is stored."""


def json_object(body: bytes) -> dict | None:
    """The body as a JSON object, or None when it is not valid JSON or not an object."""
    try:
        data = json.loads(body)
    except ValueError:  # includes bodies that are not UTF-8
        return None
    return data if isinstance(data, dict) else None


def moment(value, *, per_second: int = 1) -> datetime:
    """A network's Unix time (in seconds, or ``per_second`` parts of one) as UTC."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Malformed(f"not a time: {value!r}")
    try:
        return datetime.fromtimestamp(value / per_second, UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise Malformed(f"not a time: {value!r}") from error


def read_all(parse: Callable, update) -> list[InboundEvent]:
    """The events one update carries, read by ``parse`` (which returns an event, a list of
    them — a VK message that also opens a dialog — or None); ``Malformed`` when its shape or
    values are wrong."""
    if not isinstance(update, dict):
        raise Malformed("the event is not an object")
    try:
        found = parse(update)
    except Malformed:
        raise
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        raise Malformed(f"the event lacks or mistypes {error}") from error
    events = found if isinstance(found, list) else [found] if found is not None else []
    for event in events:
        if not all(
            isinstance(value, str)
            for value in (event.external_id, event.thread, event.text, event.author_id)
        ):
            raise Malformed("the event's ids or text are not strings")
    return events


def read_event(parse: Callable, update) -> InboundEvent | None:
    """One event read by ``parse``; ``Malformed`` when its shape or values are wrong."""
    events = read_all(parse, update)
    return events[0] if events else None


def read_events(
    parse: Callable[[dict], InboundEvent | None], updates: Iterable, *, network: str
) -> list[InboundEvent]:
    """The events of a poll that can be read; the others are logged and skipped, so that one
    odd event does not stop the channel's inbox."""
    events = []
    for update in updates if isinstance(updates, list) else []:
        try:
            events.extend(read_all(parse, update))
        except Malformed as error:
            logger.warning("%s: an event skipped: %s", network, error)
            continue
    return events
