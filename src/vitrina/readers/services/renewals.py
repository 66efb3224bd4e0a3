"""Renewals: «Продлить» in a reader's dialog, a librarian's «Продлить» in the inbox, the
queue of requests a librarian confirms, and the retry of requests the library system did
not answer.

Where the library system renews by itself (``abilities.renews``: Koha) the loan is read
again, pre-checked and renewed at once, and the reader is told the new due day or the
reason in plain words (``readers.refusals``). Where it does not (IRBIS64, a file of loans)
a request waits in the queue, one per loan and due day, and the reader is told that a
librarian will answer; the librarian's decision is told to the reader in the same dialog.

Never renewed twice: whoever asks the system about a request first claims it
(``claimed_at``, one conditional UPDATE), and before renewing the loan is read again — a
due day later than the request's means an earlier try did renew it (its answer was lost,
or the desk renewed it), so it is recorded, not renewed again. A system that is down
leaves the request ``failed``; the reader is told it will be tried again, the retry job
tries for a day and then hands the request to a librarian, so nothing is dropped.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from vitrina.catalog.connectors.circulation import Circulation, IlsError, Patron
from vitrina.catalog.connectors.circulation import Loan as IlsLoan
from vitrina.channels.connect import provider_account
from vitrina.channels.providers.errors import ProviderError, Undeliverable
from vitrina.channels.providers.registry import get_provider
from vitrina.channels.providers.types import Button
from vitrina.inbox.models import Tag
from vitrina.inbox.services.threads import thread_tag_add
from vitrina.readers import dialog, refusals
from vitrina.readers.circulation import circulation_for
from vitrina.readers.models import (
    Loan,
    Reader,
    ReaderLink,
    Reminder,
    ReminderKind,
    ReminderSettings,
    RenewalRequest,
)
from vitrina.readers.renewal_words import asks_renewal
from vitrina.readers.selectors.renewals import (
    consents_to,
    dialog_link,
    library_today,
    open_request,
)
from vitrina.readers.services.dialog_send import dialog_say

logger = logging.getLogger(__name__)

State = RenewalRequest.State
Source = RenewalRequest.Source

# A renewal this recent answers «Продлить» pressed again: the loan is not renewed twice.
RECENT = timedelta(days=1)
# A claim older than this belongs to a try that died: it may be taken again.
CLAIM_LEASE = timedelta(minutes=5)
OVERDUE_KINDS = (
    ReminderKind.OVERDUE_FIRST,
    ReminderKind.OVERDUE_REPEAT,
    ReminderKind.OVERDUE_FINAL,
)

# What a try came to, for the reader's line and the librarian's message.
RENEWED = "renewed"
REFUSED = "refused"
REQUESTED = "requested"  # waits for a librarian
ALREADY = "already"  # a request of this loan and day waits already
BUSY = "busy"  # another try is asking the system right now
FAILED = "failed"  # the system did not answer: tried again later
GONE = "gone"  # the loan is not on the reader's card
UNREACHABLE = "unreachable"  # the system did not answer and there is nothing to keep


@dataclass
class Outcome:
    kind: str
    title: str = ""
    request: RenewalRequest | None = None

    @property
    def new_due(self) -> date | None:
        return self.request.new_due if self.request is not None else None


# What the reader reads (always in Russian: readers are written to in the library's
# language, whatever the librarian's interface speaks)


def day_text(day: date) -> str:
    with translation.override("ru"):
        return dateformat.format(day, "j E Y")


def _book(title: str) -> str:
    return f"«{title}»" if title else _("the book")


def reason_of(request: RenewalRequest) -> str:
    """Why a request was refused: the librarian's words, or the code's sentence."""
    return request.refusal_text or refusals.refusal_text(request.refusal_code)


def outcome_line(outcome: Outcome) -> str:
    with translation.override("ru"):
        book = _book(outcome.title)
        request = outcome.request
        if outcome.kind == RENEWED:
            return _("%(book)s is renewed until %(day)s.") % {
                "book": book,
                "day": day_text(request.new_due),
            }
        if outcome.kind == REFUSED:
            return _("%(book)s could not be renewed. %(reason)s") % {
                "book": book,
                "reason": reason_of(request),
            }
        if outcome.kind == REQUESTED:
            return _(
                "Your request to renew %(book)s is accepted; a librarian will answer here."
            ) % {"book": book}
        if outcome.kind == ALREADY:
            return _(
                "Your request to renew %(book)s is already accepted; a librarian will answer here."
            ) % {"book": book}
        if outcome.kind == BUSY:
            return _("%(book)s is being renewed right now; the answer will come here.") % {
                "book": book
            }
        if outcome.kind == FAILED:
            return _(
                "The library system is not answering right now. We will try to renew %(book)s "
                "again and write to you here."
            ) % {"book": book}
        if outcome.kind == GONE:
            return _(
                "The library system does not show %(book)s on your card: perhaps it has "
                "already been returned."
            ) % {"book": book}
        return _(
            "The library system is not answering right now. Please press «Renew» again in an hour."
        )


def decision_line(request: RenewalRequest) -> str:
    """What the reader reads about a librarian's decision."""
    with translation.override("ru"):
        book = _book(request.title)
        if request.state == State.RENEWED:
            return _("The librarian renewed %(book)s until %(day)s.") % {
                "book": book,
                "day": day_text(request.new_due),
            }
        return _("The librarian could not renew %(book)s. %(reason)s") % {
            "book": book,
            "reason": reason_of(request),
        }


