"""The librarian's side of renewals: the queue's confirm and refuse, «Продлить» beside a
reader's message in the inbox, and the job that retries what the library system did not
answer (``renewals`` has the asking itself and why a loan is never renewed twice)."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vitrina.catalog.connectors.circulation import Circulation, IlsError
from vitrina.core import rules
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import Conflict, ServiceError
from vitrina.core.models import Membership
from vitrina.core.periodic import JobContext
from vitrina.inbox.services.replies import latest_reader_message
from vitrina.readers import refusals
from vitrina.readers.circulation import circulation_for
from vitrina.readers.models import Loan, ReaderLink, RenewalRequest
from vitrina.readers.selectors.renewals import consents_to, dialog_link, library_today
from vitrina.readers.services.renewals import (
    CLAIM_LEASE,
    GONE,
    Outcome,
    Source,
    State,
    decision_line,
    outcome_line,
    outcome_of,
    reader_tell,
    renewal_ask,
    renewal_attempt,
    renewal_claim,
    renewal_finish,
    renewal_open_or_create,
)

# A request the system did not answer is tried again for this long, then a librarian's.
RETRY_WINDOW = timedelta(days=1)
RETRY_BATCH = 200
# The latest new due day a librarian may give: a year ahead.
LONGEST = timedelta(days=366)


# The librarian's side


def _require(membership: Membership, request: RenewalRequest) -> None:
    if not rules.can_serve_readers(membership) or not rules.can_access_library(
        membership, request.reader.library
    ):
        raise ServiceError(_("Your role may not decide renewals."), code="forbidden")
    if request.organisation_id != membership.organisation_id:
        raise ServiceError(_("No such request."), code="not_found")


def default_new_due(request: RenewalRequest) -> date:
    """The day a confirmation gives unless the librarian changes it: the library's usual
    loan period from the due day (from today for a debt)."""
    start = max(request.due, library_today(request.reader.library))
    return start + timedelta(days=settings.READERS_RENEWAL_DAYS)


def _check_new_due(request: RenewalRequest, new_due: date | None) -> date:
    if new_due is None:
        raise ServiceError(_("Give the new due date."), field="new_due")
    today = library_today(request.reader.library)
    if new_due <= max(request.due, today - timedelta(days=1)) or new_due <= today:
        raise ServiceError(
            _("The new due date must be later than the current one and than today."),
            field="new_due",
        )
    if new_due > today + LONGEST:
        raise ServiceError(_("The new due date is more than a year ahead."), field="new_due")
    return new_due


def _circulation(connection) -> Circulation:
    """The connection's connector; a connection that cannot be used is said plainly."""
    try:
        return circulation_for(connection)
    except IlsError as error:
        raise ServiceError(error.message) from None


def _undecided() -> Conflict:
    return Conflict(_("This request has already been decided or is being decided right now."))


def renewal_confirm(
    *, membership: Membership, request: RenewalRequest, new_due: date | None = None
) -> RenewalRequest:
    """Confirm a waiting request: with a system that renews, it renews now (the system
    gives the day); otherwise the librarian has renewed it there and gives the new day."""
    _require(membership, request)
    circulation = _circulation(request.reader.connection)
    try:
        renews = circulation.abilities.renews
        if not renews:
            new_due = _check_new_due(request, new_due)
        if not renewal_claim(request):
            raise _undecided()
        if renews:
            request = renewal_attempt(request, circulation, actor=membership.user)
        else:
            request = renewal_finish(
                request, state=State.RENEWED, new_due=new_due, actor=membership.user
            )
    finally:
        circulation.close()
    audit_record(
        action="readers.renewal_confirmed",
        organisation=membership.organisation,
        actor=membership.user,
        obj=request,
        changes={"state": request.state, "new_due": request.new_due},
    )
    _tell_decision(request)
    return request


def renewal_refuse(
    *, membership: Membership, request: RenewalRequest, code: str, note: str = ""
) -> RenewalRequest:
    """Refuse a waiting request with one of the reasons (``refusals``); ``note`` is the
    librarian's own words for «другое»."""
    _require(membership, request)
    code = (code or "").strip()
    note = " ".join((note or "").split())[:500]
    if not refusals.known(code):
        raise ServiceError(_("Choose a reason from the list."), field="code")
    if code == refusals.OTHER and not note:
        raise ServiceError(_("Write the reason for the reader."), field="note")
    if not renewal_claim(request):
        raise _undecided()
    with transaction.atomic():
        request = renewal_finish(
            request,
            state=State.REFUSED,
            code=code,
            text=note if code == refusals.OTHER else "",
            actor=membership.user,
        )
        audit_record(
            action="readers.renewal_refused",
            organisation=membership.organisation,
            actor=membership.user,
            obj=request,
            changes={"code": code},
        )
    _tell_decision(request)
    return request


def _tell_decision(request: RenewalRequest) -> None:
    if request.state not in (State.RENEWED, State.REFUSED):
        return
    reader_tell(
        link=request.link,
        text=decision_line(request),
        key=f"renewal:{request.pk}:{request.state}",
        requests=[request],
    )


