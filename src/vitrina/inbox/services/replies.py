"""Replies to readers: stored first (so none is lost), then sent through the channel's
provider; a failure stays in the conversation with its reason, and can be sent again."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels.connect import provider_account
from vitrina.channels.providers.errors import ProviderError
from vitrina.channels.providers.registry import get_provider
from vitrina.channels.providers.types import ReplyTarget
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership
from vitrina.inbox.models import Delivery, Direction, Message, Thread, ThreadStatus
from vitrina.inbox.rules import require_reply_allowed

MAX_REPLY = 4000


def latest_reader_message(thread: Thread) -> Message | None:
    return thread.messages.filter(direction=Direction.IN).order_by("-created_at", "-pk").first()


def reply_target(thread: Thread, *, answering: Message | None = None) -> ReplyTarget:
    """Where a reply lands: the dialog, or under the comment answered (the latest reader's
    comment unless the librarian chose another)."""
    answering = answering or latest_reader_message(thread)
    if answering is None:
        return ReplyTarget(thread.kind, thread.external_thread)
    return ReplyTarget(
        thread.kind, thread.external_thread, answering.external_id, dict(answering.reply_extra)
    )


def failure_texts(error: Exception) -> tuple[str, str]:
    """Why a reply failed in plain Russian for the librarian, and the network's own words
    (with its code) for support."""
    if isinstance(error, ProviderError):
        plain = error.summary or _("The network did not accept the reply.")
        raw = error.detail or error.message
        detail = f"{error.network} {error.code}: {raw}" if error.code is not None else raw
        return plain, detail.strip()
    return (getattr(error, "message", "") or str(error)), ""


def _deliver(message: Message) -> Message:
    """Send a stored reply through the channel's provider and record the outcome."""
    thread = message.thread
    channel = thread.channel
    target = reply_target(thread, answering=message.in_reply_to)
    try:
        external_id = get_provider(channel.network).reply(
            provider_account(channel), target, message.text
        )
    except (ProviderError, ServiceError) as error:
        message.delivery = Delivery.FAILED
        message.failure, message.failure_detail = failure_texts(error)
        message.save(update_fields=["delivery", "failure", "failure_detail"])
        return message
    now = timezone.now()
    message.delivery = Delivery.SENT
    message.failure = message.failure_detail = ""
    message.external_id = str(external_id)[:100]
    message.save(update_fields=["delivery", "failure", "failure_detail", "external_id"])
    updates = {"status": ThreadStatus.WAITING, "unread": 0, "awaiting_since": None}
    if thread.first_answer_at is None:
        updates["first_answer_at"] = now
        updates["first_answer_by"] = message.author_member
    Thread.objects.filter(pk=thread.pk).update(**updates)
    for name, value in updates.items():
        setattr(thread, name, value)
    return message


def reply_send(
    *, thread: Thread, membership: Membership, text: str, answering: Message | None = None
) -> Message:
    """Store the reply first (so it is never lost), then send it; a failure stays visible.

    ``answering``: the reader's message replied to (in a comment thread, whose comment);
    the latest reader's message when not given.
    """
    require_reply_allowed(membership, thread)
    if answering is not None and (
        answering.thread_id != thread.pk or answering.direction != Direction.IN
    ):
        raise ServiceError(_("Choose a reader's message of this conversation."), field="reply_to")
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the answer first."), field="text")
    if len(text) > MAX_REPLY:
        raise ServiceError(
            _("The answer is longer than %(limit)s characters.") % {"limit": MAX_REPLY},
            field="text",
        )
    with transaction.atomic():
        message = Message.objects.create(
            thread=thread,
            channel=thread.channel,
            kind=thread.kind,
            direction=Direction.OUT,
            text=text,
            author_member=membership,
            delivery=Delivery.SENDING,
            in_reply_to=answering or latest_reader_message(thread),
            created_at=timezone.now(),
        )
        Thread.objects.filter(pk=thread.pk).update(last_message_at=message.created_at)
        audit_record(
            action="inbox.reply",
            organisation=thread.organisation,
            actor=membership.user,
            obj=thread,
        )
    return _deliver(message)


def reply_retry(*, message: Message, membership: Membership) -> Message:
    require_reply_allowed(membership, message.thread)
    if message.direction != Direction.OUT or message.delivery != Delivery.FAILED:
        raise ServiceError(_("Only an undelivered answer can be sent again."), code="conflict")
    updated = Message.objects.filter(pk=message.pk, delivery=Delivery.FAILED).update(
        delivery=Delivery.SENDING
    )
    if not updated:
        raise ServiceError(_("This answer is being sent already."), code="conflict")
    message.delivery = Delivery.SENDING
    audit_record(
        action="inbox.reply_retry",
        organisation=message.thread.organisation,
        actor=membership.user,
        obj=message.thread,
    )
    return _deliver(message)
