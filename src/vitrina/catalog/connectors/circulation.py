"""The one interface of a library system's circulation: readers, their loans, renewals.

Every library-system connector that can serve readers implements ``Circulation`` — Koha's
REST API (``koha.KohaCirculation``), IRBIS64's reader database RDR (``irbis.IrbisCirculation``)
and a file of loans for libraries with neither (``readers/file_circulation.py``) — so
reader services never ask which system a library runs. A connector knows nothing of Django models:
a reader is a ``Patron``, a loan a ``Loan``; every failure leaves as an ``IlsError``.

Where a system cannot do something (IRBIS64 and a file cannot renew by themselves), the
connector says so in ``abilities`` and the caller queues a request for a librarian.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime


class IlsError(Exception):
    """A library system failed. ``reason`` is one of:

    * ``unreachable`` — no connection, a timeout: try again later;
    * ``refused`` — the stored login or key was refused: the librarian must fix it;
    * ``garbage`` — the answer could not be read (a broken or foreign server);
    * ``not_found`` — what was asked for does not exist.

    ``message`` is a plain Russian sentence for a librarian; ``detail`` the system's own text.
    """

    def __init__(self, reason: str, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.reason, self.message, self.detail = reason, message, detail

    @property
    def temporary(self) -> bool:
        return self.reason == "unreachable"


@dataclass(frozen=True)
class Abilities:
    """What a connected system lets Vitrina do."""

    verifies_password: bool = False  # the reader proves the card with the system's password
    second_factor: bool = False  # the reader proves it with a fact the library chooses
    renews: bool = False  # renews by itself; otherwise a librarian confirms a request
    keeps_history: bool = False  # returned loans can be read back (co-loans)
    lists_all_loans: bool = False  # every current loan can be read in pages (sync)


@dataclass
class Patron:
    """A reader as the library system knows them; only what reader services need."""

    ils_id: str  # the system's own id (Koha patron_id, IRBIS MFN)
    card: str  # the library card number
    surname: str = ""
    first_name: str = ""
    expiry: date | None = None
    blocked: bool = False  # debarred, expired or otherwise barred from borrowing


@dataclass
class Loan:
    """One loan: what a reminder and a renewal need, nothing of the reader's history."""

    loan_id: str  # stable per loan in the system (Koha checkout_id; IRBIS inventory+date)
    patron_id: str
    due: date  # the day due, in the library's own zone
    title: str = ""  # a short description of the item, shown to the reader and librarian
    due_at: datetime | None = None  # the moment due where the system keeps one (aware)
    loaned_on: date | None = None
    returned_on: date | None = None
    renewals: int = 0
    item: str = ""  # inventory number or barcode
    extra: dict = field(default_factory=dict)

    @property
    def returned(self) -> bool:
        return self.returned_on is not None


@dataclass
class RenewalCheck:
    """Whether a loan may be renewed now; ``code`` is the system's reason when not."""

    allowed: bool
    code: str = ""
    max_renewals: int | None = None
    current_renewals: int | None = None


@dataclass
class Renewal:
    """The outcome of a renewal: renewed with the new due day, or refused with a reason."""

    renewed: bool
    due: date | None = None
    code: str = ""


class Circulation:
    """A library system's circulation. Subclasses implement what ``abilities`` promise."""

    abilities = Abilities()

    def check(self) -> list[str]:
        """Problems with the stored connection, plain Russian sentences; empty when it works."""
        raise NotImplementedError

    def patron_by_card(self, card: str) -> Patron | None:
        raise NotImplementedError

    def verify(self, card: str, secret: str) -> Patron | None:
        """The reader when ``secret`` proves the card (a password, or the library's second
        factor); None when it does not. Never logs ``secret``."""
        raise NotImplementedError

    def loans(self, patron: Patron) -> list[Loan]:
        """The reader's current loans, read now."""
        raise NotImplementedError

    def all_loans(self) -> Iterator[Loan]:
        """Every current loan of the library, in pages (``abilities.lists_all_loans``)."""
        raise NotImplementedError

    def history(self, patron: Patron) -> list[Loan]:
        """Returned loans where the system keeps them (``abilities.keeps_history``)."""
        return []

    def renewal_check(self, loan: Loan) -> RenewalCheck:
        raise NotImplementedError

    def renew(self, loan: Loan) -> Renewal:
        """Renew now (``abilities.renews``); a refusal is a ``Renewal`` with its code."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections."""
