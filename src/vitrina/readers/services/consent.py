"""Consent withdrawn, and a reader's own data: seen, exported, deleted.

Withdrawal is one step and covers every purpose at once: the «Отозвать согласие» button,
the reader's words («стоп», «отписаться», «отозвать согласие») or the network's sign that
the reader stopped the dialog (VK's ``message_deny``, MAX's ``bot_stopped``, a blocked
Telegram bot). Reminders already planned are skipped at once.

The data page (a one-time address sent by the «Мои данные» button, valid for half an
hour) shows everything Vitrina holds about the reader, hands it out as JSON and deletes it;
the deletion leaves an audit entry without personal data.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vitrina.channels.models import Channel
from vitrina.channels.providers.types import Button
from vitrina.core.audit import audit_record
from vitrina.readers import dialog
from vitrina.readers.models import (
    Consent,
    LinkRequest,
    Reader,
    ReaderLink,
    Reminder,
)
from vitrina.readers.services.linking import (
    LINK_MINUTES,
    dialog_link,
    event_key,
    link_request_create,
    link_request_find,
    link_request_problem,
    public_url,
    reader_user_id,
    say,
)


@transaction.atomic
def consent_withdraw_all(*, reader: Reader, via: str) -> int:
    """Withdraw every live consent of the reader; planned reminders are skipped now.
    Returns how many consents were withdrawn."""
    now = timezone.now()
    withdrawn = Consent.objects.filter(reader=reader, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_via=via[:40]
    )
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The reader withdrew the consent.")
    Reminder.objects.filter(reader=reader, state=Reminder.State.PLANNED).update(
        state=Reminder.State.SKIPPED, result=reason
    )
    if withdrawn:
        audit_record(
            action="reader.consent_withdrawn",
            organisation=reader.organisation,
            actor=None,
            changes={"reader": reader.pk, "via": via, "consents": withdrawn},
        )
    return withdrawn


def on_withdraw(*, channel: Channel, event, **_ignored) -> bool | None:
    """The «Отозвать согласие» button or the reader's words: one step, every purpose."""
    user_id = reader_user_id(event)
    link = dialog_link(channel, user_id) if user_id else None
    if link is None:
        return False  # no reader here: the words may mean something else
    via = "button" if event.kind == "button" else "words"
    consent_withdraw_all(reader=link.reader, via=f"{via}:{channel.network}")
    with translation.override(settings.LANGUAGE_CODE):
        say(
            channel,
            user_id,
            _(
                "The consent is withdrawn: the library will not send you reminders or other "
                "messages. You can link your card again at any time."
            ),
            key=event_key(event, "withdraw"),
            buttons=[Button(label=_("Link again"), payload=dialog.LINK)],
        )
    return None


def on_stopped(*, channel: Channel, event, **_ignored) -> None:
    """The reader denied messages or stopped the bot: everything withdrawn, the link
    stopped; nothing is written back."""
    user_id = reader_user_id(event)
    link = dialog_link(channel, user_id) if user_id else None
    if link is None:
        return
    with transaction.atomic():
        consent_withdraw_all(reader=link.reader, via=f"stopped:{channel.network}")
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("The reader stopped the dialog or denied messages.")
        ReaderLink.objects.filter(pk=link.pk).update(
            state=ReaderLink.State.STOPPED, state_reason=reason
        )


def on_mydata(*, channel: Channel, event, **_ignored) -> None:
    """«Мои данные»: a one-time address of the reader's data page."""
    user_id = reader_user_id(event)
    if not user_id:
        return
    link = dialog_link(channel, user_id)
    with translation.override(settings.LANGUAGE_CODE):
        if link is None:
            say(
                channel,
                user_id,
                _(
                    "No library card is linked to this dialog, so the library keeps no "
                    "reader's data of yours."
                ),
                key=event_key(event, "mydata"),
                buttons=[Button(label=_("Link my card"), payload=dialog.LINK)],
            )
            return
        _request, token = link_request_create(
            channel=channel, user_id=user_id, kind=LinkRequest.Kind.DATA
        )
        say(
            channel,
            user_id,
            _(
                "Everything the library keeps about you as a reader: see it, download it or "
                "delete it. The link works for %(minutes)s minutes."
            )
            % {"minutes": LINK_MINUTES},
            key=event_key(event, "mydata"),
            buttons=[Button(label=_("My data"), url=public_url(token, LinkRequest.Kind.DATA))],
        )


