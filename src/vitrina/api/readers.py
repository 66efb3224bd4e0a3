"""Reader services over the API: linked readers and their consents, overdue loans,
renewal requests and a librarian's decision on one. Readers' data is for those who serve
readers; everyone else of the organisation gets the counts (``…/readers/counts``)."""

from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from vitrina.api.auth import membership_allowed, membership_or_404
from vitrina.api.errors import ApiError
from vitrina.api.pagination import Pagination
from vitrina.api.schemas import BodyIn, ErrorOut, Id, IsoDate, NetworkName
from vitrina.core import rules
from vitrina.core.models import Membership
from vitrina.core.timeplace import moment_at_place as at_place
from vitrina.readers import refusals
from vitrina.readers.models import Purpose, Reader, ReaderLink, ReminderKind, RenewalRequest
from vitrina.readers.selectors import debtors, linked
from vitrina.readers.selectors import renewals as selectors
from vitrina.readers.services import renewal_queue
from vitrina.readers.services.renewals import reason_of

router = Router(tags=["readers"])

GroupName = Literal[debtors.GROUP_KEYS]
RenewalState = Literal[tuple(RenewalRequest.State.values)]
RefusalCode = Literal[refusals.CODES]


class DialogOut(Schema):
    channel_id: int
    network: NetworkName
    state: Literal[tuple(ReaderLink.State.values)]
    linked_at: datetime


class ConsentsOut(Schema):
    reminders: bool
    renewals: bool
    recommendations: bool


class ReaderOut(Schema):
    id: int
    card: str
    library_id: int
    dialogs: list[DialogOut]
    consents: ConsentsOut = Field(..., description="A live consent to each purpose")


class ConsentsCountOut(Schema):
    reminders: int
    renewals: int
    recommendations: int


class OverdueCountOut(Schema):
    days_1_7: int
    days_8_30: int
    over_30: int
    total: int


class RenewalCountOut(Schema):
    pending: int
    renewed: int
    refused: int
    failed: int


class ReaderCountsOut(Schema):
    linked: int = Field(..., description="Readers linked to at least one dialog")
    active: int = Field(..., description="Of them, with a dialog messages reach")
    consents: ConsentsCountOut
    overdue: OverdueCountOut
    renewals: RenewalCountOut


class ReminderOut(Schema):
    kind: Literal[tuple(ReminderKind.values)]
    state: str
    sent_at: datetime | None
    result: str


class OverdueLoanOut(Schema):
    id: int
    reader_id: int
    card: str
    library_id: int
    loan_id: str
    title: str
    due: date
    days_overdue: int
    last_reminder: ReminderOut | None
    renewal_state: RenewalState | None


class RenewalOut(Schema):
    id: int
    reader_id: int
    card: str
    library_id: int
    loan_id: str
    title: str
    due: date
    source: Literal[tuple(RenewalRequest.Source.values)]
    state: RenewalState
    requested_at: datetime
    decided_at: datetime | None
    new_due: date | None
    refusal_code: str
    refusal_text: str = Field(
        ...,
        description="Refused: the reason as the reader was told it; failed: what went wrong",
    )


class DecisionIn(BodyIn):
    decision: Literal["confirm", "refuse"]
    new_due: IsoDate | None = Field(
        None,
        description=(
            "Confirming a request of a library system that does not renew by itself: the "
            "new due date (the librarian has renewed the loan there). Left out, the "
            "library's usual loan period is added."
        ),
    )
    code: RefusalCode | None = Field(None, description="Refusing: the reason")
    note: str = Field("", max_length=500, description="Refusing with `other`: the words")


def _server(request, org_slug: str) -> Membership:
    return membership_allowed(
        request,
        org_slug,
        rules.can_serve_readers,
        _("Your role sees the counts only: …/readers/counts."),
    )


class _Page:
    """A queryset the paginator slices before anything is read, each row turned into its
    answer: only the requested page is fetched."""

    def __init__(self, queryset, convert):
        self.queryset, self.convert = queryset, convert

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index: slice) -> list:
        return [self.convert(row) for row in self.queryset[index]]


def reader_out(reader: Reader) -> dict:
    live = {consent.purpose for consent in reader.live_consents}
    return {
        "id": reader.pk,
        "card": reader.card,
        "library_id": reader.library_id,
        "dialogs": [
            {
                "channel_id": link.channel_id,
                "network": link.channel.network,
                "state": link.state,
                "linked_at": at_place(link.linked_at, reader.library),
            }
            for link in reader.links.all()
        ],
        "consents": {purpose: purpose in live for purpose in Purpose.values},
    }


