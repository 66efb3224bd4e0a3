"""Canned answers: saved and deleted by those who answer readers."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vitrina.core import rules
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import Membership
from vitrina.inbox.canned import PLACEHOLDER, PLACEHOLDERS
from vitrina.inbox.models import CannedAnswer


def _check(membership: Membership, title: str, text: str) -> tuple[str, str]:
    if not rules.can_answer_readers(membership):
        raise ServiceError(_("You may not change canned answers."), code="forbidden")
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise ServiceError(_("Give the answer a title."), field="title")
    if not text:
        raise ServiceError(_("Write the answer's text."), field="text")
    unknown = {name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS}
    if unknown:
        raise ServiceError(
            _("Unknown placeholder: %(names)s. Use {reader}, {library}, {channel}, {librarian}.")
            % {"names": ", ".join(sorted(unknown))},
            field="text",
        )
    return title, text


def canned_save(
    *, membership: Membership, title: str, text: str, answer: CannedAnswer | None = None
) -> CannedAnswer:
    title, text = _check(membership, title, text)
    answer = answer or CannedAnswer(organisation=membership.organisation)
    answer.title, answer.text = title, text
    try:
        with transaction.atomic():
            answer.save()
            audit_record(
                action="inbox.canned_saved",
                organisation=membership.organisation,
                actor=membership.user,
                obj=answer,
            )
    except IntegrityError:
        raise ServiceError(_("An answer with this title exists already."), field="title") from None
    return answer


@transaction.atomic
def canned_delete(*, membership: Membership, answer: CannedAnswer) -> None:
    if not rules.can_answer_readers(membership):
        raise ServiceError(_("You may not change canned answers."), code="forbidden")
    audit_record(
        action="inbox.canned_deleted",
        organisation=membership.organisation,
        actor=membership.user,
        obj=answer,
    )
    answer.delete()
