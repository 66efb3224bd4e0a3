"""A reader links their library card to the dialog they write from.

The reader never gives a password in the chat. The dialog gets a one-time address
(``LinkRequest``: a random token of which only the hash is kept, valid for half an hour,
spent once used); the page it opens asks for the card and what the library system checks
(Koha: the reader's password for the library's catalogue, verified by the system itself;
IRBIS64 and a file: the surname or the year of birth), then for the consents, one per
purpose. Failed attempts are counted on the request and per address (``core.throttle``).
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vitrina.catalog.connectors.circulation import IlsError
from vitrina.channels.models import Channel
from vitrina.channels.providers.errors import Undeliverable
from vitrina.channels.providers.registry import provider_class
from vitrina.channels.providers.types import Button
from vitrina.core import throttle
from vitrina.core.audit import audit_record
from vitrina.core.exceptions import ServiceError
from vitrina.readers import dialog
from vitrina.readers.circulation import circulation_for
from vitrina.readers.consent_texts import consent_text, operator_of
from vitrina.readers.models import Consent, LinkRequest, Purpose, Reader, ReaderLink
from vitrina.readers.selectors.connections import connection_for_library
from vitrina.readers.services.dialog_send import dialog_say

logger = logging.getLogger(__name__)

LINK_MINUTES = 30
# Wrong cards or second factors one link takes before it is spent.
MAX_FAILED_ATTEMPTS = 5
THROTTLE_SCOPE = "reader-link"


class LinkRefused(ServiceError):
    """Why a card could not be linked; ``code`` says which, the message says it plainly."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reader_user_id(event) -> str:
    return str(event.author_id or event.thread or "")


def link_request_create(
    *, channel: Channel, user_id: str, kind: str = LinkRequest.Kind.LINK
) -> tuple[LinkRequest, str]:
    """A one-time address for the dialog; the token is returned once, its hash kept."""
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    request = LinkRequest.objects.create(
        channel=channel,
        network_user_id=str(user_id)[:100],
        kind=kind,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + timedelta(minutes=LINK_MINUTES),
    )
    return request, token


def public_url(token: str, kind: str = LinkRequest.Kind.LINK) -> str:
    name = (
        "readers_public:reader-link"
        if kind == LinkRequest.Kind.LINK
        else "readers_public:reader-data"
    )
    return settings.SITE_URL + reverse(name, kwargs={"token": token})


def link_request_find(token: str, kind: str = LinkRequest.Kind.LINK) -> LinkRequest | None:
    """The request of this token, used or not, expired or not (the page says which)."""
    if not token or len(token) > 100:
        return None
    return (
        LinkRequest.objects.filter(token_hash=_hash(token), kind=kind)
        .select_related("channel__library__organisation")
        .first()
    )


def link_request_problem(request: LinkRequest | None) -> LinkRefused | None:
    """Why this request can no longer be used, or None."""
    if request is None:
        return LinkRefused(
            _("This link is not valid. Ask for a new one in the dialog with the library."),
            code="gone",
        )
    if request.used_at is not None:
        return LinkRefused(
            _("This link has already been used. Ask for a new one in the dialog."), code="used"
        )
    if request.expires_at <= timezone.now():
        return LinkRefused(
            _("This link has expired. Ask for a new one in the dialog with the library."),
            code="expired",
        )
    if request.failed_attempts >= MAX_FAILED_ATTEMPTS:
        return LinkRefused(
            _("Too many wrong attempts with this link. Ask for a new one in the dialog."),
            code="locked",
        )
    return None


def live_purposes(reader: Reader) -> set[str]:
    return set(reader.consents.filter(withdrawn_at__isnull=True).values_list("purpose", flat=True))


def dialog_link(channel: Channel, user_id: str) -> ReaderLink | None:
    """The dialog's link, whatever its state."""
    return (
        ReaderLink.objects.filter(channel=channel, network_user_id=str(user_id))
        .select_related("reader")
        .first()
    )


