"""Changes of a conversation: its status, assignee, tags and complaint mark, reading it,
and the notes colleagues leave in it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.core import rules
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership
from vitrina.inbox.models import Direction, Message, Tag, Thread, ThreadStatus, ThreadTag
from vitrina.inbox.rules import is_senior, require_answerer


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


def thread_tag_add(*, thread: Thread, tag: str) -> bool:
    """Tag a conversation on what its messages ask (a renewal request recognised in a
    reader's words); True when the tag is new. No person acts, so no audit entry."""
    if tag not in Tag.values:
        raise ServiceError(_("Unknown tag."), field="tags")
    _tag, created = ThreadTag.objects.get_or_create(thread=thread, tag=tag)
    return created


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
