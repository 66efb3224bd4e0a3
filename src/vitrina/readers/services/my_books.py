"""«Мои книги»: the reader's current loans, read live from the library system, answered in
the dialog with their titles and due days and a «Продлить» button for each.

Reminders carry only the number of books and the date; the titles are here, behind the
reader's own press or words.
"""

import logging

from django.utils import translation
from django.utils.translation import gettext as _

from vitrina.catalog.connectors.circulation import IlsError
from vitrina.channels.providers.errors import Undeliverable
from vitrina.channels.providers.types import Button
from vitrina.readers import dialog
from vitrina.readers.models import ReaderLink
from vitrina.readers.services.dialog_send import dialog_say
from vitrina.readers.services.loans import circulation_of, patron_of
from vitrina.readers.services.reminders import due_text

logger = logging.getLogger(__name__)

# The reader's own words that ask for the list.
WORDS = r"\bмои\s+книги\b|\bмоих\s+книг\b"
# Buttons under one message: networks take up to ten; the rest are named in the text.
MAX_BUTTONS = 6
LABEL = 40  # VK's longest button label


def _label(title: str) -> str:
    label = _("Renew «%(title)s»") % {"title": title or _("book")}
    if len(label) <= LABEL:
        return label
    room = LABEL - len(_("Renew «%(title)s»") % {"title": ""}) - 1
    return _("Renew «%(title)s»") % {"title": title[:room].rstrip() + "…"}


def _read(reader) -> list:
    """The reader's loans as the system has them now; shown, not stored (only readers who
    consented to reminders or renewals have their loans kept)."""
    circulation = circulation_of(reader.connection)
    try:
        return [item for item in circulation.loans(patron_of(reader)) if not item.returned]
    finally:
        circulation.close()


def books_answer(*, link: ReaderLink) -> tuple[str, list[Button]]:
    """The text and the buttons of the answer for a linked reader."""
    with translation.override("ru"):
        try:
            loans = sorted(_read(link.reader), key=lambda item: item.due)
        except IlsError:
            return _("The library system does not answer right now. Please try a little later."), []
        if not loans:
            return _("You have no books on loan now."), []
        lines = [_("Your books:")]
        for number, item in enumerate(loans, 1):
            title = " ".join((item.title or _("book")).split())
            lines.append(
                _("%(number)s. %(title)s — due %(day)s")
                % {"number": number, "title": title, "day": due_text(item.due)}
            )
        buttons = [
            Button(
                label=_label(" ".join((item.title or "").split())),
                payload=f"{dialog.RENEW}:{item.loan_id}",
            )
            for item in loans[:MAX_BUTTONS]
        ]
        return "\n".join(lines), buttons


def _answer(*, channel, event) -> None:
    user_id = str(event.author_id or event.thread)
    link = (
        ReaderLink.objects.select_related("reader__connection")
        .filter(channel=channel, network_user_id=user_id, state=ReaderLink.State.ACTIVE)
        .first()
    )
    key = f"books:{event.external_id}"
    if link is None:
        with translation.override("ru"):
            text = _("Link your library card first: then your books are shown here.")
            buttons = [Button(label=_("Link the card"), payload=dialog.LINK)]
    else:
        text, buttons = books_answer(link=link)
    try:
        dialog_say(channel=channel, user_id=user_id, text=text, key=key, buttons=buttons)
    except Undeliverable as error:
        if link is not None:
            ReaderLink.objects.filter(pk=link.pk).update(
                state=ReaderLink.State.UNDELIVERABLE, state_reason=error.message[:300]
            )


def books_button(*, channel, event, argument="") -> None:
    _answer(channel=channel, event=event)


def books_words(*, channel, event, message=None) -> None:
    _answer(channel=channel, event=event)
