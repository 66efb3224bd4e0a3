"""The catalogue part of the demo: books of both organisations and the starter calendar.

The medical library's books are those its memorable-dates posts are about (seed 001): the
works of the surgeons whose anniversaries it marked, and textbooks readers ask for. The
Mednogorsk system's are what a city library lends: classics and children's books.
"""

import datetime
from functools import partial

from django.utils import timezone

from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.catalog.marc import Entry
from vitrina.catalog.models import Source
from vitrina.catalog.services import dates as date_services
from vitrina.catalog.services import records as record_services

# The demo runs the apps' steps in this order (before the exhibitions built on it).
DEMO_ORDER = 40

P = Person


def _book(prefix, number, title, authors, year, publisher, pages, subjects, **extra):
    """A demo record: Moscow unless ``place`` says otherwise, numbered in its catalogue."""
    return BibRecord(
        title=title,
        authors=authors,
        places=[extra.pop("place", "Москва")],
        publishers=[publisher],
        year=str(year),
        pages=str(pages),
        subjects=subjects,
        control_number=f"{prefix}/{number:05d}",
        **extra,
    )


def demo_books() -> list[BibRecord]:
    book = partial(_book, "KNMB")

    return [
        book(1, "Очерки гнойной хирургии", [P("Войно-Ясенецкий", "В. Ф.")], 2000, "БИНОМ", 704,
             ["Хирургия", "Гнойная инфекция"], isbn="5-7989-0175-3"),
        book(2, "Хирургия сердца", [P("Бакулев", "А. Н.")], 1967, "Медицина", 432,
             ["Кардиохирургия"], other_title=["избранные труды"]),
        book(3, "Анатомия человека", [P("Сапин", "М. Р."), P("Билич", "Г. Л.")], 2020,
             "ГЭОТАР-Медиа", 528, ["Анатомия человека"], other_title=["учебник"]),
        book(4, "Кардиология", [], 2021, "ГЭОТАР-Медиа", 800, ["Кардиология"],
             other_title=["национальное руководство"], editors=[P("Шляхто", "Е. В.")],
             isbn="978-5-9704-6092-1"),
        book(5, "Пропедевтика внутренних болезней", [P("Мухин", "Н. А."), P("Моисеев", "В. С.")],
             2017, "ГЭОТАР-Медиа", 848, ["Внутренние болезни"], other_title=["учебник"]),
        book(6, "Фармакология", [P("Аляутдин", "Р. Н.")], 2022, "ГЭОТАР-Медиа", 1104,
             ["Фармакология"], other_title=["учебник"], isbn="978-5-9704-6819-4"),
        book(7, "Общественное здоровье и здравоохранение",
             [P("Лисицын", "Ю. П."), P("Улумбекова", "Г. Э.")], 2015, "ГЭОТАР-Медиа", 544,
             ["Здравоохранение"], other_title=["учебник"]),
        book(8, "Записки юного врача", [P("Булгаков", "М. А.")], 2019, "Азбука", 224,
             ["Художественная литература", "Медицина в литературе"],
             place="Санкт-Петербург"),
        book(9, "Севастопольские письма и воспоминания", [P("Пирогов", "Н. И.")], 1950,
             "Издательство Академии наук СССР", 652, ["История медицины"]),
        book(10, "Рефлексы головного мозга", [P("Сеченов", "И. М.")], 2014, "АСТ", 352,
             ["Физиология"]),
        book(11, "Детская хирургия", [P("Баиров", "Г. А.")], 1983, "Медицина", 360,
             ["Детская хирургия"], place="Ленинград"),
        book(12, "Справочник врача общей практики", [], 2023, "Эксмо", 960,
             ["Общая врачебная практика"], editors=[P("Воробьёв", "А. И.")]),
    ]  # fmt: skip


def mednogorsk_books() -> list[BibRecord]:
    book = partial(_book, "MCBS")

    return [
        book(1, "Мастер и Маргарита", [P("Булгаков", "М. А.")], 2021, "Азбука", 480,
             ["Художественная литература"], place="Санкт-Петербург"),
        book(2, "Тихий Дон", [P("Шолохов", "М. А.")], 2018, "Эксмо", 1504,
             ["Художественная литература"]),
        book(3, "Денискины рассказы", [P("Драгунский", "В. Ю.")], 2020, "АСТ", 224,
             ["Детская литература"]),
        book(4, "Приключения Незнайки и его друзей", [P("Носов", "Н. Н.")], 2019, "Махаон", 256,
             ["Детская литература"]),
        book(5, "Уральские сказы", [P("Бажов", "П. П.")], 2017, "Азбука", 352,
             ["Детская литература", "Урал"], place="Санкт-Петербург"),
        book(6, "Капитанская дочка", [P("Пушкин", "А. С.")], 2019, "Азбука", 224,
             ["Художественная литература", "Оренбургский край"], place="Санкт-Петербург"),
        book(7, "Василий Тёркин", [P("Твардовский", "А. Т.")], 2020, "Детская литература", 240,
             ["Поэзия", "Великая Отечественная война"]),
    ]  # fmt: skip


def load(context: dict) -> None:
    """Called by ``build_demo`` after the organisations exist."""
    admin = context["users"]["demo"]
    knmb = context["organisations"]["knmb"]
    today = timezone.localdate()
    entries = [
        Entry(number=number, offset=0, record=record)
        for number, record in enumerate(demo_books(), start=1)
    ]
    record_services.records_store(
        organisation=knmb,
        source=Source.MANUAL,
        entries=entries,
        received_on=today - datetime.timedelta(days=14),
    )
    record_services.records_store(
        organisation=context["organisations"]["mednogorsk"],
        source=Source.MANUAL,
        entries=[
            Entry(number=number, offset=0, record=record)
            for number, record in enumerate(mednogorsk_books(), start=1)
        ],
        received_on=today - datetime.timedelta(days=7),
    )
    for organisation in context["organisations"].values():
        date_services.memorable_date_load_starter_set(organisation=organisation, actor=admin)