def linked_reader(channel: Channel, user_id: str) -> Reader | None:
    """The reader of a link not stopped with at least one consent not withdrawn (a dialog
    that messages cannot reach for now is still linked)."""
    link = dialog_link(channel, user_id)
    if link is None or link.state == ReaderLink.State.STOPPED:
        return None
    if not link.reader.consents.filter(withdrawn_at__isnull=True).exists():
        return None
    return link.reader


@dataclass
class LinkPage:
    """What the linking page shows for a request."""

    request: LinkRequest
    library: object
    connection: object | None
    verifies_password: bool
    second_factor: str


def link_page(request: LinkRequest) -> LinkPage:
    library = request.channel.library
    connection = connection_for_library(library)
    verifies_password = False
    if connection is not None:
        circulation = circulation_for(connection)
        try:
            verifies_password = circulation.abilities.verifies_password
        finally:
            circulation.close()
    return LinkPage(
        request=request,
        library=library,
        connection=connection,
        verifies_password=verifies_password,
        second_factor=connection.second_factor if connection is not None else "",
    )


def _failed(request: LinkRequest, ip_address: str | None) -> None:
    LinkRequest.objects.filter(pk=request.pk).update(failed_attempts=F("failed_attempts") + 1)
    throttle.register_failure(f"link-{request.pk}", ip_address, THROTTLE_SCOPE)


def reader_link(
    *,
    token: str,
    card: str,
    secret: str,
    purposes: list[str],
    ip_address: str | None = None,
    user_agent: str = "",
) -> ReaderLink:
    """Verify the card with the library system and link it to the request's dialog with
    the consents chosen; the dialog is told. Raises ``LinkRefused`` with a plain reason."""
    request = link_request_find(token)
    problem = link_request_problem(request)
    if problem is not None:
        raise problem
    if throttle.is_locked(f"link-{request.pk}", ip_address, THROTTLE_SCOPE):
        raise LinkRefused(
            _("Too many wrong attempts. Wait a quarter of an hour and try again."),
            code="throttled",
        )
    card = (card or "").strip()
    secret = (secret or "").strip()
    if not card:
        raise LinkRefused(_("Enter the number of your library card."), code="card", field="card")
    if not secret:
        raise LinkRefused(_("This field is required."), code="secret", field="secret")
    chosen = [purpose for purpose in Purpose.values if purpose in set(purposes or [])]
    if not chosen:
        raise LinkRefused(
            _("Choose at least one purpose: without consent the library cannot write to you."),
            code="no_consent",
            field="purposes",
        )
    channel = request.channel
    library = channel.library
    connection = connection_for_library(library)
    if connection is None:
        raise LinkRefused(
            _("The library has not connected its library system yet. Try again later."),
            code="no_connection",
        )
    circulation = circulation_for(connection)
    try:
        patron = circulation.patron_by_card(card)
        if patron is None:
            _failed(request, ip_address)
            raise LinkRefused(
                _("No reader with this card number was found. Check the number on the card."),
                code="not_found",
                field="card",
            )
        verified = circulation.verify(card, secret)
    except IlsError as error:
        logger.warning("linking on connection %s: %s", connection.pk, error.reason)
        if error.reason == "not_found" and error.message:
            # The system's own reason written for the reader (a locked or expired login).
            raise LinkRefused(error.message, code="blocked", field="secret") from error
        raise LinkRefused(
            _("The library system does not answer right now. Try again in a few minutes."),
            code="unavailable",
        ) from error
    finally:
        circulation.close()
    if verified is None:
        _failed(request, ip_address)
        if circulation.abilities.verifies_password:
            message = _("The password does not match this card. Check it and try again.")
        else:
            message = _("The data does not match this card. Check it and try again.")
        raise LinkRefused(message, code="wrong", field="secret")
    throttle.clear_failures(f"link-{request.pk}", THROTTLE_SCOPE)
    link = _link_store(
        request=request,
        connection=connection,
        card=verified.card or patron.card or card,
        ils_id=verified.ils_id or patron.ils_id,
        purposes=chosen,
        ip_address=ip_address,
        user_agent=user_agent,
    )
    _confirm(link, key=f"linked:{request.pk}")
    return link


