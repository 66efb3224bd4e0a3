"""Reads of the inbox, always scoped to the acting membership and its libraries."""

from dataclasses import dataclass

from django.db.models import QuerySet

from vitrina.channels.models import Channel
from vitrina.content.models import Variant
from vitrina.core.models import Membership
from vitrina.core.rules import can_answer_readers, limited_library_ids
from vitrina.inbox.models import Message, Thread, ThreadStatus
from vitrina.inbox.response import overdue_cutoff


@dataclass
class ThreadFilter:
    network: str = ""
    library_id: int | None = None
    channel_id: int | None = None
    status: str = ""
    assignee_id: int | None = None
    unread: bool = False
    tag: str = ""
    overdue: bool = False
    flagged: bool = False


def _scoped(membership: Membership) -> QuerySet[Thread]:
    if not can_answer_readers(membership):
        return Thread.objects.none()
    threads = Thread.objects.filter(organisation=membership.organisation)
    limited = limited_library_ids(membership)
    if limited is not None:
        threads = threads.filter(channel__library_id__in=limited)
    return threads


def _channel_ids(membership: Membership, filters: ThreadFilter) -> list[int]:
    """The organisation's channels of the network or library filtered by: a short list that
    lets the database read threads newest first from the per-channel index instead of
    joining every thread to its channel."""
    channels = Channel.objects.filter(organisation=membership.organisation)
    if filters.network:
        channels = channels.filter(network=filters.network)
    if filters.library_id:
        channels = channels.filter(library_id=filters.library_id)
    return list(channels.order_by().values_list("pk", flat=True))


def thread_list(*, membership: Membership, filters: ThreadFilter | None = None):
    filters = filters or ThreadFilter()
    threads = _scoped(membership).select_related("channel__library", "assignee__user")
    threads = threads.prefetch_related("tags")
    if filters.network or filters.library_id:
        threads = threads.filter(channel_id__in=_channel_ids(membership, filters))
    if filters.channel_id:
        threads = threads.filter(channel_id=filters.channel_id)
    if filters.status:
        threads = threads.filter(status=filters.status)
    if filters.assignee_id:
        threads = threads.filter(assignee_id=filters.assignee_id)
    if filters.unread:
        threads = threads.filter(unread__gt=0)
    if filters.flagged:
        threads = threads.filter(flagged=True)
    if filters.tag:
        threads = threads.filter(tags__tag=filters.tag)
    if filters.overdue:
        threads = threads.filter(
            awaiting_since__lt=overdue_cutoff(membership.organisation.answer_working_days)
        ).exclude(status=ThreadStatus.CLOSED)
    return threads.order_by("-last_message_at", "-pk")


def thread_get(*, membership: Membership, pk: int) -> Thread | None:
    return (
        _scoped(membership)
        .filter(pk=pk)
        .select_related("channel__library", "organisation", "assignee__user")
        .first()
    )


def answerable_threads(membership: Membership) -> QuerySet[Thread]:
    """Every thread the membership sees, for response-time figures."""
    return _scoped(membership)


def thread_messages(thread: Thread) -> QuerySet[Message]:
    return thread.messages.select_related("author_member__user", "inquiry").order_by(
        "created_at", "pk"
    )


def message_get(*, membership: Membership, thread: Thread, pk: int) -> Message | None:
    return thread.messages.filter(pk=pk).select_related("thread__channel__library").first()


def unread_count(membership: Membership) -> int:
    return _scoped(membership).filter(unread__gt=0).count()


def reader_other_threads(*, membership: Membership, thread: Thread) -> QuerySet[Thread]:
    """Earlier conversations with the same reader on the same network."""
    return (
        _scoped(membership)
        .filter(channel__network=thread.channel.network, reader_id=thread.reader_id)
        .exclude(pk=thread.pk)
        .select_related("channel")
        .order_by("-last_message_at")[:10]
    )


def commented_variant(thread: Thread) -> Variant | None:
    """The variant Vitrina published that a comment thread belongs to, if any."""
    if thread.kind != "comment":
        return None
    return (
        Variant.objects.filter(channel=thread.channel, external_id=thread.external_thread)
        .select_related("post")
        .first()
    )


def answerers(membership: Membership) -> QuerySet[Membership]:
    """Colleagues a thread may be assigned to: active members whose role answers readers."""
    from vitrina.core.roles import ROLE_PERMISSIONS, Permission

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Permission.ANSWER_READERS in perms]
    return (
        Membership.objects.filter(
            organisation=membership.organisation, is_active=True, role__in=roles
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def canned_list(membership: Membership) -> QuerySet:
    from vitrina.inbox.models import CannedAnswer

    if not can_answer_readers(membership):
        return CannedAnswer.objects.none()
    return CannedAnswer.objects.filter(organisation=membership.organisation).order_by("title")


def canned_get(*, membership: Membership, pk: int):
    return canned_list(membership).filter(pk=pk).first()


def inquiry_list(membership: Membership) -> QuerySet:
    from vitrina.inbox.models import ReferenceInquiry

    if not can_answer_readers(membership):
        return ReferenceInquiry.objects.none()
    inquiries = ReferenceInquiry.objects.filter(organisation=membership.organisation)
    limited = limited_library_ids(membership)
    if limited is not None:
        inquiries = inquiries.filter(library_id__in=limited)
    return inquiries.select_related("library", "thread__channel", "question")


def inquiry_get(*, membership: Membership, pk: int):
    return inquiry_list(membership).filter(pk=pk).first()
