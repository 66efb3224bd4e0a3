"""Readers' messages and comments received from the networks, and the library's replies.

Personal data (152-FZ): of a reader only the network's user id and display name are kept.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vitrina.channels.models import Channel
from vitrina.core.models import Membership, Organisation


def new_hook_token() -> str:
    return secrets.token_urlsafe(24)


class ReceiveMode(models.TextChoices):
    POLL = "poll", _("Polling")
    WEBHOOK = "webhook", _("Webhook")


class ChannelInbox(models.Model):
    """How a channel's events reach Vitrina, and where polling stopped."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="inbox")
    # The unguessable part of the channel's webhook address.
    hook_token = models.CharField(max_length=64, unique=True, default=new_hook_token)
    mode = models.CharField(
        _("receiving"), max_length=10, choices=ReceiveMode.choices, default=ReceiveMode.POLL
    )
    # VK Callback API answers its "confirmation" request with this code.
    confirmation_code = models.CharField(_("VK confirmation code"), max_length=64, blank=True)
    cursor = models.TextField(blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    poll_error = models.TextField(blank=True)
    # When a reader's event was last stored, however it came.
    last_event_at = models.DateTimeField(null=True, blank=True)
    # When a request to the webhook address was last refused (a wrong or missing secret).
    refused_at = models.DateTimeField(null=True, blank=True)
    # What the network answered when the address was last registered or removed.
    setup_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("channel inbox")
        verbose_name_plural = _("channel inboxes")

    def __str__(self) -> str:
        return str(self.channel)


class ThreadKind(models.TextChoices):
    MESSAGE = "message", _("Private message")
    COMMENT = "comment", _("Comment")


class ThreadStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the reader")
    CLOSED = "closed", _("Closed")


class Thread(models.Model):
    """A dialog with one reader, or the comments under one post."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="inbox_threads"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="inbox_threads")
    kind = models.CharField(_("kind"), max_length=10, choices=ThreadKind.choices)
    # The dialog (peer/user id) for messages, the post id for comments.
    external_thread = models.CharField(max_length=100)
    # The reader who wrote first (for comments, others may join under the same post).
    reader_id = models.CharField(_("reader's network id"), max_length=100)
    reader_name = models.CharField(_("reader's name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ThreadStatus.choices, default=ThreadStatus.NEW
    )
    assignee = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbox_threads",
        verbose_name=_("assignee"),
    )
    unread = models.PositiveIntegerField(default=0)
    # A complaint or a hostile message: a senior librarian answers or assigns it first.
    flagged = models.BooleanField(_("for a senior librarian"), default=False)
    last_message_at = models.DateTimeField()
    first_inbound_at = models.DateTimeField()
    first_answer_at = models.DateTimeField(null=True, blank=True)
    first_answer_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The oldest reader's message not answered yet; empty when the library has answered.
    awaiting_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "kind", "external_thread"], name="inbox_one_thread"
            )
        ]
        # The list is read newest first under one filter at a time: each filter has an
        # index that yields its threads already in that order, so neither the first page
        # nor the (capped) count reads the whole history.
        indexes = [
            models.Index(fields=["organisation", "-last_message_at", "-id"]),
            models.Index(fields=["organisation", "reader_id"]),
            models.Index(
                fields=["channel", "-last_message_at", "-id"], name="inbox_thread_channel_recent"
            ),
            models.Index(
                fields=["organisation", "status", "-last_message_at", "-id"],
                name="inbox_thread_status_recent",
            ),
            models.Index(
                fields=["assignee", "-last_message_at", "-id"], name="inbox_thread_assignee_recent"
            ),
            models.Index(
                fields=["organisation", "-last_message_at", "-id"],
                condition=Q(unread__gt=0),
                name="inbox_thread_unread_recent",
            ),
            models.Index(
                fields=["organisation", "-last_message_at", "-id"],
                condition=Q(flagged=True),
                name="inbox_thread_flagged_recent",
            ),
            models.Index(
                fields=["organisation", "awaiting_since"],
                condition=Q(awaiting_since__isnull=False) & ~Q(status="closed"),
                name="inbox_thread_awaiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.reader_label}"

    @property
    def title(self) -> str:
        """A dialog is named by its reader; the comments under a post by the post, since
        several readers write there."""
        if self.kind != ThreadKind.COMMENT:
            return self.reader_label
        post = getattr(self, "post_title", "")
        if post:
            return _("Comments on «%(post)s»") % {"post": post}
        return _("Comments on post %(post)s") % {"post": self.external_thread}

    @property
    def reader_label(self) -> str:
        """The reader's name, or ``id…`` while the network has not told it."""
        return self.reader_name or f"id{self.reader_id}"


class Direction(models.TextChoices):
    IN = "in", _("From the reader")
    OUT = "out", _("From the library")
    # Seen only by colleagues, never sent.
    NOTE = "note", _("Internal note")


class Tag(models.TextChoices):
    QUESTION = "question", _("Question")
    REVIEW = "review", _("Review")
    THANKS = "thanks", _("Thanks")
    COMPLAINT = "complaint", _("Complaint")
    RENEWAL = "renewal", _("Renewal request")
    REFERENCE = "reference", _("Reference inquiry")


class ThreadTag(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=12, choices=Tag.choices)

    class Meta:
        ordering = ["tag"]
        constraints = [models.UniqueConstraint(fields=["thread", "tag"], name="inbox_tag_once")]
        indexes = [models.Index(fields=["tag", "thread"])]

    def __str__(self) -> str:
        return self.get_tag_display()


class Delivery(models.TextChoices):
    RECEIVED = "", _("Received")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not delivered")


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ThreadKind.choices)
    direction = models.CharField(max_length=4, choices=Direction.choices)
    # The network's id: unique per channel and kind for what readers write, so a repeated
    # delivery (webhook retry, poll replay) is dropped by the database itself.
    external_id = models.CharField(max_length=100, blank=True)
    text = models.TextField()
    author_id = models.CharField(max_length=100, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    author_member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What a reply needs to land under this message (the network's reply_* fields).
    reply_extra = models.JSONField(default=dict, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, blank=True)
    negative = models.BooleanField(default=False)
    # Why a reply was not delivered, in plain words; the network's own text is kept for support.
    failure = models.TextField(blank=True)
    failure_detail = models.TextField(blank=True)
    # The reader's message a reply answers (a comment thread has several readers).
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "kind", "external_id"],
                condition=Q(direction="in"),
                name="inbox_inbound_once",
            )
        ]
        # Earlier conversations with a reader are found by what the reader wrote.
        indexes = [
            models.Index(
                fields=["author_id", "channel"],
                condition=Q(direction="in"),
                name="inbox_message_author",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def author_label(self) -> str:
        return self.author_name or f"id{self.author_id}"


class CannedAnswer(models.Model):
    """A prepared answer; ``{reader}``, ``{library}``, ``{channel}`` and ``{librarian}`` are
    filled in for the conversation it is used in."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="canned_answers"
    )
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="inbox_canned_title")
        ]

    def __str__(self) -> str:
        return self.title


class InquiryKind(models.TextChoices):
    THEMATIC = "thematic", _("Thematic (literature on a topic)")
    ADDRESS = "address", _("Address (whether and where a document is held)")
    CLARIFYING = "clarifying", _("Clarifying (completing or correcting a description)")
    FACTUAL = "factual", _("Factual (a fact, date, number or quotation)")


class ReferenceInquiry(models.Model):
    """A reader's question kept as a reference inquiry answered in virtual mode."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="reference_inquiries"
    )
    library = models.ForeignKey(
        "core.Library", on_delete=models.RESTRICT, related_name="reference_inquiries"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="inquiries")
    question = models.OneToOneField(
        Message, on_delete=models.CASCADE, related_name="inquiry", verbose_name=_("question")
    )
    kind = models.CharField(_("type"), max_length=12, choices=InquiryKind.choices)
    topic = models.CharField(_("topic"), max_length=300)
    answer = models.TextField(_("answer"), blank=True)
    sources = models.TextField(_("sources"), blank=True)
    answer_message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reference inquiry")
        verbose_name_plural = _("reference inquiries")
        indexes = [models.Index(fields=["organisation", "answered_at"])]

    def __str__(self) -> str:
        return self.topic
