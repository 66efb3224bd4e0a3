"""KNMB's five virtual exhibitions (seed 001), with books of the demo catalogue; the first
is published."""

from vitrina.catalog.models import Record
from vitrina.exhibitions import services

# The demo runs the apps' steps in this order (after the catalogue it shows).
DEMO_ORDER = 50

EXHIBITIONS = [
    (
        "Знаменательные даты в медицине",
        "znamenatelnye-daty",
        "Юбилеи выдающихся врачей и учёных: их книги и книги о них из фонда КНМБ.",
        {
            "Хирурги": ["Хирургия сердца", "Очерки гнойной хирургии", "Детская хирургия"],
            "Учёные и военные врачи": [
                "Севастопольские письма и воспоминания",
                "Рефлексы головного мозга",
            ],
        },
    ),
    (
        "Ультразвуковая диагностика: новые книги по вопросам УЗИ, поступившие в КНМБ в 2020 году",
        "uzi-2020",
        "Новые поступления по ультразвуковой диагностике.",
        {"": ["Анатомия человека", "Кардиология", "Пропедевтика внутренних болезней"]},
    ),
    (
        "COVID-19: этиология, патогенез, диагностика и лечение",
        "covid-19",
        "Книги о новой коронавирусной инфекции и смежных вопросах.",
        {"": ["Фармакология", "Общественное здоровье и здравоохранение"]},
    ),
    (
        "Галерея новинок: книги, поступившие в КНМБ в ноябре 2020 года",
        "novinki-noyabr-2020",
        "Новые книги ноября.",
        {"": ["Справочник врача общей практики", "Кардиология", "Фармакология"]},
    ),
    (
        "Медики в годы ВОВ",
        "mediki-v-gody-vov",
        "Врачи, медсёстры и санитары на фронтах Великой Отечественной войны.",
        {"": ["Хирургия сердца", "Записки юного врача"]},
    ),
]
NOTES = {
    "Хирургия сердца": "Бакулев А. Н. (1890–1967) — основоположник сердечно-сосудистой хирургии.",
    "Очерки гнойной хирургии": "Главный труд святителя Луки, удостоенный Сталинской премии.",
}


def load(context: dict) -> None:
    admin = context["users"]["demo"]
    knmb = context["organisations"]["knmb"]
    library = knmb.libraries.first()
    records = {record.title: record for record in Record.objects.filter(organisation=knmb)}
    for number, (title, slug, annotation, sections) in enumerate(EXHIBITIONS):
        exhibition = services.exhibition_save(
            organisation=knmb,
            actor=admin,
            title=title,
            slug=slug,
            annotation=annotation,
            library=library,
        )
        for section_title, titles in sections.items():
            section = None
            if section_title:
                section = services.section_save(
                    exhibition=exhibition, actor=admin, title=section_title
                )
            for book_title in titles:
                if book_title in records:
                    services.book_add(
                        exhibition=exhibition,
                        actor=admin,
                        section=section,
                        record=records[book_title],
                        note=NOTES.get(book_title, ""),
                    )
        if number == 0:
            services.book_add(
                exhibition=exhibition,
                actor=admin,
                description=(
                    "Туснолобова-Марченко З. М. Ради жизни на земле : воспоминания. — "
                    "Москва : Воениздат, 1968. — 96 с."
                ),
                note="100 лет со дня рождения Героя Советского Союза, санинструктора.",
            )
            services.exhibition_publish(exhibition=exhibition, actor=admin, published=True)
