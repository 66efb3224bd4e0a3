"""Reads of the inbox, always scoped to the acting membership and its libraries."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from vitrina.channels.models import Channel
from vitrina.content.models import Variant
from vitrina.core.models import Library, Membership
from vitrina.core.roles import ROLE_PERMISSIONS, Permission
from vitrina.core.rules import can_answer_readers, limited_library_ids
from vitrina.inbox.models import (
    CannedAnswer,
    Direction,
    Message,
    ReferenceInquiry,
    Thread,
    ThreadKind,
    ThreadStatus,
)
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
    return thread.messages.select_related("author_member__user", "inquiry", "in_reply_to").order_by(
        "created_at", "pk"
    )


def message_get(*, membership: Membership, thread: Thread, pk: int) -> Message | None:
    return thread.messages.filter(pk=pk).select_related("thread__channel__library").first()


def unread_count(membership: Membership) -> int:
    return _scoped(membership).filter(unread__gt=0).count()


def overdue_count(membership: Membership) -> int:
    """Conversations waiting for a first answer longer than the organisation allows."""
    return thread_list(membership=membership, filters=ThreadFilter(overdue=True)).count()


def variant_title(variant: Variant) -> str:
    title = variant.post.title if variant.post_id else ""
    text = title or " ".join((variant.text or "").split())
    return text[:60] + ("…" if len(text) > 60 else "")


def threads_describe(threads) -> None:
    """Give a page of threads what the list shows besides their own fields: the post a
    comment thread is under (its title) and who wrote the negative comments of a flagged
    one. At most two queries, whatever the page holds."""
    comments = [thread for thread in threads if thread.kind == ThreadKind.COMMENT]
    for thread in threads:
        thread.complainants = []
    if not comments:
        return
    variants = Variant.objects.filter(
        channel_id__in={thread.channel_id for thread in comments},
        external_id__in={thread.external_thread for thread in comments},
    ).select_related("post")
    titles = {(v.channel_id, v.external_id): variant_title(v) for v in variants}
    for thread in comments:
        thread.post_title = titles.get((thread.channel_id, thread.external_thread), "")
    flagged = {thread.pk: thread for thread in comments if thread.flagged}
    if not flagged:
        return
    rows = (
        Message.objects.filter(thread_id__in=flagged, direction=Direction.IN, negative=True)
        .order_by("created_at", "pk")
        .values_list("thread_id", "author_id", "author_name")
    )
    for thread_id, author_id, author_name in rows:
        name = author_name or f"id{author_id}"
        if name not in flagged[thread_id].complainants:
            flagged[thread_id].complainants.append(name)


def thread_readers(thread: Thread) -> list[tuple[str, str]]:
    """Every reader who wrote in the thread, as (network id, name), first writer first."""
    readers = {}
    rows = (
        thread.messages.filter(direction=Direction.IN)
        .order_by("created_at", "pk")
        .values_list("author_id", "author_name")
    )
    for author_id, author_name in rows:
        if author_id and (author_id not in readers or not readers[author_id]):
            readers[author_id] = author_name
    return list(readers.items()) or [(thread.reader_id, thread.reader_name)]


def reader_other_threads(*, membership: Membership, thread: Thread) -> list[Thread]:
    """Other conversations of the readers who wrote in this thread, on the same network:
    found by what each of them wrote, so a reader who joined a comment thread later is
    looked up too. Only threads the membership may see; each names the reader it is with."""
    readers = dict(thread_readers(thread))
    channels = Channel.objects.filter(
        organisation=membership.organisation, network=thread.channel.network
    ).values_list("pk", flat=True)
    written = (
        Message.objects.filter(
            author_id__in=list(readers), channel_id__in=channels, direction=Direction.IN
        )
        .exclude(thread=thread)
        .values("thread_id")
    )
    others = list(
        _scoped(membership)
        .filter(pk__in=written)
        .select_related("channel")
        .order_by("-last_message_at", "-pk")[:10]
    )
    if not others:
        return others
    # Which of the readers each thread is with.
    pairs = (
        Message.objects.filter(
            thread_id__in=[other.pk for other in others],
            author_id__in=list(readers),
            direction=Direction.IN,
        )
        .values_list("thread_id", "author_id")
        .distinct()
    )
    found = {}
    for thread_id, author_id in pairs:
        found.setdefault(thread_id, []).append(readers[author_id] or f"id{author_id}")
    for other in others:
        other.with_readers = sorted(set(found.get(other.pk, [])))
    return others


def commented_variant(thread: Thread) -> Variant | None:
    """The variant Vitrina published that a comment thread belongs to, if any."""
    if thread.kind != "comment":
        return None
    return (
        Variant.objects.filter(channel=thread.channel, external_id=thread.external_thread)
        .select_related("post")
        .first()
    )


def answerers(membership: Membership, library: Library | None = None) -> QuerySet[Membership]:
    """Colleagues a thread may be assigned to: active members whose role answers readers,
    and, for a thread of ``library``, who are not limited to other libraries (the same
    rule ``thread_update`` holds an assignee to, so the list offers no one it refuses)."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Permission.ANSWER_READERS in perms]
    members = Membership.objects.filter(
        organisation=membership.organisation, is_active=True, role__in=roles
    )
    if library is not None:
        members = members.filter(Q(libraries__isnull=True) | Q(libraries=library)).distinct()
    return members.select_related("user").order_by(
        "user__last_name", "user__first_name", "user__username"
    )


def canned_list(membership: Membership) -> QuerySet:
    if not can_answer_readers(membership):
        return CannedAnswer.objects.none()
    return CannedAnswer.objects.filter(organisation=membership.organisation).order_by("title")


def canned_get(*, membership: Membership, pk: int):
    return canned_list(membership).filter(pk=pk).first()


def inquiry_list(membership: Membership) -> QuerySet:
    if not can_answer_readers(membership):
        return ReferenceInquiry.objects.none()
    inquiries = ReferenceInquiry.objects.filter(organisation=membership.organisation)
    limited = limited_library_ids(membership)
    if limited is not None:
        inquiries = inquiries.filter(library_id__in=limited)
    return inquiries.select_related("library", "thread__channel", "question")


def inquiry_get(*, membership: Membership, pk: int):
    return inquiry_list(membership).filter(pk=pk).first()


def inquiry_recent(membership: Membership, limit: int = 50) -> QuerySet:
    """The newest inquiries the membership sees."""
    return inquiry_list(membership).order_by("-created_at")[:limit]


def thread_tag_names(thread: Thread) -> list[str]:
    return [tag.tag for tag in thread.tags.all()]


def threads_started_between(
    membership: Membership, date_from: date, date_to: date, *, zone
) -> QuerySet[Thread]:
    """The threads the membership sees whose reader first wrote in the days (whole days in
    the zone), for response-time figures."""
    return _scoped(membership).filter(
        first_inbound_at__gte=datetime.combine(date_from, time.min, zone),
        first_inbound_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, zone),
    )
