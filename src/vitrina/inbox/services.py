"""Every write of the inbox made by people: replies, status, assignment."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.channels.connect import provider_account
from vitrina.channels.providers.errors import ProviderError
from vitrina.channels.providers.registry import get_provider
from vitrina.channels.providers.types import ReplyTarget
from vitrina.core import rules
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership
from vitrina.inbox.models import (
    Delivery,
    Direction,
    Message,
    Tag,
    Thread,
    ThreadStatus,
    ThreadTag,
)

MAX_REPLY = 4000


def is_senior(membership: Membership) -> bool:
    """Senior librarians (administrators and editors) see to complaints first."""
    return rules.can_answer_readers(membership) and rules.can_publish(membership)


def require_answerer(membership: Membership, thread: Thread):
    if not rules.can_answer_readers(membership) or not rules.can_access_library(
        membership, thread.channel.library
    ):
        raise ServiceError(_("You may not answer readers of this channel."), code="forbidden")


def require_reply_allowed(membership: Membership, thread: Thread):
    require_answerer(membership, thread)
    if thread.flagged and not is_senior(membership) and thread.assignee_id != membership.pk:
        raise ServiceError(
            _(
                "This conversation looks like a complaint: a senior librarian answers it "
                "or assigns it to you first."
            ),
            code="forbidden",
        )


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


@transaction.atomic
def thread_update(
    *,
    thread: Thread,
    membership: Membership,
    status: str,
    assignee: Membership | None,
    tags: list[str] | None = None,
    flagged: bool | None = None,
) -> Thread:
    require_answerer(membership, thread)
    senior = is_senior(membership)
    if thread.flagged and not senior and thread.assignee_id != membership.pk:
        raise ServiceError(_("A senior librarian sees to this complaint first."), code="forbidden")
    if flagged is not None and flagged != thread.flagged and not senior:
        raise ServiceError(_("Only a senior librarian clears the complaint mark."), field="flagged")
    if status not in ThreadStatus.values:
        raise ServiceError(_("Unknown status."), field="status")
    if assignee is not None and (
        assignee.organisation_id != thread.organisation_id
        or not rules.can_answer_readers(assignee)
        or not rules.can_access_library(assignee, thread.channel.library)
    ):
        raise ServiceError(
            _("This colleague may not answer readers of this channel."), field="assignee"
        )
    changes = {}
    if thread.status != status:
        changes["status"] = [thread.status, status]
    if thread.assignee_id != (assignee.pk if assignee else None):
        changes["assignee"] = [str(thread.assignee or ""), str(assignee or "")]
    if tags is not None:
        unknown = set(tags) - set(Tag.values)
        if unknown:
            raise ServiceError(_("Unknown tag."), field="tags")
        current = set(thread.tags.values_list("tag", flat=True))
        if current != set(tags):
            changes["tags"] = [sorted(current), sorted(tags)]
            thread.tags.exclude(tag__in=tags).delete()
            ThreadTag.objects.bulk_create(
                [ThreadTag(thread=thread, tag=tag) for tag in set(tags) - current]
            )
    if flagged is not None and flagged != thread.flagged:
        changes["flagged"] = [thread.flagged, flagged]
        thread.flagged = flagged
    thread.status = status
    thread.assignee = assignee
    thread.save(update_fields=["status", "assignee", "flagged"])
    if changes:
        audit_record(
            action="inbox.thread_changed",
            organisation=thread.organisation,
            actor=membership.user,
            obj=thread,
            changes=changes,
        )
    return thread


def thread_mark_read(*, thread: Thread) -> None:
    if thread.unread:
        Thread.objects.filter(pk=thread.pk).update(unread=0)
        thread.unread = 0


@transaction.atomic
def note_add(*, thread: Thread, membership: Membership, text: str) -> Message:
    """An internal note for colleagues: kept in the thread, never sent to the reader."""
    require_answerer(membership, thread)
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the note first."), field="text")
    return Message.objects.create(
        thread=thread,
        channel=thread.channel,
        kind=thread.kind,
        direction=Direction.NOTE,
        text=text,
        author_member=membership,
        created_at=timezone.now(),
    )