WITHDRAW_WORDS = r"(?:^|[^\w])(?:стоп|отписаться|отпишите|отозвать\s+согласие)(?:[^\w]|$)"


def register() -> None:
    dialog.on_button(dialog.WITHDRAW, on_withdraw)
    dialog.on_button(dialog.MY_DATA, on_mydata)
    dialog.on_words(WITHDRAW_WORDS, on_withdraw)
    dialog.on_event("dialog_stopped", on_stopped)


# The reader's data page


def data_request_reader(token: str) -> tuple[LinkRequest | None, Reader | None, object]:
    """The data request of ``token``, its reader and the problem (None when usable). The
    address stays valid for its half hour, so the reader may look, download and delete."""
    request = link_request_find(token, LinkRequest.Kind.DATA)
    problem = link_request_problem(request)
    if problem is not None:
        return request, None, problem
    link = dialog_link(request.channel, request.network_user_id)
    if link is None:
        return request, None, None
    reader = Reader.objects.select_related("library__organisation", "connection").get(
        pk=link.reader_id
    )
    return request, reader, None


def _iso(value):
    return value.isoformat() if value is not None else None


def reader_data(reader: Reader) -> dict:
    """Everything Vitrina holds about the reader, as plain data (the page and the JSON)."""
    links = list(reader.links.select_related("channel").order_by("linked_at"))
    return {
        "organisation": reader.library.organisation.name,
        "library": reader.library.name,
        "card": reader.card,
        "known_since": _iso(reader.created_at),
        "links": [
            {
                "network": link.channel.network,
                "channel": link.channel.name,
                "network_user_id": link.network_user_id,
                "state": link.state,
                "state_text": str(link.get_state_display()),
                "linked_at": _iso(link.linked_at),
            }
            for link in links
        ],
        "consents": [
            {
                "purpose": consent.purpose,
                "purpose_text": str(consent.get_purpose_display()),
                "text_version": consent.text_version,
                "text_hash": consent.text_hash,
                "given_at": _iso(consent.given_at),
                "network": consent.network,
                "given_via": consent.given_via,
                "ip_address": consent.ip_address,
                "user_agent": consent.user_agent,
                "withdrawn_at": _iso(consent.withdrawn_at),
                "withdrawn_via": consent.withdrawn_via,
            }
            for consent in reader.consents.order_by("given_at")
        ],
        "loans": [
            {"title": loan.title, "due": _iso(loan.due), "renewals": loan.renewals}
            for loan in reader.loans.order_by("due")
        ],
        "reminders": [
            {
                "kind": reminder.kind,
                "kind_text": str(reminder.get_kind_display()),
                "due": _iso(reminder.due),
                "state": reminder.state,
                "sent_at": _iso(reminder.sent_at),
                "network": reminder.link.channel.network,
            }
            for reminder in reader.reminders.filter(
                Q(sent_at__isnull=False) | Q(state=Reminder.State.SENT)
            )
            .select_related("link__channel")
            .order_by("sent_at")
        ],
        "renewals": [
            {
                "title": renewal.title,
                "due": _iso(renewal.due),
                "state": renewal.state,
                "state_text": str(renewal.get_state_display()),
                "requested_at": _iso(renewal.requested_at),
                "decided_at": _iso(renewal.decided_at),
                "new_due": _iso(renewal.new_due),
                "refusal": renewal.refusal_text,
            }
            for renewal in reader.renewals.order_by("requested_at")
        ],
    }


@transaction.atomic
def reader_delete(*, reader: Reader) -> None:
    """Delete everything about the reader: the card, every link, consent, loan, reminder
    and renewal request, and the dialogs' pending addresses. The audit keeps only counts."""
    reader = Reader.objects.select_for_update().get(pk=reader.pk)
    dialogs = list(reader.links.values_list("channel_id", "network_user_id"))
    counts = {
        "links": len(dialogs),
        "consents": reader.consents.count(),
        "loans": reader.loans.count(),
        "reminders": reader.reminders.count(),
        "renewals": reader.renewals.count(),
    }
    requests = Q(pk__in=[])
    for channel_id, user_id in dialogs:
        requests |= Q(channel_id=channel_id, network_user_id=user_id)
    LinkRequest.objects.filter(requests).delete()
    organisation = reader.organisation
    reader.delete()
    audit_record(
        action="reader.deleted",
        organisation=organisation,
        actor=None,
        changes=counts,
        ip_address=None,
    )
