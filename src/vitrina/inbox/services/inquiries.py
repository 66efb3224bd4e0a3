"""Reference inquiries: a reader's message kept as an inquiry, answered in the same
conversation, counted once the network took the answer."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership
from vitrina.inbox.models import (
    Delivery,
    Direction,
    InquiryKind,
    Message,
    ReferenceInquiry,
    Tag,
    ThreadTag,
)
from vitrina.inbox.rules import require_answerer
from vitrina.inbox.services.replies import reply_send


@transaction.atomic
def inquiry_create(
    *, message: Message, membership: Membership, kind: str, topic: str
) -> ReferenceInquiry:
    thread = message.thread
    require_answerer(membership, thread)
    if message.direction != Direction.IN:
        raise ServiceError(_("Only a reader's message can become a reference inquiry."))
    if ReferenceInquiry.objects.filter(question=message).exists():
        raise ServiceError(_("This message is a reference inquiry already."), code="conflict")
    if kind not in InquiryKind.values:
        raise ServiceError(_("Choose the type of the inquiry."), field="kind")
    topic = (topic or "").strip()
    # Invisible characters (a zero-width space pasted from a message) or punctuation alone
    # name no topic: the report lists inquiries by it.
    if not any(character.isalnum() for character in topic):
        raise ServiceError(_("Write the topic of the inquiry."), field="topic")
    inquiry = ReferenceInquiry.objects.create(
        organisation=thread.organisation,
        library=thread.channel.library,
        thread=thread,
        question=message,
        kind=kind,
        topic=topic[:300],
        created_by=membership,
    )
    ThreadTag.objects.get_or_create(thread=thread, tag=Tag.REFERENCE)
    audit_record(
        action="inbox.inquiry_created",
        organisation=thread.organisation,
        actor=membership.user,
        obj=inquiry,
    )
    return inquiry


def inquiry_answer(
    *, inquiry: ReferenceInquiry, membership: Membership, answer: str, sources: str, kind: str
) -> ReferenceInquiry:
    """Send the answer (with its sources) to the reader in the same conversation.

    The inquiry counts as done only once the network took the answer; a failed send stays
    in the conversation, where it can be sent again.
    """
    answer, sources = (answer or "").strip(), (sources or "").strip()
    if inquiry.answered_at:
        raise ServiceError(_("This inquiry is answered already."), code="conflict")
    if not answer:
        raise ServiceError(_("Write the answer first."), field="answer")
    if kind not in InquiryKind.values:
        raise ServiceError(_("Choose the type of the inquiry."), field="kind")
    label = _("Sources:")
    text = answer if not sources else f"{answer}\n\n{label}\n{sources}"
    # The answer goes under the question itself (in a comment thread, to its author).
    message = reply_send(
        thread=inquiry.thread, membership=membership, text=text, answering=inquiry.question
    )
    inquiry.answer, inquiry.sources, inquiry.kind = answer, sources, kind
    inquiry.answer_message = message
    fields = ["answer", "sources", "kind", "answer_message"]
    if message.delivery == Delivery.SENT:
        inquiry.answered_at = timezone.now()
        inquiry.answered_by = membership
        fields += ["answered_at", "answered_by"]
    inquiry.save(update_fields=fields)
    return inquiry


def inquiries_settle(message: Message) -> None:
    """Count inquiries whose answer was delivered on a later retry."""
    if message.delivery != Delivery.SENT:
        return
    ReferenceInquiry.objects.filter(answer_message=message, answered_at__isnull=True).update(
        answered_at=timezone.now(), answered_by=message.author_member
    )
