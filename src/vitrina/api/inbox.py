"""The inbox over the API: conversations, their messages, replies."""

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from vitrina.api.auth import membership_allowed
from vitrina.api.errors import ApiError
from vitrina.api.pagination import Pagination
from vitrina.api.schemas import BodyId, BodyIn, ErrorOut, Id, NetworkName
from vitrina.core import rules
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership
from vitrina.core.timeplace import moment_at_place as at_place
from vitrina.inbox import selectors
from vitrina.inbox.models import Delivery, Direction, Message, Thread, ThreadKind, ThreadStatus
from vitrina.inbox.services import replies

router = Router(tags=["inbox"])


class ThreadOut(Schema):
    id: int
    channel_id: int
    network: NetworkName
    kind: Literal[tuple(ThreadKind.values)]
    title: str
    reader_id: str
    reader_name: str
    negative_authors: list[str]
    status: Literal[tuple(ThreadStatus.values)]
    assignee_id: int | None
    unread: int
    flagged: bool
    tags: list[str]
    last_message_at: datetime
    first_answer_at: datetime | None


class MessageOut(Schema):
    id: int
    direction: Literal[tuple(Direction.values)]
    text: str
    author_id: str
    author_name: str
    author_member_id: int | None
    negative: bool
    in_reply_to_id: int | None
    delivery: Literal[tuple(Delivery.values)]
    failure: str
    failure_detail: str
    created_at: datetime


class ThreadDetailOut(ThreadOut):
    messages: list[MessageOut]


class ReplyIn(BodyIn):
    text: str = Field(..., min_length=1, max_length=10_000)
    # In a comment thread: the reader's comment answered (the latest when not given).
    reply_to: BodyId | None = None


def thread_out(thread: Thread) -> dict:
    return {
        "id": thread.pk,
        "channel_id": thread.channel_id,
        "network": thread.channel.network,
        "kind": thread.kind,
        "title": thread.title,
        "reader_id": thread.reader_id,
        "reader_name": thread.reader_name,
        "negative_authors": getattr(thread, "complainants", []),
        "status": thread.status,
        "assignee_id": thread.assignee_id,
        "unread": thread.unread,
        "flagged": thread.flagged,
        "tags": [tag.tag for tag in thread.tags.all()],
        "last_message_at": at_place(thread.last_message_at, thread),
        "first_answer_at": at_place(thread.first_answer_at, thread),
    }


class _Page:
    """A queryset the paginator slices before anything is read, each row turned into its
    answer: only the requested page is fetched, however long the history."""

    def __init__(self, queryset, convert):
        self.queryset, self.convert = queryset, convert

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index: slice) -> list:
        rows = list(self.queryset[index])
        selectors.threads_describe(rows)
        return [self.convert(row) for row in rows]


def message_out(message: Message, thread: Thread | None = None) -> dict:
    """A message; its time on the clock of the channel it came to (``thread``'s, when the
    caller has it, saves reading the channel for each message)."""
    return {
        "id": message.pk,
        "direction": message.direction,
        "text": message.text,
        "author_id": message.author_id,
        "author_name": message.author_name,
        "author_member_id": message.author_member_id,
        "negative": message.negative,
        "in_reply_to_id": message.in_reply_to_id,
        "delivery": message.delivery,
        "failure": message.failure,
        "failure_detail": message.failure_detail,
        "created_at": at_place(message.created_at, thread or message),
    }


def _answerer(request, org_slug: str) -> Membership:
    return membership_allowed(
        request,
        org_slug,
        rules.can_answer_readers,
        _("Your role may not read or answer readers' messages."),
    )


def _thread(membership: Membership, thread_id: int) -> Thread:
    thread = selectors.thread_get(membership=membership, pk=thread_id)
    if thread is None:
        raise ApiError(404, "not_found", _("No such conversation."))
    return thread


@router.get(
    "/organisations/{org_slug}/inbox/threads",
    response={200: list[ThreadOut], 403: ErrorOut, 404: ErrorOut},
    summary="Conversations and comment threads, newest first",
)
@paginate(Pagination)
def thread_list(
    request,
    org_slug: str,
    network: NetworkName | None = None,
    library_id: Id | None = None,
    channel_id: Id | None = None,
    status: ThreadStatus | None = None,
    unread: bool = False,
    flagged: bool = False,
):
    membership = _answerer(request, org_slug)
    filters = selectors.ThreadFilter(
        network=network or "",
        library_id=library_id,
        channel_id=channel_id,
        status=status.value if status else "",
        unread=unread,
        flagged=flagged,
    )
    return _Page(selectors.thread_list(membership=membership, filters=filters), thread_out)


@router.get(
    "/organisations/{org_slug}/inbox/threads/{thread_id}",
    response={200: ThreadDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="One conversation with its messages, replies and notes in order",
)
def thread_detail(request, org_slug: str, thread_id: Id):
    membership = _answerer(request, org_slug)
    thread = _thread(membership, thread_id)
    selectors.threads_describe([thread])
    data = thread_out(thread)
    data["messages"] = [message_out(m, thread) for m in selectors.thread_messages(thread)]
    return data


@router.post(
    "/organisations/{org_slug}/inbox/threads/{thread_id}/replies",
    response={201: MessageOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Answer the reader through the channel's network",
    description=(
        "The answer is stored first, then sent. When the network refuses it, the answer is "
        "returned with `delivery` = `failed`, the reason in plain Russian in `failure` and "
        "the network's own words in `failure_detail`. In a comment thread `reply_to` names "
        "the reader's comment answered (the latest when left out)."
    ),
)
def thread_reply(request, org_slug: str, thread_id: Id, payload: ReplyIn):
    membership = _answerer(request, org_slug)
    thread = _thread(membership, thread_id)
    answering = None
    if payload.reply_to is not None:
        answering = selectors.message_get(membership=membership, thread=thread, pk=payload.reply_to)
        if answering is None or answering.direction != "in":
            raise ApiError(
                400,
                "invalid",
                _("No such reader's message in this conversation."),
                {"field": "reply_to"},
            )
    try:
        message = replies.reply_send(
            thread=thread, membership=membership, text=payload.text, answering=answering
        )
    except ServiceError as error:
        if error.code == "forbidden":
            raise ApiError(403, "forbidden", error.message) from None
        raise
    return Status(201, message_out(message))
