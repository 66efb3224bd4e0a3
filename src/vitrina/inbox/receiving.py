"""Storing what readers write: each network event exactly once, before anything else."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from vitrina.channels.models import Channel
from vitrina.channels.providers.types import DIALOG_EVENTS, InboundEvent
from vitrina.core.audit import audit_record
from vitrina.inbox import dialog_hooks
from vitrina.inbox.models import (
    ChannelInbox,
    Direction,
    Message,
    Tag,
    Thread,
    ThreadKind,
    ThreadStatus,
    ThreadTag,
)
from vitrina.inbox.negativity import is_negative

logger = logging.getLogger(__name__)

# Where a reader's new message moves a thread that was not being worked on.
REOPEN = {ThreadStatus.CLOSED, ThreadStatus.WAITING}


def channel_inbox(channel: Channel) -> ChannelInbox:
    inbox, _created = ChannelInbox.objects.get_or_create(channel=channel)
    return inbox


def channel_inboxes(channels) -> dict[int, ChannelInbox]:
    """The inboxes the channels have so far, by channel id (a channel gets one on first use)."""
    return {
        inbox.channel_id: inbox
        for inbox in ChannelInbox.objects.filter(channel__in=[c.pk for c in channels])
    }


def hook_inbox(*, network: str, token: str) -> ChannelInbox | None:
    """The inbox a webhook address belongs to: its unguessable token, on a live channel of
    that network. The address is public, so nothing else finds it."""
    return (
        ChannelInbox.objects.select_related("channel__organisation")
        .filter(hook_token=token, channel__network=network, channel__archived_at__isnull=True)
        .first()
    )


def webhook_refused(*, inbox: ChannelInbox, reason: str, ip_address: str | None) -> None:
    """A request to the address without the network's secret: noted on the receiving page
    and kept in the audit log, once per channel and window: a flood of forged requests
    must not bury the log (nor fill the database)."""
    channel = inbox.channel
    ChannelInbox.objects.filter(pk=inbox.pk).update(refused_at=timezone.now())
    window = settings.WEBHOOK_REFUSED_AUDIT_SECONDS
    if not cache.add(f"webhook-refused:{channel.pk}", 1, timeout=window):
        return
    with transaction.atomic():
        audit_record(
            action="inbox.webhook_refused",
            organisation=channel.organisation,
            actor=None,
            obj=channel,
            changes={"reason": reason, "network": channel.network},
            ip_address=ip_address,
        )
    logger.warning("webhook of channel %s refused: %s", channel.pk, reason)


def _thread_for(channel: Channel, event: InboundEvent, at) -> Thread:
    lookup = {"channel": channel, "kind": event.kind, "external_thread": event.thread[:100]}
    thread = Thread.objects.select_for_update().filter(**lookup).first()
    if thread is not None:
        return thread
    try:
        with transaction.atomic():
            return Thread.objects.create(
                organisation_id=channel.organisation_id,
                reader_id=event.author_id[:100],
                reader_name=event.author_name[:200],
                last_message_at=at,
                first_inbound_at=at,
                awaiting_since=at,
                **lookup,
            )
    except IntegrityError:
        # Another worker created it at the same moment.
        return Thread.objects.select_for_update().get(**lookup)


def event_store(*, channel: Channel, event: InboundEvent) -> Message | None:
    """Store one reader's event; ``None`` when the network delivered it before."""
    if event.kind not in ThreadKind.values or not event.external_id:
        return None
    external_id = event.external_id[:100]
    repeated = Message.objects.filter(
        channel=channel, kind=event.kind, direction=Direction.IN, external_id=external_id
    )
    if repeated.exists():
        return None
    at = event.created_at or timezone.now()
    negative = is_negative(event.text)
    try:
        with transaction.atomic():
            thread = _thread_for(channel, event, at)
            message = Message.objects.create(
                thread=thread,
                channel=channel,
                kind=event.kind,
                direction=Direction.IN,
                external_id=external_id,
                text=event.text,
                author_id=event.author_id[:100],
                author_name=event.author_name[:200],
                reply_extra={k: v for k, v in event.raw.items() if k.startswith("reply_")},
                created_at=at,
                negative=negative,
            )
            updates = {"unread": F("unread") + 1}
            if negative:
                updates["flagged"] = True
                ThreadTag.objects.get_or_create(thread=thread, tag=Tag.COMPLAINT)
            if at > thread.last_message_at:
                updates["last_message_at"] = at
            if thread.awaiting_since is None:
                updates["awaiting_since"] = at
            if thread.status in REOPEN:
                updates["status"] = (
                    ThreadStatus.IN_PROGRESS if thread.assignee_id else ThreadStatus.NEW
                )
            Thread.objects.filter(pk=thread.pk).update(**updates)
    except IntegrityError:
        # The same event arrived twice at once; the other copy is stored.
        return None
    return message


def events_store(*, channel: Channel, events: list[InboundEvent]) -> int:
    stored = 0
    for event in events:
        if event.kind in DIALOG_EVENTS:
            dialog_hooks.dispatch(channel=channel, event=event)
            continue
        message = event_store(channel=channel, event=event)
        if message is not None:
            stored += 1
            if message.kind == ThreadKind.MESSAGE:
                dialog_hooks.dispatch(channel=channel, event=event, message=message)
    if stored:
        ChannelInbox.objects.filter(channel=channel).update(last_event_at=timezone.now())
    return stored