@transaction.atomic
def _link_store(*, request, connection, card, ils_id, purposes, ip_address, user_agent):
    request = LinkRequest.objects.select_for_update().get(pk=request.pk)
    if request.used_at is not None:
        raise link_request_problem(request)
    link = reader_link_record(
        channel=request.channel,
        network_user_id=request.network_user_id,
        connection=connection,
        card=card,
        ils_id=ils_id,
        purposes=purposes,
        ip_address=ip_address,
        user_agent=user_agent,
        inbound_at=request.created_at,
    )
    request.used_at = link.linked_at
    request.save(update_fields=["used_at"])
    return link


@transaction.atomic
def reader_link_record(
    *,
    channel: Channel,
    network_user_id: str,
    connection,
    card: str,
    ils_id: str = "",
    purposes: list[str],
    ip_address: str | None = None,
    user_agent: str = "",
    via: str = "web",
    inbound_at=None,
) -> ReaderLink:
    """Record a verified card linked to a dialog with the consents given (the linking
    page, after the library system confirmed the card; the demo's readers)."""
    library = channel.library
    reader, _created = Reader.objects.get_or_create(
        connection=connection,
        card=card[:40],
        defaults={
            "organisation": library.organisation,
            "library": library,
            "ils_id": str(ils_id or "")[:100],
        },
    )
    link = (
        ReaderLink.objects.select_for_update()
        .filter(channel=channel, network_user_id=network_user_id)
        .first()
    )
    live = (
        link is not None
        and link.state != ReaderLink.State.STOPPED
        and link.reader.consents.filter(withdrawn_at__isnull=True).exists()
    )
    if live:
        if link.reader_id == reader.pk:
            raise LinkRefused(_("This card is already linked to this dialog."), code="linked_here")
        raise LinkRefused(
            _(
                "This dialog is already linked to another library card. Withdraw the "
                "consent in the dialog first, then link the new card."
            ),
            code="linked_other",
        )
    now = timezone.now()
    if link is None:
        link = ReaderLink.objects.create(
            reader=reader,
            channel=channel,
            network_user_id=network_user_id,
            linked_at=now,
            last_inbound_at=inbound_at or now,
        )
    else:
        link.reader = reader
        link.state = ReaderLink.State.ACTIVE
        link.state_reason = ""
        link.linked_at = now
        link.save(update_fields=["reader", "state", "state_reason", "linked_at"])
    operator = operator_of(library)
    network = network_title(channel)
    Consent.objects.bulk_create(
        [
            Consent(
                reader=reader,
                purpose=purpose,
                text_version=text.version,
                text_hash=text.hash,
                given_at=now,
                network=channel.network,
                given_via=via,
                ip_address=ip_address or None,
                user_agent=(user_agent or "")[:300],
            )
            for purpose in purposes
            for text in [consent_text(purpose, operator=operator, network=network)]
        ]
    )
    # No card number nor network id in the log: it outlives a reader's deletion.
    audit_record(
        action="reader.linked",
        organisation=library.organisation,
        actor=None,
        changes={"reader": reader.pk, "network": channel.network, "purposes": list(purposes)},
        ip_address=ip_address,
    )
    return link


def network_title(channel: Channel) -> str:
    cls = provider_class(channel.network)
    return cls.title if cls is not None else channel.network


def _buttons_linked() -> list[Button]:
    return [
        Button(label=_("My books"), payload=dialog.BOOKS),
        Button(label=_("Withdraw consent"), payload=dialog.WITHDRAW),
    ]


