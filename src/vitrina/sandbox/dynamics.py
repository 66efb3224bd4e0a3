"""The seeded model behind the sandbox's figures and its simulated readers.

Every figure is a pure function of the seed, the post and the moment asked about, so two runs
with one seed agree and the figures of a post only grow. Seed document 001 observes that
posts with photographs and posts about people are read more: the model boosts both.
"""

import hashlib
import math
import random
import re

DAY = 86400.0

# Two capitalised Cyrillic words in a row (a first name and a surname), initials before a
# surname, or words that announce a person: enough to tell «Встреча с Анной Петровой» from
# «График работы на праздники».
_NAME = re.compile(r"\b[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]{2,}|\b[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.\s?)?[А-ЯЁ][а-яё]+")
_PERSON_WORDS = (
    "писател",
    "поэт",
    "автор",
    "юбиле",
    "художни",
    "земляк",
    "ветеран",
    "читательниц",
    "библиотекар",
    "встреча с",
)


def unit(*parts) -> float:
    """A stable number in [0, 1) for the given parts (the same on every run and machine)."""
    digest = hashlib.blake2b(":".join(str(p) for p in parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def about_people(text: str) -> bool:
    if not text:
        return False
    # A sentence's first word is capitalised anyway: look past it.
    sentences = re.split(r"[.!?\n]\s*", text)
    for sentence in sentences:
        if _NAME.search(sentence[1:] if sentence else sentence):
            return True
    lowered = text.lower()
    return any(word in lowered for word in _PERSON_WORDS)


def members_at(seed, key: str, base: int, growth_per_day: float, created: float, now: float):
    days = max(0.0, now - created) / DAY
    # A slow weekly wave on top of steady growth, never below the starting audience.
    wave = 0.004 * base * math.sin(days * 2 * math.pi / 7 + unit(seed, key) * 6.28)
    return max(base, int(base + growth_per_day * days + wave))


def post_figures(seed, key: str, post, audience: int, now: float) -> dict:
    """Views, likes and reposts of a post ``now``: fast in the first day, a tail for days."""
    age = max(0.0, now - post.date)
    if age <= 0:
        return {"views": 0, "likes": 0, "reposts": 0}
    r1, r2, r3 = (
        unit(seed, key, post.id, "reach"),
        unit(seed, key, post.id, "like"),
        unit(seed, key, post.id, "share"),
    )
    boost = 1.0
    if post.photos:
        boost *= 1.6
    if post.people:
        boost *= 1.35
    if post.poll:
        boost *= 1.1
    curve = 0.8 * (1 - math.exp(-age / (6 * 3600))) + 0.2 * (1 - math.exp(-age / (3 * DAY)))
    views = int(audience * (0.12 + 0.2 * r1) * boost * curve) + (1 if age > 60 else 0)
    likes = int(views * (0.025 + 0.035 * r2) * (1.2 if post.people else 1.0))
    reposts = int(views * (0.002 + 0.006 * r3))
    return {"views": views, "likes": likes, "reposts": reposts}


READERS = [
    ("Анна", "Кузнецова"),
    ("Ирина", "Волкова"),
    ("Сергей", "Морозов"),
    ("Татьяна", "Лебедева"),
    ("Николай", "Соколов"),
    ("Елена", "Павлова"),
    ("Мария", "Новикова"),
    ("Владимир", "Фёдоров"),
    ("Людмила", "Орлова"),
    ("Дмитрий", "Захаров"),
    ("Галина", "Степанова"),
    ("Алексей", "Никитин"),
]

COMMENTS = [
    "Спасибо, очень интересно!",
    "А во сколько начало? Можно прийти с ребёнком?",
    "Замечательная подборка, беру на заметку.",
    "Была на прошлой встрече — очень понравилось, спасибо организаторам!",
    "Подскажите, эта книга есть в фонде?",
    "Жаль, что в рабочее время, не успеваю.",
    "Какие красивые фотографии!",
    "Помню эту книгу со школы, надо перечитать.",
]

MESSAGES = [
    ("question", "Здравствуйте! Подскажите, до скольки вы работаете в субботу?"),
    ("question", "Добрый день. Есть ли у вас «Лавр» Водолазкина? Хочу записаться в очередь."),
    ("renewal", "Здравствуйте, можно продлить книги ещё на две недели? Читательский билет 04512."),
    ("renewal", "Добрый вечер! Не успеваю вернуть учебник по анатомии, продлите, пожалуйста."),
    ("thanks", "Спасибо вам за вчерашнюю встречу, дети в восторге!"),
    ("thanks", "Благодарю за помощь с подбором литературы для диплома."),
    ("complaint", "В читальном зале опять не работает вайфай, невозможно заниматься."),
    ("complaint", "Звонила три раза, никто не берёт трубку. Как с вами связаться?"),
]


def reader_event(seed, key: str, number: int, has_recent_posts: bool) -> dict:
    """The ``number``-th thing a simulated reader does on an account."""
    rng = random.Random(f"{seed}:{key}:reader:{number}")
    first, last = rng.choice(READERS)
    reader_id = 100000000 + int(unit(seed, first, last) * 800000000)
    event = {"reader_id": reader_id, "first_name": first, "last_name": last}
    if has_recent_posts and rng.random() < 0.6:
        event.update(kind="comment", text=rng.choice(COMMENTS), pick=rng.random())
    else:
        topic, text = rng.choice(MESSAGES)
        event.update(kind="message", topic=topic, text=text)
    return event


def next_reader_gap(seed, key: str, number: int) -> float:
    """Seconds until the next reader event: on average 45 minutes, exponentially spread."""
    u = unit(seed, key, "gap", number)
    return max(60.0, -math.log(1 - u) * 45 * 60)


HISTORY = [
    "Новые поступления марта: двенадцать книг по кардиологии и реабилитации.",
    "Встреча с Анной Петровой, автором книги о земских врачах Кузбасса, — в четверг в 15:00.",
    "Библиотека работает в праздничные дни по сокращённому графику.",
    "Фотоотчёт с выставки «Медицина в годы войны» в читальном зале.",
    "К юбилею Н. И. Пирогова: книжная выставка и видеолекция.",
    "Как записаться в библиотеку онлайн: пошаговая инструкция.",
    "Опрос: какие лекции вам интересны этой весной?",
    "Наш библиотекарь Галина Сергеевна рассказывает о редких изданиях XIX века.",
]

# Each account's past posts match who it is: the medical library's, a city library
# system's, the vinyl club's. An account names its kind of history (``history``).
CITY_HISTORY = [
    "Новые поступления: детективы, фантастика и книги о родном крае.",
    "Встреча с Игорем Васильевым, краеведом, — в субботу в 12:00 в читальном зале.",
    "Библиотека работает в праздничные дни по сокращённому графику.",
    "Фотоотчёт с праздника «Читающий двор» в городском парке.",
    "К юбилею города: выставка старых фотографий Медногорска.",
    "Как продлить книги, не приходя в библиотеку: пошаговая инструкция.",
    "Опрос: какие встречи провести этим летом?",
    "Наш библиотекарь Татьяна Ивановна советует книги для летнего чтения.",
]
VINYL_HISTORY = [
    "Новые пластинки в фонде: джаз 1960-х и советская эстрада.",
    "Встреча с Андреем Соколовым, коллекционером, — в пятницу в 18:00.",
    "Клуб собирается по пятницам в читальном зале центральной библиотеки.",
    "Фотоотчёт с вечера «Битлз на виниле» в центральной библиотеке.",
    "К юбилею «Мелодии»: выставка конвертов из фонда клуба.",
    "Как ухаживать за пластинками: советы участников клуба.",
    "Опрос: какую музыку слушаем в следующий раз?",
    "Наш участник Сергей Петрович рассказывает о первом проигрывателе «Вега».",
]
HISTORIES = {
    "medical": (
        HISTORY,
        "Какие лекции вам интересны?",
        ["История медицины", "Здоровый образ жизни", "Новые книги"],
    ),
    "city": (
        CITY_HISTORY,
        "Какие встречи провести летом?",
        ["С писателями", "Краеведческие", "Для детей"],
    ),
    "vinyl": (VINYL_HISTORY, "Какую музыку слушаем?", ["Джаз", "Рок", "Эстрада"]),
}
