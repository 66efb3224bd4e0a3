"""Demo conversations: what readers of KNMB and the Mednogorsk libraries write.

With the networks' sandbox running, the readers write there and their messages arrive
through the ordinary receiving path, so a librarian can answer each of them.
"""

from datetime import timedelta

from django.utils import timezone

from vitrina.channels.providers.types import InboundEvent
from vitrina.core.models import Membership
from vitrina.inbox.models import Thread, ThreadStatus
from vitrina.inbox.polling import channel_poll
from vitrina.inbox.receiving import event_store
from vitrina.inbox.reference import suggest_kind
from vitrina.inbox.services.canned import canned_save
from vitrina.inbox.services.inquiries import inquiry_create
from vitrina.inbox.services.threads import thread_update

# The demo runs the apps' steps in this order (after the posts readers comment on).
DEMO_ORDER = 30

# (channel address without the scheme, kind, thread, reader id, reader name, minutes ago, text)
EVENTS = [
    (
        "vk.com/medlib42",
        "message",
        "310045",
        "310045",
        "Анастасия Белова",
        190,
        "Здравствуйте! Можно продлить «Нормальную физиологию» Судакова ещё на две недели? "
        "Читательский билет 10482.",
    ),
    (
        "vk.com/medlib42",
        "message",
        "288190",
        "288190",
        "Дмитрий Соколов",
        1600,
        "Добрый день. Подберите, пожалуйста, литературу по реабилитации после инсульта "
        "за последние пять лет, нужно для курсовой.",
    ),
    (
        "vk.com/medlib42",
        "comment",
        "1204",
        "410233",
        "Елена Миронова",
        75,
        "Спасибо за выставку «Парад военных книг»! Очень тронули воспоминания врачей.",
    ),
    (
        "vk.com/medlib42",
        "comment",
        "1204",
        "530871",
        "Игорь Павлов",
        40,
        "А почему в субботу читальный зал был закрыт? Приехал из Белова, а дверь заперта, "
        "никакого объявления.",
    ),
    (
        "vk.com/vinilius",
        "message",
        "612004",
        "612004",
        "Светлана Ильина",
        300,
        "Здравствуйте! Когда будет следующий вечер виниловых пластинок? Хотим прийти с классом.",
    ),
    (
        "vk.com/vinilius",
        "comment",
        "87",
        "733120",
        "Николай Гришин",
        20,
        "Третий раз звоню в библиотеку — никто не берёт трубку. Безобразие!",
    ),
    (
        "ok.ru/profile/561588730013",
        "comment",
        "155002",
        "581204",
        "Валентина Кузьмина",
        500,
        "Спасибо библиотекарям за тёплую встречу ко Дню пожилого человека!",
    ),
]


def _stored(channels: dict, now) -> dict:
    """Without a sandbox the conversations are only stored: there is nowhere to answer."""
    threads = {}
    for number, (url, kind, thread, reader_id, name, minutes, text) in enumerate(EVENTS, 1):
        message = event_store(
            channel=channels[url],
            event=InboundEvent(
                kind=kind,
                external_id=f"demo-{number}",
                thread=thread,
                text=text,
                author_id=reader_id,
                author_name=name,
                created_at=now - timedelta(minutes=minutes),
            ),
        )
        threads[(url, thread)] = message.thread
    return threads


def _through_sandbox(channels: dict, sandbox) -> dict:
    """The readers write in the sandbox's networks and their messages arrive the way every
    reader's do (polling): the sandbox knows the dialogs and the posts commented, so every
    conversation can be answered."""

    used = {url: channels[url] for url, *_rest in EVENTS}
    for channel in used.values():
        channel_poll(channel=channel)  # where the channel's events start
    posts = {}
    for url, kind, thread, reader_id, name, minutes, text in EVENTS:
        first_name, _space, last_name = name.partition(" ")
        written = sandbox.reader_writes(
            f"{channels[url].network}:{url.split('/', 1)[1]}",
            text,
            kind=kind,
            reader_id=int(reader_id),
            first_name=first_name,
            last_name=last_name,
            age_seconds=minutes * 60,
            **({"post_id": posts[(url, thread)]} if (url, thread) in posts else {}),
        )
        if kind == "comment":
            posts[(url, thread)] = written["post_id"]
    for channel in used.values():
        channel_poll(channel=channel)
    threads = {}
    for url, kind, thread, *_rest in EVENTS:
        external = str(posts[(url, thread)]) if kind == "comment" else thread
        threads[(url, thread)] = Thread.objects.get(
            channel=channels[url], kind=kind, external_thread=external
        )
    return threads


# Ready answers of each organisation ({reader}, {library}, {librarian} are filled in).
CANNED = {
    "knmb": [
        (
            "Продление книг",
            "{reader}, здравствуйте! Книги продлены на 14 дней. Вернуть их можно в любой "
            "день работы {library}. {librarian}",
        ),
        (
            "Запись в библиотеку",
            "{reader}, записаться можно с паспортом, а студенты — со студенческим билетом. "
            "Ждём вас! {librarian}",
        ),
        (
            "Справка принята",
            "{reader}, спасибо за вопрос! Подберём литературу и ответим здесь в течение "
            "рабочего дня. {librarian}, {library}",
        ),
    ],
    "mednogorsk": [
        (
            "Продление книг",
            "{reader}, здравствуйте! Продлили ваши книги на две недели. {librarian}, {library}",
        ),
        (
            "Часы работы",
            "{reader}, мы открыты со вторника по субботу с 10:00 до 19:00, в воскресенье — до "
            "17:00. {library}",
        ),
    ],
}


def _canned(context: dict) -> None:
    admin = context["users"]["demo"]
    for slug, answers in CANNED.items():
        organisation = context["organisations"][slug]
        membership = Membership.objects.get(user=admin, organisation=organisation)
        for title, text in answers:
            canned_save(membership=membership, title=title, text=text)


def load(context: dict) -> None:
    channels = {channel.url.split("://")[-1]: channel for channel in context["channels"]}
    sandbox = context.get("sandbox")
    if sandbox is not None:
        # The builder has connected the channels to the sandbox: readers write there.
        threads = _through_sandbox(channels, sandbox)
    else:
        threads = _stored(channels, timezone.now())
    knmb = context["organisations"]["knmb"]
    reference = Membership.objects.get(user=context["users"]["reference"], organisation=knmb)
    _canned(context)
    request = threads[("vk.com/medlib42", "288190")]
    thread_update(
        thread=request, membership=reference, status=ThreadStatus.IN_PROGRESS, assignee=reference
    )
    question = request.messages.get()
    inquiry_create(
        message=question,
        membership=reference,
        kind=suggest_kind(question.text),
        topic="Реабилитация после инсульта, литература за 5 лет",
    )
