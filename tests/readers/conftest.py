from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.readers import (
    ConsentFactory,
    FileLoanFactory,
    IlsConnectionFactory,
    LoanFactory,
    ReaderFactory,
    ReaderLinkFactory,
)
from vitrina.channels.providers.types import InboundEvent
from vitrina.readers import dialog
from vitrina.readers.models import Purpose


@pytest.fixture
def file_world(library, channel):
    """A library whose loans come from a file: one linked reader who consented to
    renewals, with two loans (one due in two days, one in three weeks)."""
    today = timezone.localdate()
    connection = IlsConnectionFactory(library=library)
    reader = ReaderFactory(library=connection.library, connection=connection, card="F000123")
    link = ReaderLinkFactory(reader=reader, channel=channel, network_user_id="700001")
    ConsentFactory(reader=reader, purpose=Purpose.RENEWALS)
    soon = FileLoanFactory(
        connection=connection,
        card=reader.card,
        loan_id="inv-1",
        title="Мастер и Маргарита",
        due=today + timedelta(days=2),
    )
    later = FileLoanFactory(
        connection=connection,
        card=reader.card,
        loan_id="inv-2",
        title="Тихий Дон",
        due=today + timedelta(days=21),
    )
    for row in (soon, later):
        LoanFactory(reader=reader, loan_id=row.loan_id, title=row.title, due=row.due)
    return {"connection": connection, "reader": reader, "link": link, "channel": channel}


_events = iter(range(1, 10**9))


@pytest.fixture
def press():
    """The reader presses a button in the dialog (the router as the inbox calls it)."""

    def make(link, payload: str, event_id: str | None = None):
        number = next(_events)
        event = InboundEvent(
            kind="button",
            external_id=event_id or f"press-{number}",
            thread=link.network_user_id,
            text=payload,
            author_id=link.network_user_id,
            raw={"event_id": f"e{number}"},
        )
        dialog.handle(channel=link.channel, event=event)
        return event

    return make