def say(channel: Channel, user_id: str, text: str, *, key: str, buttons=()) -> None:
    """Answer in the dialog; a dialog that cannot be written to is marked so."""
    try:
        dialog_say(channel=channel, user_id=user_id, text=text, key=key, buttons=list(buttons))
    except Undeliverable as error:
        ReaderLink.objects.filter(
            channel=channel, network_user_id=str(user_id), state=ReaderLink.State.ACTIVE
        ).update(state=ReaderLink.State.UNDELIVERABLE, state_reason=str(error)[:300])


def _confirm(link: ReaderLink, *, key: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        purposes = ", ".join(
            str(Purpose(purpose).label).lower() for purpose in sorted(live_purposes(link.reader))
        )
        text = _(
            "Your library card is linked. You agreed to: %(purposes)s. You can see your "
            "books here or withdraw the consent at any time."
        ) % {"purposes": purposes}
        say(link.channel, link.network_user_id, text, key=key, buttons=_buttons_linked())


def link_offer(*, channel: Channel, user_id: str, key: str) -> LinkRequest | None:
    """Send the dialog a one-time address of the linking page; a dialog already linked is
    told so instead (and None returned)."""
    with translation.override(settings.LANGUAGE_CODE):
        reader = linked_reader(channel, user_id)
        if reader is not None:
            say(
                channel,
                user_id,
                _("Your library card is already linked to this dialog."),
                key=key,
                buttons=_buttons_linked(),
            )
            return None
        request, token = link_request_create(channel=channel, user_id=user_id)
        library = channel.library
        text = _(
            "To get reminders about your books and renew them here, link your library card "
            "of %(library)s. The link works for %(minutes)s minutes; never send your password "
            "in this chat."
        ) % {"library": library.name, "minutes": LINK_MINUTES}
        say(
            channel,
            user_id,
            text,
            key=key,
            buttons=[Button(label=_("Link my card"), url=public_url(token))],
        )
        return request


# Dialog handlers (registered from the app's ``ready()``)


def event_key(event, prefix: str) -> str:
    return event.external_id or f"{prefix}:{timezone.now().timestamp()}"


def on_dialog_opened(*, channel, event, **_ignored) -> None:
    """``dialog_started`` / ``dialog_allowed``: an unlinked reader gets the address; a
    linked dialog messages could not reach is open again."""
    user_id = reader_user_id(event)
    if not user_id:
        return
    if linked_reader(channel, user_id) is not None:
        ReaderLink.objects.filter(
            channel=channel, network_user_id=user_id, state=ReaderLink.State.UNDELIVERABLE
        ).update(state=ReaderLink.State.ACTIVE, state_reason="")
        return
    link_offer(channel=channel, user_id=user_id, key=event_key(event, "link"))


def on_link_button(*, channel, event, **_ignored) -> None:
    user_id = reader_user_id(event)
    if user_id:
        link_offer(channel=channel, user_id=user_id, key=event_key(event, "link"))


def on_link_words(*, channel, event, **_ignored) -> bool | None:
    """«Привязать билет», «мои книги» from an unlinked reader; a linked reader's words are
    left to the handler that answers them (False)."""
    user_id = reader_user_id(event)
    if not user_id:
        return False
    if linked_reader(channel, user_id) is not None:
        return False
    link_offer(channel=channel, user_id=user_id, key=event_key(event, "link"))
    return None


LINK_WORDS = r"привяза\w*\s+(?:читательск\w*\s+)?(?:билет|карт)"
BOOKS_WORDS = r"мои\s+книги"


def register() -> None:
    dialog.on_event("dialog_started", on_dialog_opened)
    dialog.on_event("dialog_allowed", on_dialog_opened)
    dialog.on_button(dialog.LINK, on_link_button)
    dialog.on_words(LINK_WORDS, on_link_words)
    dialog.on_words(BOOKS_WORDS, on_link_words)
