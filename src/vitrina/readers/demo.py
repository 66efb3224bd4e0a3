"""Reader services in the demo: library-system connections and readers linked in dialogs.

The medical library runs Koha (the sandbox's Koha emulator), the Mednogorsk system IRBIS64
(the sandbox's IRBIS64 server) for its branches, and its central library keeps its loans in
a file, loaded here. A dozen readers have linked their cards in the dialogs of the
libraries' VK and MAX channels and consented, so reminders and renewals have someone to
serve; with the sandbox running their dialogs are opened there (messages allowed).

Readers are recorded directly, not by walking each through the linking page: the demo
builds in a moment.
"""

import datetime
import logging
from urllib.parse import urlsplit

import httpx
from django.core.files.base import ContentFile
from django.utils import timezone

from vitrina.readers.models import IlsConnection, IlsKind, Purpose
from vitrina.readers.services import connections, file_loans, loans, reminders
from vitrina.readers.services.linking import reader_link_record

logger = logging.getLogger(__name__)

# After the catalogue and the exhibitions; the reminders' and renewals' demo come after.
DEMO_ORDER = 60

# The central library of Mednogorsk: (card, surname, year of birth, [(title, days from today)])
FILE_READERS = [
    ("Ф000101", "Андреева", 1987, [("Пушкин А. С. Капитанская дочка", 3)]),
    ("Ф000102", "Белов", 1975, [("Толстой Л. Н. Война и мир. Т. 1", 0)]),
    ("Ф000103", "Васильева", 2009, [("Носов Н. Н. Приключения Незнайки", -4)]),
    (
        "Ф000104",
        "Григорьев",
        1962,
        [("Шолохов М. А. Тихий Дон", 10), ("Бажов П. П. Малахитовая шкатулка", 1)],
    ),
    ("Ф000105", "Дмитриева", 1991, [("Чехов А. П. Рассказы", -12)]),
    ("Ф000106", "Егоров", 2011, [("Драгунский В. Ю. Денискины рассказы", 2)]),
    ("Ф000107", "Жукова", 1983, [("Гоголь Н. В. Мёртвые души", -31)]),
    ("Ф000108", "Захаров", 1970, [("Булгаков М. А. Мастер и Маргарита", 5)]),
]
KOHA_READERS = 6
PURPOSES = [Purpose.REMINDERS, Purpose.RENEWALS]


def _channel(context, organisation, network, address=""):
    for channel in context["channels"]:
        if channel.organisation_id != organisation.pk or channel.network != network:
            continue
        if not address or address in (channel.url or ""):
            return channel
    return None


def _loans_file() -> ContentFile:
    today = timezone.localdate()
    lines = [
        "Читательский билет;Фамилия;Год рождения;Инвентарный номер;Название;"
        "Дата выдачи;Срок возврата"
    ]
    number = 0
    for card, surname, year, books in FILE_READERS:
        for title, days in books:
            number += 1
            due = today + datetime.timedelta(days=days)
            given = due - datetime.timedelta(days=21)
            lines.append(
                f"{card};{surname};{year};ЦБ-{number:05d};{title};{given:%d.%m.%Y};{due:%d.%m.%Y}"
            )
    return ContentFile(("\n".join(lines) + "\n").encode(), name="vydachi.csv")


def _account_key(sandbox, channel) -> str:
    path = urlsplit(channel.url or "").path.strip("/")
    for key, account in sandbox.accounts().items():
        if account.get("network") == channel.network and account.get("screen_name") == path:
            return key
    return ""


def _open_dialogs(sandbox, channel, user_ids) -> None:
    key = _account_key(sandbox, channel)
    if key:
        sandbox.dialogs_open(key, [int(user_id) for user_id in user_ids])


def _link(channel, connection, readers, first_id) -> list[str]:
    """Link ``readers`` [(card, ils id)] to dialogs of ``channel``; their user ids."""
    user_ids = []
    for number, (card, ils_id) in enumerate(readers):
        user_id = str(first_id + number)
        reader_link_record(
            channel=channel,
            network_user_id=user_id,
            connection=connection,
            card=card,
            ils_id=ils_id,
            purposes=[*PURPOSES, Purpose.RECOMMENDATIONS] if number % 3 == 0 else PURPOSES,
        )
        user_ids.append(user_id)
    return user_ids


def load(context) -> None:
    sandbox = context.get("sandbox")
    knmb = context["organisations"]["knmb"]
    mednogorsk = context["organisations"]["mednogorsk"]
    central = context["libraries"]["central"]
    made = {}

    # Mednogorsk's central library: a file of loans, its readers on VK and MAX.
    file_connection = connections.connection_create(
        organisation=mednogorsk,
        actor=None,
        name="Выдачи центральной библиотеки (файл)",
        library=central,
        kind=IlsKind.FILE,
        second_factor=IlsConnection.SecondFactor.SURNAME,
    )
    file_loans.file_loans_replace(
        connection=file_connection, uploaded_file=_loans_file(), actor=None
    )
    made["file"] = file_connection
    cards = [(card, card) for card, *_rest in FILE_READERS]
    dialogs = []
    vk = _channel(context, mednogorsk, "vk")
    max_channel = _channel(context, mednogorsk, "max")
    if vk is not None:
        dialogs.append((vk, _link(vk, file_connection, cards[:4], 41000101)))
    if max_channel is not None:
        dialogs.append((max_channel, _link(max_channel, file_connection, cards[4:], 77000101)))

    if sandbox is not None:
        irbis = sandbox.irbis_info()
        made["irbis"] = connections.connection_create(
            organisation=mednogorsk,
            actor=None,
            name="ИРБИС64 филиалов",
            kind=IlsKind.IRBIS,
            host=irbis["host"],
            port=int(irbis["port"]),
            username=irbis["username"],
            secret=irbis["password"],
            second_factor=IlsConnection.SecondFactor.SURNAME,
        )
        koha = sandbox.koha_credentials()
        made["koha"] = koha_connection = connections.connection_create(
            organisation=knmb,
            actor=None,
            name="Koha КНМБ",
            kind=IlsKind.KOHA,
            base_url=koha["url"],
            auth=IlsConnection.Auth.BASIC,
            username=koha["username"],
            secret=koha["password"],
        )
        patrons = sandbox.koha_patrons(kind="renewable", limit=KOHA_READERS)
        koha_cards = [(p["card"], str(p.get("patron_id", ""))) for p in patrons]
        half = len(koha_cards) // 2
        for channel, readers, first_id in (
            (_channel(context, knmb, "vk", "medlib42"), koha_cards[:half], 42000101),
            (_channel(context, knmb, "max"), koha_cards[half:], 78000101),
        ):
            if channel is not None and readers:
                dialogs.append((channel, _link(channel, koha_connection, readers, first_id)))
        for channel, user_ids in dialogs:
            try:
                _open_dialogs(sandbox, channel, user_ids)
            except httpx.HTTPError:  # the demo goes on without the sandbox's dialogs
                logger.warning("the sandbox did not open the demo's dialogs on %s", channel)
    context["ils_connections"] = made
    # The linked readers' loans read and their reminders planned now, so the debtors list
    # and the first reminders are there when the demo opens, not a round later.
    for connection in made.values():
        loans.loans_sync_connection(connection=connection)
    reminders.reminders_plan_round()