def overdue_out(loan) -> dict:
    reminder = None
    if loan.reminder_kind:
        reminder = {
            "kind": loan.reminder_kind,
            "state": loan.reminder_state,
            "sent_at": at_place(loan.reminder_sent_at, loan.reader.library),
            "result": loan.reminder_result or "",
        }
    return {
        "id": loan.pk,
        "reader_id": loan.reader_id,
        "card": loan.reader.card,
        "library_id": loan.reader.library_id,
        "loan_id": loan.loan_id,
        "title": loan.title,
        "due": loan.due,
        "days_overdue": debtors.days_overdue(loan),
        "last_reminder": reminder,
        "renewal_state": loan.renewal_state or None,
    }


def renewal_out(renewal: RenewalRequest) -> dict:
    library = renewal.reader.library
    return {
        "id": renewal.pk,
        "reader_id": renewal.reader_id,
        "card": renewal.reader.card,
        "library_id": renewal.reader.library_id,
        "loan_id": renewal.loan_id,
        "title": renewal.title,
        "due": renewal.due,
        "source": renewal.source,
        "state": renewal.state,
        "requested_at": at_place(renewal.requested_at, library),
        "decided_at": at_place(renewal.decided_at, library),
        "new_due": renewal.new_due,
        "refusal_code": renewal.refusal_code,
        "refusal_text": (
            reason_of(renewal)
            if renewal.state == RenewalRequest.State.REFUSED
            else renewal.refusal_text
        ),
    }


@router.get(
    "/organisations/{org_slug}/readers",
    response={200: list[ReaderOut], 403: ErrorOut, 404: ErrorOut},
    summary="Readers linked to a dialog, by card, with their consents",
)
@paginate(Pagination)
def reader_list(request, org_slug: str, library_id: Id | None = None):
    membership = _server(request, org_slug)
    return _Page(linked.linked_readers(membership, library_id=library_id), reader_out)


@router.get(
    "/organisations/{org_slug}/readers/counts",
    response={200: ReaderCountsOut, 404: ErrorOut},
    summary="How many readers are linked and consent, debts and renewal requests",
    description="For every role of the organisation, analysts included.",
)
def reader_counts(request, org_slug: str):
    membership = membership_or_404(request, org_slug)
    counts = linked.reader_counts(membership)
    overdue = debtors.debtor_counts(membership)
    return {
        **counts,
        "overdue": {
            "days_1_7": overdue["1-7"],
            "days_8_30": overdue["8-30"],
            "over_30": overdue["30+"],
            "total": overdue["total"],
        },
        "renewals": selectors.renewal_counts(membership),
    }


@router.get(
    "/organisations/{org_slug}/loans/overdue",
    response={200: list[OverdueLoanOut], 403: ErrorOut, 404: ErrorOut},
    summary="Overdue loans of linked readers, the longest overdue first",
    description=(
        "Days overdue are counted on each library's own clock; `group` keeps 1–7, 8–30 or "
        "more than 30 days. Each loan carries its last reminder and renewal request."
    ),
)
@paginate(Pagination)
def overdue_list(
    request, org_slug: str, group: GroupName | None = None, library_id: Id | None = None
):
    membership = _server(request, org_slug)
    loans = debtors.with_history(
        debtors.overdue_loans(membership, group=group or "", library_id=library_id)
    )
    return _Page(loans, overdue_out)


@router.get(
    "/organisations/{org_slug}/renewals",
    response={200: list[RenewalOut], 403: ErrorOut, 404: ErrorOut},
    summary="Renewal requests, the newest first",
)
@paginate(Pagination)
def renewal_list(request, org_slug: str, state: RenewalState | None = None):
    membership = _server(request, org_slug)
    return _Page(selectors.renewal_list(membership, state=state or ""), renewal_out)


@router.post(
    "/organisations/{org_slug}/renewals/{renewal_id}/decision",
    response={200: RenewalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Confirm or refuse a request waiting for a librarian",
    description=(
        "`confirm`: where the library system renews by itself it is asked now and gives "
        "the day (the answer may then be `refused` with its reason, or `failed` when the "
        "system did not answer); otherwise `new_due` records the day the loan was renewed "
        "to there. `refuse`: with a `code` (`other` with the reader's words in `note`). "
        "The reader is told in their dialog. A request already decided is a 409."
    ),
)
def renewal_decide(request, org_slug: str, renewal_id: Id, payload: DecisionIn):
    membership = _server(request, org_slug)
    renewal = selectors.renewal_get(membership=membership, pk=renewal_id)
    if renewal is None:
        raise ApiError(404, "not_found", _("No such renewal request."))
    if payload.decision == "confirm":
        new_due = payload.new_due
        if new_due is None:
            new_due = renewal_queue.default_new_due(renewal)
        renewal = renewal_queue.renewal_confirm(
            membership=membership, request=renewal, new_due=new_due
        )
    else:
        if payload.code is None:
            raise ApiError(400, "invalid", _("Choose a reason from the list."), {"field": "code"})
        renewal = renewal_queue.renewal_refuse(
            membership=membership, request=renewal, code=payload.code, note=payload.note
        )
    return renewal_out(renewal)
