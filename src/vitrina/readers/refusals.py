"""Why a loan was not renewed, in plain words for the reader, and whether asking again
later can help.

The codes are Koha's own (``CanBookBeRenewed``; its REST API answers them in the body of
a refused renewal and of the ``allows_renewal`` pre-check); a librarian refusing a request
from the queue chooses among the same reasons, so the reader reads the same sentence
whichever way the answer came.

A refusal is *permanent* when asking again later changes nothing by itself — the book is
reserved by someone else, the renewals are used up, the reader's account is blocked. Such
a refusal never tells the reader to try later (VuFind's Koha driver draws the same line
for ``onsite_checkout``, ``on_reserve`` and ``too_many``). Only "too soon" is temporary.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TOO_MANY = "too_many"
ON_RESERVE = "on_reserve"
RESTRICTION = "restriction"
DEBARRED = "debarred"
OVERDUE = "overdue"
TOO_UNSEEN = "too_unseen"
TOO_SOON = "too_soon"
AUTO_TOO_SOON = "auto_too_soon"
AUTO_RENEW = "auto_renew"
AUTO_TOO_LATE = "auto_too_late"
AUTO_TOO_MUCH_OWEING = "auto_too_much_oweing"
AUTO_ACCOUNT_EXPIRED = "auto_account_expired"
ONSITE_CHECKOUT = "onsite_checkout"
ITEM_DENIED_RENEWAL = "item_denied_renewal"
ITEM_ISSUED_TO_OTHER_PATRON = "item_issued_to_other_patron"
NO_ITEM = "no_item"
NO_CHECKOUT = "no_checkout"
# Not Koha's: a librarian's own reason, written in the queue.
OTHER = "other"

TEXTS = {
    TOO_MANY: gettext_lazy(
        "The book has already been renewed as many times as the library allows. "
        "Please return it to the library."
    ),
    ON_RESERVE: gettext_lazy(
        "Another reader has reserved this book, so it cannot be renewed. "
        "Please return it by the due date."
    ),
    RESTRICTION: gettext_lazy(
        "Renewals are restricted on your library account. "
        "Please contact the library to find out why."
    ),
    DEBARRED: gettext_lazy(
        "Your library account is blocked, so books cannot be renewed. Please contact the library."
    ),
    OVERDUE: gettext_lazy(
        "You have overdue books, so renewals are not possible. "
        "Please return the overdue books first."
    ),
    TOO_UNSEEN: gettext_lazy(
        "The book has been renewed remotely too many times in a row. "
        "Please bring it to the library: it can be renewed there."
    ),
    TOO_SOON: gettext_lazy(
        "It is too early to renew this book. Please try again closer to the due date."
    ),
    AUTO_TOO_SOON: gettext_lazy(
        "This book will be renewed automatically closer to the due date; "
        "you need not do anything now."
    ),
    AUTO_RENEW: gettext_lazy(
        "This book is renewed automatically by the library; you need not do anything."
    ),
    AUTO_TOO_LATE: gettext_lazy(
        "It is too late to renew this book. Please return it to the library."
    ),
    AUTO_TOO_MUCH_OWEING: gettext_lazy(
        "Your library account has unpaid charges, so books cannot be renewed. "
        "Please contact the library."
    ),
    AUTO_ACCOUNT_EXPIRED: gettext_lazy(
        "Your library registration has expired, so books cannot be renewed. "
        "Please renew your registration at the library."
    ),
    ONSITE_CHECKOUT: gettext_lazy(
        "This book was issued for use in the library only and cannot be renewed."
    ),
    ITEM_DENIED_RENEWAL: gettext_lazy(
        "The library does not renew this book. Please return it by the due date."
    ),
    ITEM_ISSUED_TO_OTHER_PATRON: gettext_lazy(
        "The library system shows this book on another reader's card. Please contact the library."
    ),
    NO_ITEM: gettext_lazy(
        "The library system does not know this book any more. Please contact the library."
    ),
    NO_CHECKOUT: gettext_lazy(
        "The library system does not show this book as issued to you: "
        "perhaps it has already been returned."
    ),
    OTHER: gettext_lazy("The library could not renew this book. Please contact the library."),
}

# Asking again later may succeed by itself: only these say so.
TEMPORARY = frozenset({TOO_SOON, AUTO_TOO_SOON})

# The reasons a librarian chooses from when refusing a request from the queue.
LIBRARIAN_REASONS = (
    ON_RESERVE,
    TOO_MANY,
    OVERDUE,
    DEBARRED,
    RESTRICTION,
    ITEM_DENIED_RENEWAL,
    ONSITE_CHECKOUT,
    TOO_SOON,
    NO_CHECKOUT,
    OTHER,
)

CODES = tuple(TEXTS)


def known(code: str) -> bool:
    return code in TEXTS


def refusal_text(code: str) -> str:
    """The reader's sentence for a refusal; an unknown code (a newer Koha's) gets the
    library's general one, never the bare code."""
    text = TEXTS.get((code or "").strip().lower())
    if text is None:
        return _(
            "The library system did not allow the renewal. Please contact the library: "
            "the librarian will see the reason."
        )
    return str(text)


def is_permanent(code: str) -> bool:
    """True unless asking again later can help by itself; an unknown code is permanent,
    since promising a retry that may never work is worse than sending the reader to the
    library."""
    return (code or "").strip().lower() not in TEMPORARY


def reason_choices() -> list[tuple[str, str]]:
    """The queue's choice of reasons, each with its sentence."""
    return [(code, str(TEXTS[code])) for code in LIBRARIAN_REASONS]