# Telling the reader


def _link_undeliverable(link: ReaderLink, error: Undeliverable) -> None:
    ReaderLink.objects.filter(pk=link.pk).update(
        state=ReaderLink.State.UNDELIVERABLE, state_reason=(error.summary or "")[:300]
    )


def reader_tell(*, link: ReaderLink | None, text: str, key: str, requests=(), buttons=()) -> bool:
    """Write ``text`` into the reader's dialog once (``key``); True when it went out."""
    if link is None or link.state != ReaderLink.State.ACTIVE:
        return False
    try:
        sent = dialog_say(
            channel=link.channel,
            user_id=link.network_user_id,
            text=text,
            key=key,
            buttons=list(buttons),
        )
    except Undeliverable as error:
        _link_undeliverable(link, error)
        return False
    if sent is None:
        return False
    pks = [request.pk for request in requests if request is not None]
    if pks:
        RenewalRequest.objects.filter(pk__in=pks).update(reader_told_at=timezone.now())
    return True


# Asking the library system


def patron_of(reader: Reader) -> Patron:
    return Patron(ils_id=reader.ils_id or reader.card, card=reader.card)


def _find(loans: list[IlsLoan], loan_id: str) -> IlsLoan | None:
    return next((loan for loan in loans if str(loan.loan_id) == str(loan_id)), None)