def renewal_from_thread(
    *, membership: Membership, thread, loan_id: str, new_due: date | None = None
) -> Outcome:
    """A librarian's «Продлить» beside a reader's message in the inbox: renewed through a
    system that renews; otherwise the librarian has renewed it there (``new_due``)."""
    link = dialog_link(channel_id=thread.channel_id, user_id=thread.reader_id)
    if not rules.can_serve_readers(membership):
        raise ServiceError(_("Your role may not decide renewals."), code="forbidden")
    if link is None or link.state != ReaderLink.State.ACTIVE:
        raise ServiceError(_("The reader has not linked a library card to this dialog."))
    if not rules.can_access_library(membership, link.reader.library):
        raise ServiceError(_("Your role may not decide renewals."), code="forbidden")
    if not consents_to(link.reader):
        raise ServiceError(_("The reader has not agreed to renewals through the dialog."))
    latest = latest_reader_message(thread)
    message_id = latest.pk if latest is not None else None
    circulation = _circulation(link.reader.connection)
    try:
        renews = circulation.abilities.renews
    finally:
        circulation.close()
    if renews:
        outcomes = renewal_ask(
            link=link,
            loan_ids=[loan_id],
            source=Source.INBOX,
            inbox_message_id=message_id,
            actor=membership.user,
        )
        outcome = outcomes[0] if outcomes else Outcome(kind=GONE)
        reader_tell(
            link=link,
            text=outcome_line(outcome),
            key=f"renewal:{outcome.request.pk if outcome.request else loan_id}:inbox",
            requests=[outcome.request],
        )
        return outcome
    row = Loan.objects.filter(reader=link.reader, loan_id=loan_id).first()
    if row is None:
        raise ServiceError(_("This loan is not on the reader's card."), field="loan_id")
    request, _created = renewal_open_or_create(
        reader=link.reader,
        link=link,
        loan_id=row.loan_id,
        title=row.title,
        due=row.due,
        source=Source.INBOX,
        inbox_message_id=message_id,
        claimed=False,
    )
    if request is None:
        raise _undecided()
    request.reader = link.reader
    request = renewal_confirm(
        membership=membership,
        request=request,
        new_due=new_due if new_due is not None else default_new_due(request),
    )
    return outcome_of(request)


# The retry job


def _hand_over(request: RenewalRequest, *, now) -> bool:
    """A request tried for a day goes to the librarians' queue; where another request of
    the same loan and day waits there already, this one is closed as answered by it."""
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)
    try:
        with transaction.atomic():
            return bool(
                RenewalRequest.objects.filter(free, pk=request.pk, state=State.FAILED).update(
                    state=State.PENDING, claimed_at=None
                )
            )
    except IntegrityError:
        RenewalRequest.objects.filter(free, pk=request.pk, state=State.FAILED).update(
            decided_at=now
        )
        return False


def renewals_retry(context: JobContext | None = None) -> dict[str, int]:
    """Requests the library system did not answer: tried again for a day, then handed to
    a librarian's queue. Each try is claimed, so two schedulers never renew one loan."""
    now = context.now if context is not None else timezone.now()
    counts = {"tried": 0, "renewed": 0, "refused": 0, "failed": 0, "handed": 0}
    late = RenewalRequest.objects.filter(
        state=State.FAILED, requested_at__lt=now - RETRY_WINDOW, decided_at__isnull=True
    )
    for request in late[:RETRY_BATCH]:
        if _hand_over(request, now=now):
            counts["handed"] += 1
    due = (
        RenewalRequest.objects.filter(
            state=State.FAILED, requested_at__gte=now - RETRY_WINDOW, decided_at__isnull=True
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .select_related("reader__connection", "reader__library", "link__channel")
        .order_by("requested_at")
    )
    circulations: dict[int, Circulation] = {}
    try:
        for request in due[:RETRY_BATCH]:
            if context is not None and context.stopping.is_set():
                break
            if not renewal_claim(request, states=(State.FAILED,), now=now):
                continue
            counts["tried"] += 1
            connection = request.reader.connection
            if connection.pk not in circulations:
                try:
                    circulations[connection.pk] = circulation_for(connection)
                except IlsError as error:
                    # The stored connection itself is broken: tried again next round.
                    renewal_finish(request, state=State.FAILED, text=error.message)
                    continue
            circulation = circulations[connection.pk]
            if not circulation.abilities.renews:
                # The system stopped renewing by itself: the request waits for a librarian.
                RenewalRequest.objects.filter(pk=request.pk).update(claimed_at=None)
                counts["handed"] += 1
                continue
            request = renewal_attempt(request, circulation)
            counts[request.state] = counts.get(request.state, 0) + 1
            if request.state in (State.RENEWED, State.REFUSED):
                reader_tell(
                    link=request.link,
                    text=outcome_line(outcome_of(request)),
                    key=f"renewal:{request.pk}:{request.state}",
                    requests=[request],
                )
    finally:
        for circulation in circulations.values():
            circulation.close()
    return counts
