"""KNMB's 2020 in figures, as its report tells it (seed 001).

The history is generated so that the 2020 report reproduces the published figures: 65 VK
posts of the service department, 1,195 friends added to the VK page, 27,007 views, 9.9
visitors a day on the page and the group together (2,239 + 1,386 visits in the year), the
five virtual exhibitions with their views (5,891 in all, 191 likes, 13 reposts), the two
notes about people as the best materials (marked as such), and the page's users grown ×3.5
since 15 March. The exhibitions' issues and the notes about people carry a picture, and two
posts about the library's services ask a question in a poll, so that "what worked" compares
formats.
Everything else (dates, hours, the split of figures between posts and days) is drawn from a
seeded random generator, so the demo is the same on every run.
"""

import random
from datetime import date, datetime, time, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

from django.utils import timezone
from PIL import Image

from vitrina.analytics.services.registry import channel_registry_refresh
from vitrina.analytics.services.reports import report_save
from vitrina.analytics.services.snapshots import (
    AccountFigures,
    PostFigures,
    account_snapshots_save,
    post_snapshots_save,
)
from vitrina.content.models import Post, PostMedia, Rubric, Tag, Variant
from vitrina.content.services.media import media_upload
from vitrina.content.services.rubrics import series_save
from vitrina.content.states import VariantState

# The demo runs the apps' steps in this order (after the posts it gives figures to).
DEMO_ORDER = 20

YEAR_START, YEAR_END = date(2020, 1, 1), date(2020, 12, 31)
PANDEMIC = date(2020, 3, 15)
# When the report was written: the posts' last figures are read then.
REPORTED_AT = datetime(2021, 1, 15, 10, 0)

EXHIBITIONS_RUBRIC = "Виртуальные выставки"
DATES_RUBRIC = "Знаменательные даты в медицине"
# (series, rubric, posts, views, likes, reposts, months in which the posts appear)
EXHIBITIONS = [
    ("Знаменательные даты в медицине", DATES_RUBRIC, 25, 3742, 98, 6, range(1, 13)),
    (
        "Ультразвуковая диагностика: новые книги по вопросам УЗИ, поступившие в КНМБ в 2020 году",
        EXHIBITIONS_RUBRIC,
        2,
        562,
        24,
        2,
        (9, 10),
    ),
    (
        "COVID-19: этиология, патогенез, диагностика и лечение",
        EXHIBITIONS_RUBRIC,
        2,
        486,
        21,
        2,
        (4, 5),
    ),
    (
        "Галерея новинок: книги, поступившие в КНМБ в ноябре 2020 года",
        EXHIBITIONS_RUBRIC,
        1,
        418,
        17,
        1,
        (12,),
    ),
    ("Медики в годы ВОВ", EXHIBITIONS_RUBRIC, 3, 683, 31, 2, (5, 6)),
]
# The notes about people that gathered the most views.
PEOPLE = [
    (
        datetime(2020, 3, 23, 11, 0),
        "100 лет со дня рождения Зинаиды Михайловны Туснолобовой-Марченко, "
        "фронтовой медсестры, Героя Советского Союза",
        1046,
        58,
        9,
    ),
    (
        datetime(2020, 11, 7, 11, 0),
        "130 лет со дня рождения Александра Николаевича Бакулева, основоположника "
        "сердечно-сосудистой хирургии",
        1234,
        64,
        11,
    ),
]
VK_POSTS, VK_VIEWS = 65, 27007
# The polls of the services' posts: (question, answers), given to the first of them.
POLLS = [
    (
        "Какими удалёнными ресурсами КНМБ вы пользуетесь?",
        ["Электронный каталог", "Электронная доставка документов", "Базы данных", "Пока никакими"],
    ),
    (
        "Удобно ли вам заказывать статьи по электронной почте?",
        ["Да", "Нет", "Ещё не пробовал(а)"],
    ),
]
# The rest of the service department's posts: rubric and a working title.
OTHER_POSTS = [
    ("Новые поступления", "Новые поступления: книги по {topic}"),
    ("Реклама услуг", "Услуги КНМБ: {topic}"),
    ("Мероприятия", "Заметка о мероприятии: {topic}"),
]
TOPICS = [
    "кардиологии",
    "педиатрии",
    "фармакологии",
    "неврологии",
    "хирургии",
    "онкологии",
    "стоматологии",
    "эпидемиологии",
    "сестринскому делу",
    "организации здравоохранения",
]
DEPARTMENT = "Отдел обслуживания"
# The other departments' posts make up the frequencies of Table 1: 7 a week on the page,
# 4–5 a week in the group.
OTHER_DEPARTMENTS = {"page": 366 - 40, "group": 235 - 25}
PAGE = {"joined": 1195, "visits": 2239, "start": 497, "pandemic": 579, "end": 2025}
GROUP = {"joined": 268, "visits": 1386, "start": 229, "pandemic": 251, "end": 490}
CONCLUSIONS = (
    "Только за период с начала пандемии до конца 2020 года количество пользователей "
    "страницы КНМБ ВКонтакте выросло в 3,5 раза.\n"
    "Виртуальные пользователи чаще стали пользоваться удалёнными информационными ресурсами "
    "библиотеки, рекламу которых они увидели в соцсетях; выросло число переходов на сайт.\n"
    "В планах на 2021 год — виртуальные проекты «Медицинская наука Кузбасса: взгляд сквозь "
    "десятилетия» и «Сибирь переселенческая», больше виртуальных выставок и постов с "
    "опросами, гостевые посты экспертов."
)