def renewal_claim(request: RenewalRequest, *, states=(State.PENDING,), now=None) -> bool:
    """Take the request for one try; False when someone else holds it or it is decided."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            taken = (
                RenewalRequest.objects.filter(pk=request.pk, state__in=states)
                .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
                .update(state=State.PENDING, claimed_at=now)
            )
    except IntegrityError:
        # Another request of the same loan and day waits already: that one is asked.
        return False
    if taken:
        request.state, request.claimed_at = State.PENDING, now
    return bool(taken)


def _reminders_answered(request: RenewalRequest) -> None:
    """A debt reminded of and renewed since: counted for the report."""
    since = timezone.now() - timedelta(days=settings.READERS_RETURNED_AFTER_DAYS)
    Reminder.objects.filter(
        reader_id=request.reader_id,
        loan_id=request.loan_id,
        due=request.due,
        kind__in=OVERDUE_KINDS,
        state=Reminder.State.SENT,
        sent_at__gte=since,
    ).update(returned_after=True)


@transaction.atomic
def renewal_finish(
    request: RenewalRequest,
    *,
    state: str,
    new_due: date | None = None,
    code: str = "",
    text: str = "",
    actor=None,
) -> RenewalRequest:
    now = timezone.now()
    request.state = state
    request.claimed_at = None
    if state == State.FAILED:
        request.attempts += 1
        request.refusal_text = text[:500]
    else:
        request.decided_at = now
        request.decided_by = actor
        request.new_due = new_due
        request.refusal_code = code[:40]
        # The librarian's own words only; a code's sentence is said in the reader's language.
        request.refusal_text = text[:500]
    request.save(
        update_fields=[
            "state",
            "claimed_at",
            "attempts",
            "decided_at",
            "decided_by",
            "new_due",
            "refusal_code",
            "refusal_text",
        ]
    )
    if state == State.RENEWED and new_due is not None:
        Loan.objects.filter(reader_id=request.reader_id, loan_id=request.loan_id).update(
            due=new_due, renewals=F("renewals") + 1
        )
        _reminders_answered(request)
    elif state == State.REFUSED and code == refusals.NO_CHECKOUT:
        # Not on the card any more: the loan row goes, as the next reading would drop it.
        Loan.objects.filter(reader_id=request.reader_id, loan_id=request.loan_id).delete()
    return request


def renewal_attempt(
    request: RenewalRequest, circulation: Circulation, *, actor=None
) -> RenewalRequest:
    """One try through a system that renews, the request claimed by the caller."""
    try:
        live = _find(circulation.loans(patron_of(request.reader)), request.loan_id)
        if live is None:
            return renewal_finish(
                request, state=State.REFUSED, code=refusals.NO_CHECKOUT, actor=actor
            )
        if live.due > request.due:
            # Renewed already: an earlier try whose answer was lost, or the desk.
            return renewal_finish(request, state=State.RENEWED, new_due=live.due, actor=actor)
        check = circulation.renewal_check(live)
        if not check.allowed:
            code = check.code or refusals.OTHER
            return renewal_finish(request, state=State.REFUSED, code=code, actor=actor)
        renewal = circulation.renew(live)
    except IlsError as error:
        if error.reason == "not_found":
            return renewal_finish(
                request, state=State.REFUSED, code=refusals.NO_CHECKOUT, actor=actor
            )
        logger.warning(
            "renewal %s: the library system failed (%s): %s", request.pk, error.reason, error
        )
        return renewal_finish(request, state=State.FAILED, text=error.message)
    if not renewal.renewed:
        code = renewal.code or refusals.OTHER
        return renewal_finish(request, state=State.REFUSED, code=code, actor=actor)
    new_due = renewal.due or _read_due(circulation, request) or request.due
    return renewal_finish(request, state=State.RENEWED, new_due=new_due, actor=actor)


def _read_due(circulation: Circulation, request: RenewalRequest) -> date | None:
    """The due day after a renewal whose answer did not carry it."""
    try:
        live = _find(circulation.loans(patron_of(request.reader)), request.loan_id)
    except IlsError:
        return None
    return live.due if live is not None else None


def outcome_of(request: RenewalRequest) -> Outcome:
    kinds = {State.RENEWED: RENEWED, State.REFUSED: REFUSED, State.FAILED: FAILED}
    kind = kinds.get(request.state, REQUESTED)
    if kind == REFUSED and request.refusal_code == refusals.NO_CHECKOUT:
        kind = GONE
    return Outcome(kind=kind, title=request.title, request=request)


# A reader's request


def renewal_open_or_create(
    *,
    reader: Reader,
    link: ReaderLink | None,
    loan_id: str,
    title: str,
    due: date,
    source: str,
    inbox_message_id: int | None,
    claimed: bool,
) -> tuple[RenewalRequest | None, bool]:
    """The open request of this loan and day, or a new one; (request, created). ``None``
    when another try holds it now."""
    existing = open_request(reader=reader, loan_id=loan_id, due=due)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            request = RenewalRequest.objects.create(
                organisation_id=reader.organisation_id,
                reader=reader,
                link=link,
                loan_id=loan_id,
                title=title[:300],
                due=due,
                source=source,
                inbox_message_id=inbox_message_id,
                claimed_at=timezone.now() if claimed else None,
            )
    except IntegrityError:
        # Pressed twice at once: the other press made it.
        return open_request(reader=reader, loan_id=loan_id, due=due), False
    return request, True


def _just_renewed(*, reader: Reader, loan_id: str, due: date) -> RenewalRequest | None:
    """A renewal of this loan to this very due day a short while ago."""
    return (
        RenewalRequest.objects.filter(
            reader=reader,
            loan_id=loan_id,
            state=State.RENEWED,
            new_due=due,
            decided_at__gte=timezone.now() - RECENT,
        )
        .order_by("-decided_at")
        .first()
    )


def _ask_one(
    *,
    reader: Reader,
    link: ReaderLink | None,
    circulation: Circulation,
    loan_id: str,
    title: str,
    due: date,
    source: str,
    inbox_message_id: int | None = None,
    actor=None,
) -> Outcome:
    renews = circulation.abilities.renews
    just = _just_renewed(reader=reader, loan_id=loan_id, due=due)
    if just is not None:
        # «Продлить» pressed again in the same message: renewed once is enough.
        return Outcome(kind=RENEWED, title=title, request=just)
    request, created = renewal_open_or_create(
        reader=reader,
        link=link,
        loan_id=loan_id,
        title=title,
        due=due,
        source=source,
        inbox_message_id=inbox_message_id,
        claimed=renews,
    )
    if request is None:
        return Outcome(kind=BUSY, title=title)
    if not renews:
        return Outcome(kind=REQUESTED if created else ALREADY, title=title, request=request)
    if not created and not renewal_claim(request, states=(State.PENDING, State.FAILED)):
        return Outcome(kind=BUSY, title=title, request=request)
    request.reader = reader
    return outcome_of(renewal_attempt(request, circulation, actor=actor))


def _due_soon_days(reader: Reader) -> int:
    found = ReminderSettings.objects.filter(library_id=reader.library_id).first()
    return found.due_soon_days if found is not None else ReminderSettings().due_soon_days


def renewal_ask(
    *,
    link: ReaderLink,
    loan_ids: list[str] | None,
    source: str = Source.BUTTON,
    inbox_message_id: int | None = None,
    actor=None,
) -> list[Outcome]:
    """Renew the reader's loans (``loan_ids``, the system's ids; None: those due soon or
    overdue) or ask a librarian to; one outcome per loan."""
    reader = link.reader
    rows = {loan.loan_id: loan for loan in Loan.objects.filter(reader=reader)}
    if loan_ids is None:
        horizon = library_today(reader.library) + timedelta(days=_due_soon_days(reader))
        wanted = [row.loan_id for row in sorted(rows.values(), key=lambda row: row.due)]
        wanted = [loan_id for loan_id in wanted if rows[loan_id].due <= horizon]
    else:
        wanted = list(dict.fromkeys(str(loan_id)[:100] for loan_id in loan_ids if loan_id))
    try:
        circulation = circulation_for(reader.connection)
    except IlsError as error:
        logger.warning("renewal for reader %s: %s", reader.pk, error.message)
        return [Outcome(kind=UNREACHABLE) for _loan_id in wanted]
    try:
        live: list[IlsLoan] | None = None
        outcomes = []
        for loan_id in wanted:
            row = rows.get(loan_id)
            if row is not None:
                title, due = row.title, row.due
            else:
                # Not among the loans read last: the system itself says whether it is.
                if live is None:
                    try:
                        live = circulation.loans(patron_of(reader))
                    except IlsError:
                        outcomes.append(Outcome(kind=UNREACHABLE))
                        continue
                found = _find(live, loan_id)
                if found is None:
                    outcomes.append(Outcome(kind=GONE))
                    continue
                title, due = found.title, found.due
            outcomes.append(
                _ask_one(
                    reader=reader,
                    link=link,
                    circulation=circulation,
                    loan_id=loan_id,
                    title=title,
                    due=due,
                    source=source,
                    inbox_message_id=inbox_message_id,
                    actor=actor,
                )
            )
    finally:
        circulation.close()
    return outcomes


def _link_button() -> Button:
    with translation.override("ru"):
        return Button(label=_("Link the card"), payload=dialog.LINK)


def _button_answered(channel, event) -> None:
    """Stop the pressed button's spinner where the network waits for that (VK, Telegram)."""
    try:
        with translation.override("ru"):
            get_provider(channel.network).answer_button(
                provider_account(channel), event, _("Renewing…")
            )
    except ProviderError as error:
        logger.info("button of channel %s not answered: %s", channel.pk, error.summary)


