"""Reads of renewals: the librarians' queue, requests by state, a dialog's reader and
whether they consented to renewals."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from vitrina.catalog.connectors.circulation import IlsError, Patron
from vitrina.core import rules
from vitrina.core.models import Membership
from vitrina.readers.circulation import circulation_for
from vitrina.readers.models import Consent, Loan, Purpose, Reader, ReaderLink, RenewalRequest
from vitrina.readers.renewal_words import asks_renewal
from vitrina.readers.selectors._common import library_scope

OPEN = (RenewalRequest.State.PENDING, RenewalRequest.State.FAILED)


def _requests(membership: Membership) -> QuerySet[RenewalRequest]:
    requests = RenewalRequest.objects.filter(organisation_id=membership.organisation_id)
    return library_scope(requests, membership, "reader__library_id").select_related(
        "reader__library", "link__channel", "decided_by"
    )


def renewal_queue(membership: Membership) -> QuerySet[RenewalRequest]:
    """Requests waiting for a librarian, the oldest first."""
    return (
        _requests(membership)
        .filter(state=RenewalRequest.State.PENDING)
        .order_by("requested_at", "pk")
    )


def renewal_retrying(membership: Membership, limit: int = 20) -> list[RenewalRequest]:
    """Requests the library system did not answer, tried again for a day: the oldest."""
    failed = _requests(membership).filter(state=RenewalRequest.State.FAILED)
    return list(failed.filter(decided_at__isnull=True).order_by("requested_at", "pk")[:limit])


def renewal_list(membership: Membership, *, state: str = "") -> QuerySet[RenewalRequest]:
    """Every request (of one state when given), the newest first."""
    requests = _requests(membership)
    if state:
        requests = requests.filter(state=state)
    return requests.order_by("-requested_at", "-pk")


def renewal_get(*, membership: Membership, pk: int) -> RenewalRequest | None:
    return _requests(membership).filter(pk=pk).first()


def renewal_counts(membership: Membership) -> dict[str, int]:
    """Requests by state: what an analyst is shown instead of the requests."""
    counts = dict.fromkeys(RenewalRequest.State.values, 0)
    found = _requests(membership).order_by().values_list("state").annotate(number=Count("pk"))
    for state, number in found:
        counts[state] = number
    return counts


def dialog_link(*, channel_id: int, user_id: str) -> ReaderLink | None:
    """The reader linked in this dialog, whatever the link's state."""
    return (
        ReaderLink.objects.filter(channel_id=channel_id, network_user_id=str(user_id)[:100])
        .select_related("reader__library", "reader__connection", "channel")
        .first()
    )


def consents_to(reader: Reader, purpose: str = Purpose.RENEWALS) -> bool:
    """A live consent of the reader to ``purpose``."""
    return Consent.objects.filter(
        reader=reader, purpose=purpose, withdrawn_at__isnull=True
    ).exists()


def reader_loans(reader: Reader) -> list[Loan]:
    return list(Loan.objects.filter(reader=reader).order_by("due", "pk"))


def library_today(library) -> date:
    """Today on the library's own clock."""
    return timezone.localdate(timezone=ZoneInfo(library.timezone))


def open_request(*, reader: Reader, loan_id: str, due: date) -> RenewalRequest | None:
    """A request of this loan and due day still waiting or being retried."""
    return (
        RenewalRequest.objects.filter(reader=reader, loan_id=loan_id, due=due, state__in=OPEN)
        .order_by("pk")
        .first()
    )


@dataclass
class PanelLoan:
    loan_id: str
    title: str
    due: date
    days_left: int
    new_due: date
    requested: RenewalRequest | None = None


@dataclass
class ThreadPanel:
    """What the inbox's thread page shows beside a reader's renewal request."""

    state: str  # "unlinked", "inactive", "no_consent", "ready"
    reader: Reader | None = None
    link: ReaderLink | None = None
    loans: list[PanelLoan] = field(default_factory=list)
    renews: bool = False  # the system renews by itself: no day to give
    problem: str = ""  # the system did not answer: the loans as read last


def thread_asks_renewal(thread, messages) -> bool:
    """A dialog whose reader asked to renew (in words, or tagged so by a librarian)."""
    if getattr(thread, "kind", "") != "message":
        return False
    if any(tag.tag == "renewal" for tag in thread.tags.all()):
        return True
    return any(
        message.direction == "in" and asks_renewal(message.text) for message in messages or ()
    )


def _current_loans(reader: Reader) -> tuple[bool, list[tuple[str, str, date]], str]:
    """Whether the reader's system renews, their loans read now (or as read last when it
    does not answer), and why not now."""
    try:
        circulation = circulation_for(reader.connection)
    except IlsError as error:
        rows = [(loan.loan_id, loan.title, loan.due) for loan in reader_loans(reader)]
        return False, rows, error.message
    try:
        patron = Patron(ils_id=reader.ils_id or reader.card, card=reader.card)
        loans = [
            (loan.loan_id, loan.title, loan.due)
            for loan in circulation.loans(patron)
            if not loan.returned
        ]
        return circulation.abilities.renews, loans, ""
    except IlsError as error:
        rows = [(loan.loan_id, loan.title, loan.due) for loan in reader_loans(reader)]
        return circulation.abilities.renews, rows, error.message
    finally:
        circulation.close()


def thread_renewal_panel(*, membership: Membership, thread, messages=()) -> ThreadPanel | None:
    """The renewal action for the thread page, or None where there is none to offer."""
    if not rules.can_serve_readers(membership) or not thread_asks_renewal(thread, messages):
        return None
    link = dialog_link(channel_id=thread.channel_id, user_id=thread.reader_id)
    if link is None:
        return ThreadPanel(state="unlinked")
    reader = link.reader
    if not rules.can_access_library(membership, reader.library):
        return None
    if link.state != ReaderLink.State.ACTIVE:
        return ThreadPanel(state="inactive", reader=reader, link=link)
    if not consents_to(reader):
        return ThreadPanel(state="no_consent", reader=reader, link=link)
    panel = ThreadPanel(state="ready", reader=reader, link=link)
    panel.renews, current, panel.problem = _current_loans(reader)
    today = library_today(reader.library)
    waiting = {
        (request.loan_id, request.due): request
        for request in RenewalRequest.objects.filter(reader=reader, state__in=OPEN)
    }
    for loan_id, title, due in sorted(current, key=lambda item: item[2]):
        panel.loans.append(
            PanelLoan(
                loan_id=str(loan_id),
                title=title,
                due=due,
                days_left=(due - today).days,
                new_due=max(due, today) + timedelta(days=settings.READERS_RENEWAL_DAYS),
                requested=waiting.get((str(loan_id), due)),
            )
        )
    return panel
