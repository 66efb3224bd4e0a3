"""The current loans of linked readers, read from their library system.

Only readers who are linked to a dialog and have a live consent to reminders or renewals
have their loans kept, and of each loan only what a reminder and the debtors list need: the
due day and a short title. A loan the system no longer lists was returned, and its row goes.

A connection whose system can list every current loan (``abilities.lists_all_loans``) is
read in pages; otherwise each reader's loans are asked for in turn. A system that fails
leaves the rows as they are (a reminder re-reads the reader's loans before it is sent
anyway) and the reason is kept on the connection for the librarian.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from vitrina.catalog.connectors.circulation import Circulation, IlsError, Patron
from vitrina.catalog.connectors.circulation import Loan as IlsLoan
from vitrina.readers.models import Consent, IlsConnection, Loan, Purpose, Reader, ReaderLink

logger = logging.getLogger(__name__)

TITLE_LENGTH = 120
SERVED_PURPOSES = (Purpose.REMINDERS, Purpose.RENEWALS)


def circulation_of(connection: IlsConnection) -> Circulation:
    # The factory decrypts the connection's secret; imported here because it loads every
    # connector, which the planner and the settings page never need.
    from vitrina.readers.circulation import circulation_for

    return circulation_for(connection)


def short_title(title: str) -> str:
    title = " ".join((title or "").split())
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1].rstrip() + "…"


def served_readers(purposes=SERVED_PURPOSES):
    """Readers linked to a live dialog with a live consent to one of ``purposes``."""
    consent = Consent.objects.filter(
        reader=OuterRef("pk"), purpose__in=purposes, withdrawn_at__isnull=True
    )
    link = ReaderLink.objects.filter(
        reader=OuterRef("pk"), state=ReaderLink.State.ACTIVE, channel__archived_at__isnull=True
    )
    return Reader.objects.filter(Exists(consent), Exists(link))


def patron_of(reader: Reader) -> Patron:
    return Patron(ils_id=reader.ils_id or reader.card, card=reader.card)


@dataclass
class SyncResult:
    readers: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    problem: str = ""
    failed_readers: list[int] = field(default_factory=list)


def _replace(reader_ids: list[int], found: dict[int, list[IlsLoan]], now: datetime, result):
    """Make the stored loans of these readers what the system listed, in bulk."""
    existing: dict[tuple[int, str], Loan] = {
        (loan.reader_id, loan.loan_id): loan
        for loan in Loan.objects.filter(reader_id__in=reader_ids)
    }
    create, update, keep = [], [], set()
    for reader_id in reader_ids:
        for item in found.get(reader_id, []):
            if item.returned:
                continue
            key = (reader_id, str(item.loan_id)[:100])
            if key in keep:
                continue
            keep.add(key)
            title = short_title(item.title)
            row = existing.get(key)
            if row is None:
                create.append(
                    Loan(
                        reader_id=reader_id,
                        loan_id=key[1],
                        title=title,
                        due=item.due,
                        renewals=max(0, min(int(item.renewals or 0), 32767)),
                        seen_at=now,
                    )
                )
            else:
                renewals = max(0, min(int(item.renewals or 0), 32767))
                if (row.title, row.due, row.renewals) != (title, item.due, renewals):
                    row.title, row.due, row.renewals, row.seen_at = title, item.due, renewals, now
                    update.append(row)
    gone = [row.pk for key, row in existing.items() if key not in keep]
    with transaction.atomic():
        if create:
            Loan.objects.bulk_create(create, batch_size=1000, ignore_conflicts=True)
        if update:
            fields = ["title", "due", "renewals", "seen_at"]
            Loan.objects.bulk_update(update, fields, batch_size=1000)
        for start in range(0, len(gone), 1000):
            Loan.objects.filter(pk__in=gone[start : start + 1000]).delete()
        Reader.objects.filter(pk__in=reader_ids).update(loans_checked_at=now)
    result.created += len(create)
    result.updated += len(update)
    result.deleted += len(gone)


def loans_sync_connection(
    *, connection: IlsConnection, now: datetime | None = None, circulation=None
) -> SyncResult:
    """Read the current loans of the connection's served readers and store them."""
    now = now or timezone.now()
    result = SyncResult()
    readers = list(served_readers().filter(connection=connection).only("pk", "card", "ils_id"))
    result.readers = len(readers)
    own = circulation is None
    try:
        if own:
            circulation = circulation_of(connection)
        if circulation.abilities.lists_all_loans:
            _sync_all(circulation, readers, now, result)
        else:
            _sync_each(circulation, readers, now, result)
    except IlsError as error:
        result.problem = error.message or str(error)
        logger.warning("loans of connection %s not read: %s", connection.pk, result.problem)
    finally:
        if own and circulation is not None:
            circulation.close()
    fields = {"sync_problem": result.problem[:500]}
    if not result.problem:
        fields["loans_synced_at"] = now
    IlsConnection.objects.filter(pk=connection.pk).update(**fields)
    return result