YEAR_CONCLUSIONS = (
    "Библиотеки системы ведут страницы в Одноклассниках и ВКонтакте регулярно: "
    "больше всего просмотров собирают посты с фотографиями с мероприятий.\n"
    "В следующем году — опросы читателей, напоминания о сроке возврата книг и продление "
    "через сообщения, страницы у всех филиалов."
)


def split(total: int, parts: int, rng: random.Random, spread: float = 0.35) -> list[int]:
    """``total`` in ``parts`` positive shares of similar size that add up exactly."""
    weights = [1 + rng.uniform(-spread, spread) for _ in range(parts)]
    scale = total / sum(weights)
    shares = [int(weight * scale) for weight in weights]
    for index in range(total - sum(shares)):
        shares[index % parts] += 1
    return shares


def load(context: dict) -> None:
    rng = random.Random(2020)
    knmb = context["organisations"]["knmb"]
    admin = context["users"]["demo"]
    library = context["libraries"]["main"]
    zone = ZoneInfo(library.timezone)
    channels = [channel for channel in context["channels"] if channel.organisation_id == knmb.pk]
    page = next(channel for channel in channels if channel.url == "https://vk.com/id547852393")
    group = next(channel for channel in channels if channel.url == "https://vk.com/medlib42")
    rubrics = {rubric.name: rubric for rubric in Rubric.objects.filter(organisation=knmb)}

    picture = _picture(knmb, admin)
    people = {title for _published, title, *_figures in PEOPLE}
    polls = iter(POLLS)
    posts = []  # (published, title, rubric, series, views, likes, reposts)
    for name, rubric, count, views, likes, reposts, months in EXHIBITIONS:
        series = series_save(organisation=knmb, actor=admin, name=name, rubric=rubrics[rubric])
        months = list(months)
        for index, (share, like, repost) in enumerate(
            zip(
                split(views, count, rng),
                split(likes, count, rng, 0.6),
                _scatter(reposts, count, rng),
                strict=True,
            )
        ):
            month = months[index * len(months) // count]
            published = _moment(rng, month)
            posts.append(
                (published, f"{name}: выпуск {index + 1}", rubric, series, share, like, repost)
            )
    for published, title, views, likes, reposts in PEOPLE:
        posts.append((published, title, DATES_RUBRIC, None, views, likes, reposts))
    others = VK_POSTS - len(posts)
    remaining = VK_VIEWS - sum(item[4] for item in posts)
    for index, share in enumerate(split(remaining, others, rng, 0.4)):
        rubric, title = OTHER_POSTS[index % len(OTHER_POSTS)]
        topic = TOPICS[index % len(TOPICS)]
        likes = max(1, share // 40 + rng.randint(-3, 3))
        posts.append(
            (
                _moment(rng, rng.randint(1, 12)),
                title.format(topic=topic),
                rubric,
                None,
                share,
                likes,
                rng.randint(0, 2),
            )
        )

    targets = [page] * 40 + [group] * (VK_POSTS - 40)
    rng.shuffle(targets)
    figures = {page.pk: [], group.pk: []}
    for number, ((published, title, rubric, series, views, likes, reposts), channel) in enumerate(
        zip(sorted(posts, key=lambda item: item[0]), targets, strict=True), start=1
    ):
        published = published.replace(tzinfo=zone)
        poll = next(polls, None) if rubric == "Реклама услуг" else None
        post = Post.objects.create(
            organisation=knmb,
            library=library,
            author=admin,
            title=title[:200],
            text=title,
            rubric=rubrics[rubric],
            series=series,
            about_people=title in people,
            poll_question=poll[0] if poll else "",
            poll_answers=poll[1] if poll else [],
            scheduled_at=published,
        )
        if series is not None or title in people:
            PostMedia.objects.create(post=post, asset=picture)
        external_id = str(1000 + number)
        Variant.objects.create(
            post=post,
            channel=channel,
            text=title,
            scheduled_at=published,
            published_at=published,
            state=VariantState.PUBLISHED,
            external_id=external_id,
            external_url=f"{channel.url}?w=wall{external_id}",
        )
        comments = rng.randint(0, 3)
        for moment, part in _growth(published, REPORTED_AT.replace(tzinfo=zone)):
            figures[channel.pk].append(
                PostFigures(
                    external_id=external_id,
                    taken_at=moment,
                    views=round(views * part),
                    likes=round(likes * part),
                    reposts=round(reposts * part),
                    comments=round(comments * part),
                    reach=round(views * part * 0.8),
                    published_at=published,
                )
            )
    department = Tag.objects.create(organisation=knmb, name=DEPARTMENT)
    department.posts.set(Post.objects.filter(organisation=knmb, scheduled_at__year=2020))
    _other_departments(knmb, library, admin, zone, page, group, rubrics, rng, figures)
    for channel in (page, group):
        post_snapshots_save(channel=channel, figures=figures[channel.pk])
    account_snapshots_save(channel=page, figures=_days(PAGE, rng))
    account_snapshots_save(channel=group, figures=_days(GROUP, rng))
    for channel in (page, group):
        channel_registry_refresh(channel=channel)
    context["analytics_report"] = report_save(
        organisation=knmb,
        actor=admin,
        library=library,
        title="Работа КНМБ в социальных сетях в 2020 году",
        date_from=YEAR_START,
        date_to=YEAR_END,
        growth_since=PANDEMIC,
        tag=department,
        conclusions=CONCLUSIONS,
        signer_position="Заведующая отделом обслуживания КНМБ",
        signer_name="И. В. Редакторова",
    )
    # The library system's report of this year: its figures come from the networks (the
    # sandbox) as the rounds collect them; the wording is the librarian's.
    year = timezone.localdate().year
    context["analytics_year_report"] = report_save(
        organisation=context["organisations"]["mednogorsk"],
        actor=admin,
        title=f"Работа ЦБС Медногорска в социальных сетях в {year} году",
        date_from=date(year, 1, 1),
        date_to=date(year, 12, 31),
        conclusions=YEAR_CONCLUSIONS,
        signer_position="Директор ЦБС Медногорска",
        signer_name="С. А. Филиалова",
    )


def _picture(knmb, admin):
    """A plain picture for the demo's illustrated posts, drawn here rather than shipped."""
    buffer = BytesIO()
    Image.new("RGB", (640, 400), (46, 94, 140)).save(buffer, format="PNG")
    return media_upload(
        organisation=knmb,
        actor=admin,
        data=buffer.getvalue(),
        name="knmb-vystavka.png",
        alt_text="Обложка выпуска виртуальной выставки КНМБ",
    )


def _scatter(total: int, parts: int, rng: random.Random) -> list[int]:
    """A few reposts fall on some posts only."""
    shares = [0] * parts
    for _ in range(total):
        shares[rng.randrange(parts)] += 1
    return shares


def _moment(rng: random.Random, month: int) -> datetime:
    day = rng.randint(1, 28)
    hour = rng.choice((9, 10, 11, 12, 13, 14, 15, 16, 17, 19))
    return datetime.combine(date(2020, month, day), time(hour, rng.choice((0, 15, 30, 45))))


# How much of its final figures a post has at each collection: the decaying schedule.
GROWTH = [
    (timedelta(hours=1), 0.15),
    (timedelta(hours=3), 0.3),
    (timedelta(hours=12), 0.55),
    (timedelta(hours=24), 0.7),
    (timedelta(hours=48), 0.8),
    (timedelta(days=7), 0.92),
    (timedelta(days=30), 0.97),
]


def _growth(published: datetime, reported: datetime):
    for offset, part in GROWTH:
        if published + offset < reported:
            yield published + offset, part
    yield reported, 1.0


def _days(figures: dict, rng: random.Random) -> list[AccountFigures]:
    """A year of days: followers rising through the anchors, friends added and visits split
    over the days, more of both after the libraries closed in March."""
    days = [YEAR_START + timedelta(days=n) for n in range((YEAR_END - YEAR_START).days + 1)]
    weights = [
        (3.0 if day >= PANDEMIC else 1.0) * (0.6 if day.weekday() >= 5 else 1.0) for day in days
    ]
    visits = _weighted(figures["visits"], weights, rng)
    joined = _weighted(figures["joined"], weights, rng)
    result = []
    for day, visitors, added in zip(days, visits, joined, strict=True):
        if day <= PANDEMIC:
            share = (day - YEAR_START).days / (PANDEMIC - YEAR_START).days
            followers = figures["start"] + share * (figures["pandemic"] - figures["start"])
        else:
            share = (day - PANDEMIC).days / (YEAR_END - PANDEMIC).days
            followers = figures["pandemic"] + share * (figures["end"] - figures["pandemic"])
        result.append(
            AccountFigures(
                day=day,
                followers=round(followers),
                joined=added,
                left=rng.randint(0, 1),
                visitors=visitors,
                views=visitors * 3 + rng.randint(0, 5),
                reach=visitors * 5 + rng.randint(0, 20),
            )
        )
    return result


def _weighted(total: int, weights: list[float], rng: random.Random) -> list[int]:
    noisy = [weight * rng.uniform(0.5, 1.5) for weight in weights]
    scale = total / sum(noisy)
    shares = [int(weight * scale) for weight in noisy]
    order = sorted(range(len(shares)), key=lambda index: -noisy[index])
    for index in range(total - sum(shares)):
        shares[order[index % len(order)]] += 1
    return shares


def _other_departments(knmb, library, admin, zone, page, group, rubrics, rng, figures) -> None:
    days = (YEAR_END - YEAR_START).days + 1
    plan = [(page, OTHER_DEPARTMENTS["page"]), (group, OTHER_DEPARTMENTS["group"])]
    rows = []
    for channel, count in plan:
        for index in range(count):
            day = YEAR_START + timedelta(days=index * days // count)
            hour = rng.choice((8, 9, 10, 12, 14, 16, 18, 20))
            published = datetime.combine(day, time(hour, 0), tzinfo=zone)
            rubric, title = OTHER_POSTS[index % len(OTHER_POSTS)]
            rows.append((channel, published, rubric, title.format(topic=rng.choice(TOPICS))))
    posts = Post.objects.bulk_create(
        Post(
            organisation=knmb,
            library=library,
            author=admin,
            title=title,
            text=title,
            rubric=rubrics[rubric],
            scheduled_at=published,
        )
        for _channel, published, rubric, title in rows
    )
    variants = Variant.objects.bulk_create(
        Variant(
            post=post,
            channel=channel,
            text=post.text,
            scheduled_at=published,
            published_at=published,
            state=VariantState.PUBLISHED,
            external_id=str(5000 + number),
        )
        for number, (post, (channel, published, _rubric, _title)) in enumerate(
            zip(posts, rows, strict=True)
        )
    )
    for variant in variants:
        views = rng.randint(60, 400)
        figures[variant.channel_id].append(
            PostFigures(
                external_id=variant.external_id,
                taken_at=REPORTED_AT.replace(tzinfo=zone),
                views=views,
                likes=views // 30,
                reposts=rng.randint(0, 1),
                comments=rng.randint(0, 1),
                reach=round(views * 0.8),
                published_at=variant.published_at,
                variant_id=variant.pk,
            )
        )
