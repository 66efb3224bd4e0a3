"""Circulation of a library without Koha or IRBIS64: the loans of its last uploaded file.

A reader proves the card with the second factor the library chose (the surname or the
year of birth the file carries); renewals are requests a librarian confirms, and the next
file carries the new due day.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from django.utils.translation import gettext as _

from vitrina.catalog.connectors.circulation import (
    Abilities,
    Circulation,
    Loan,
    Patron,
    RenewalCheck,
)
from vitrina.catalog.connectors.irbis import normalise_surname
from vitrina.readers.models import FileLoan, IlsConnection


def normalise_card(card: str) -> str:
    """Cards are kept as the file gives them, spaces trimmed and letters in capitals."""
    return " ".join((card or "").split()).upper()


class FileCirculation(Circulation):
    abilities = Abilities(second_factor=True, renews=False, lists_all_loans=True)

    def __init__(self, connection: IlsConnection) -> None:
        self.connection = connection

    def _rows(self):
        return FileLoan.objects.filter(connection_id=self.connection.pk)

    def check(self) -> list[str]:
        if not self._rows().exists():
            return [_("No file of loans has been uploaded yet.")]
        return []

    def _patron(self, card: str) -> tuple[Patron, FileLoan] | None:
        card = normalise_card(card)
        if not card:
            return None
        row = self._rows().filter(card=card).order_by("pk").first()
        if row is None:
            return None
        return Patron(ils_id=row.card, card=row.card, surname=row.surname), row

    def patron_by_card(self, card: str) -> Patron | None:
        found = self._patron(card)
        return found[0] if found else None

    def verify(self, card: str, secret: str) -> Patron | None:
        given = (secret or "").strip()
        found = self._patron(card) if given else None
        if found is None:
            return None
        patron, row = found
        if self.connection.second_factor == IlsConnection.SecondFactor.BIRTH_YEAR:
            kept = str(row.birth_year or "")
            proven = bool(kept) and given.isdigit() and hmac.compare_digest(kept, given)
        else:
            kept = normalise_surname(row.surname)
            proven = bool(kept) and hmac.compare_digest(
                kept.encode(), normalise_surname(given).encode()
            )
        return patron if proven else None

    @staticmethod
    def _loan(row: FileLoan) -> Loan:
        return Loan(
            loan_id=row.loan_id,
            patron_id=row.card,
            due=row.due,
            title=row.title,
            loaned_on=row.loaned_on,
            renewals=row.renewals,
            item=row.loan_id,
        )

    def loans(self, patron: Patron) -> list[Loan]:
        rows = self._rows().filter(card=normalise_card(patron.card)).order_by("due", "loan_id")
        return [self._loan(row) for row in rows]

    def all_loans(self) -> Iterator[Loan]:
        for row in self._rows().order_by("card", "due", "pk").iterator(chunk_size=2000):
            yield self._loan(row)

    def renewal_check(self, loan: Loan) -> RenewalCheck:
        """A file keeps no renewal rules: the librarian decides on the request."""
        return RenewalCheck(allowed=True, current_renewals=loan.renewals)