def _sync_all(circulation, readers, now, result) -> None:
    by_patron: dict[str, int] = {}
    for reader in readers:
        by_patron[reader.ils_id or reader.card] = reader.pk
        by_patron.setdefault(reader.card, reader.pk)
    found: dict[int, list[IlsLoan]] = {}
    # Every page is read before anything is replaced: a system failing half-way through
    # would otherwise make the loans of the unread pages look returned.
    for item in circulation.all_loans():
        reader_id = by_patron.get(str(item.patron_id))
        if reader_id is not None:
            found.setdefault(reader_id, []).append(item)
    ids = [reader.pk for reader in readers]
    for start in range(0, len(ids), 2000):
        _replace(ids[start : start + 2000], found, now, result)


def _sync_each(circulation, readers, now, result) -> None:
    done: list[int] = []
    found: dict[int, list[IlsLoan]] = {}
    try:
        for reader in readers:
            try:
                found[reader.pk] = circulation.loans(patron_of(reader))
            except IlsError as error:
                if error.reason != "not_found":
                    raise
                found[reader.pk] = []  # the system knows the card no more
            done.append(reader.pk)
            if len(done) >= 500:
                _replace(done, found, now, result)
                done, found = [], {}
    finally:
        if done:
            _replace(done, found, now, result)


def loans_refresh_reader(*, reader: Reader, circulation=None, now=None) -> list[IlsLoan]:
    """The reader's current loans read now; the stored rows follow them. Raises
    ``IlsError`` when the system fails (the rows stay as they were)."""
    now = now or timezone.now()
    own = circulation is None
    if own:
        circulation = circulation_of(reader.connection)
    try:
        items = [item for item in circulation.loans(patron_of(reader)) if not item.returned]
    finally:
        if own:
            circulation.close()
    _replace([reader.pk], {reader.pk: items}, now, SyncResult())
    return items


def loans_drop_unserved(*, connection: IlsConnection) -> int:
    """Delete the loans of readers who are no longer served (unlinked, consent withdrawn)."""
    served = served_readers().filter(connection=connection).values("pk")
    stale = Loan.objects.filter(reader__connection=connection).filter(~Q(reader__in=served))
    count, _ = stale.delete()
    return count


def loans_sync_round(context=None) -> dict:
    """The periodic job ``readers.loans_sync``: every live connection in turn."""
    totals = {"connections": 0, "loans": 0, "problems": 0}
    stopping = getattr(context, "stopping", None)
    for connection in IlsConnection.objects.filter(archived_at__isnull=True).order_by("pk"):
        if stopping is not None and stopping.is_set():
            break
        loans_drop_unserved(connection=connection)
        result = loans_sync_connection(connection=connection)
        totals["connections"] += 1
        totals["loans"] += result.created + result.updated
        totals["problems"] += bool(result.problem)
    return totals