def renewal_pressed(*, channel, event, argument: str = "") -> list[Outcome]:
    """«Продлить» pressed in a dialog (``renew`` or ``renew:<loan id>``)."""
    user_id = event.author_id or event.thread
    _button_answered(channel, event)
    link = dialog_link(channel_id=channel.pk, user_id=user_id)
    key = f"renew:{event.external_id}"
    with translation.override("ru"):
        if link is None or link.state != ReaderLink.State.ACTIVE:
            try:
                dialog_say(
                    channel=channel,
                    user_id=user_id,
                    key=key,
                    text=_("To renew books here, first link your library card to this dialog."),
                    buttons=[_link_button()],
                )
            except Undeliverable:
                logger.info("renewal pressed in channel %s: the dialog is closed", channel.pk)
            return []
        if not consents_to(link.reader):
            reader_tell(
                link=link,
                key=key,
                text=_(
                    "You have not agreed to renewals through this dialog. You can agree on "
                    "the card linking page."
                ),
                buttons=[_link_button()],
            )
            return []
    loan_ids = [argument.strip()] if argument.strip() else None
    outcomes = renewal_ask(link=link, loan_ids=loan_ids, source=Source.BUTTON)
    with translation.override("ru"):
        text = "\n".join(outcome_line(outcome) for outcome in outcomes) or _(
            "None of your books is due soon. «My books» shows them all."
        )
        buttons = [] if outcomes else [Button(label=_("My books"), payload=dialog.BOOKS)]
    reader_tell(
        link=link,
        key=key,
        text=text,
        requests=[outcome.request for outcome in outcomes],
        buttons=buttons,
    )
    return outcomes


def renewal_words_seen(*, channel, event, message=None):
    """A reader's message that asks to renew: its conversation is tagged for the librarian,
    whose thread page offers the renewal. False leaves other words to their handlers."""
    if not asks_renewal(event.text or ""):
        return False
    if message is not None:
        thread_tag_add(thread=message.thread, tag=Tag.RENEWAL)
    return None
