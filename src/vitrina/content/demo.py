"""Rubrics, series, posting slots and a few planned posts of the demo organisations.

The KNMB rubrics and virtual projects are those of its 2020 report; the planned posts fall
in the coming weeks so that the calendar has something to show.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from vitrina.channels.networks import Network
from vitrina.content.services import approval as approval_services
from vitrina.content.services import posts as post_services
from vitrina.content.services import rubrics as rubric_services
from vitrina.content.services import scheduling as scheduling_services
from vitrina.content.services import templates as template_services
from vitrina.core.models import Membership

# The demo runs the apps' steps in this order (posts before their figures).
DEMO_ORDER = 10

KNMB_RUBRICS = [
    ("Виртуальные выставки", "#1f5f8b", "1", "virtual-exhibitions"),
    ("Знаменательные даты в медицине", "#8e24aa", "2", "medical-dates"),
    ("Новые поступления", "#2e7d32", "1", "new-arrivals"),
    ("Реклама услуг", "#c65d00", "0.5", "services"),
    ("Мероприятия", "#b71c1c", "1", "events"),
]
KNMB_SERIES = [
    ("Из поколения победителей", "Знаменательные даты в медицине", date(2020, 5, 1)),
    ("Парад военных книг", "Виртуальные выставки", date(2020, 6, 18)),
    ("Панацея для фронта", "Знаменательные даты в медицине", date(2020, 4, 1)),
    ("Вахта памяти", "Мероприятия", date(2020, 5, 9)),
]
KNMB_POSTS = [
    (
        2,
        time(10, 0),
        "Новые поступления",
        None,
        "Новые поступления: учебники по фармакологии и клинической диагностике. "
        "Заказывайте в электронном каталоге: https://medlib42.ru/catalog",
    ),
    (
        5,
        time(12, 0),
        "Виртуальные выставки",
        "Парад военных книг",
        "«Парад военных книг»: воспоминания военных врачей из фонда библиотеки. "
        "Выставка на сайте: https://medlib42.ru/exhibitions/parade",
    ),
    (
        9,
        time(11, 0),
        "Знаменательные даты в медицине",
        "Из поколения победителей",
        "Из поколения победителей: рассказываем о враче, прошедшем войну и вернувшемся "
        "в Кузбасс, чтобы лечить.",
    ),
    (
        12,
        time(15, 0),
        "Мероприятия",
        "Вахта памяти",
        "Вахта памяти: приглашаем на встречу в читальном зале. Вход свободный.",
    ),
]
MEDNOGORSK_RUBRICS = [
    ("Афиша", "#b71c1c", "2", "events"),
    ("Новые книги", "#2e7d32", "1", "new-books"),
    ("Продление и сроки", "#1f5f8b", "0.5", "renewals"),
]


def load(context: dict) -> None:
    admin = context["users"]["demo"]
    knmb = context["organisations"]["knmb"]
    mednogorsk = context["organisations"]["mednogorsk"]
    rubrics = {}
    for organisation, rows in ((knmb, KNMB_RUBRICS), (mednogorsk, MEDNOGORSK_RUBRICS)):
        for name, colour, per_week, campaign in rows:
            rubrics[(organisation.slug, name)] = rubric_services.rubric_save(
                organisation=organisation,
                actor=admin,
                name=name,
                colour=colour,
                target_per_week=Decimal(per_week),
                utm_campaign=campaign,
            )
    series = {}
    for name, rubric, starts_on in KNMB_SERIES:
        series[name] = rubric_services.series_save(
            organisation=knmb,
            actor=admin,
            name=name,
            rubric=rubrics[("knmb", rubric)],
            starts_on=starts_on,
        )

    channels = context["channels"]
    group = next(c for c in channels if c.url == "https://vk.com/medlib42")
    library = context["libraries"]["main"]
    membership = Membership.objects.get(user=admin, organisation=knmb)
    zone = ZoneInfo(library.timezone)
    today = timezone.now().astimezone(zone).date()
    for days, at, rubric, series_name, text in KNMB_POSTS:
        post = post_services.post_create(
            organisation=knmb,
            actor=admin,
            channels=[group],
            library=library,
            rubric=rubrics[("knmb", rubric)],
            series=series.get(series_name),
            text=text,
            scheduled_at=datetime.combine(today + timedelta(days=days), at, tzinfo=zone),
        )
        approval_services.post_submit(post=post, actor=admin, membership=membership)
    # One draft an author sends for approval, so editors have something to approve.
    author = context["users"]["author"]
    draft = post_services.post_create(
        organisation=knmb,
        actor=author,
        channels=[group],
        library=library,
        rubric=rubrics[("knmb", "Реклама услуг")],
        text="Электронная доставка документов: статьи из медицинских журналов по заявке.",
        scheduled_at=datetime.combine(today + timedelta(days=7), time(10, 0), tzinfo=zone),
    )
    approval_services.post_submit(
        post=draft,
        actor=author,
        membership=Membership.objects.get(user=author, organisation=knmb),
    )

    template_services.template_save(
        organisation=knmb,
        actor=admin,
        name="Новые поступления",
        rubric=rubrics[("knmb", "Новые поступления")],
        text=(
            "Новые поступления в {библиотека}: …\n\n"
            "Заказать книги можно в электронном каталоге: {каталог}"
        ),
    )
    template_services.text_block_save(
        organisation=knmb,
        actor=admin,
        name="Адрес и часы работы",
        text="Ждём вас по будням с 9:00 до 18:00. #КНМБ #медицинскаябиблиотека",
    )

    template_services.template_save(
        organisation=mednogorsk,
        actor=admin,
        name="Афиша недели",
        rubric=rubrics[("mednogorsk", "Афиша")],
        text=(
            "Афиша {библиотека} на неделю с {дата}:\n\n…\n\n"
            "Вход свободный. Книги можно продлить онлайн: {каталог}"
        ),
    )
    template_services.template_save(
        organisation=mednogorsk,
        actor=admin,
        name="Новые книги",
        rubric=rubrics[("mednogorsk", "Новые книги")],
        text="Новые книги в {библиотека}: …\n\nСпрашивайте на абонементе.",
    )
    template_services.text_block_save(
        organisation=mednogorsk,
        actor=admin,
        name="Продление книг",
        text=(
            "Продлить книги можно по телефону, в сообщениях сообщества или на сайте. "
            "#библиотекиМедногорска"
        ),
    )

    for channel in channels:
        if channel.organisation_id != mednogorsk.pk or channel.network != Network.OK:
            continue
        for weekday in (1, 3):
            scheduling_services.slot_add(
                channel=channel, actor=admin, weekday=weekday, at=time(10, 0)
            )
