"""Canned answers' placeholders, filled for one conversation (their writes are
``services.canned``)."""

import re

from vitrina.core.models import Membership
from vitrina.inbox.models import Thread

PLACEHOLDERS = ("reader", "library", "channel", "librarian")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def canned_render(text: str, *, thread: Thread, membership: Membership) -> str:
    values = {
        "reader": thread.reader_name or "",
        "library": thread.channel.library.name,
        "channel": thread.channel.name,
        "librarian": membership.user.get_full_name() or membership.user.username,
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
