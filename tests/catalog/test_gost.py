import datetime

import pytest

from vitrina.catalog.bibrecord import ELECTRONIC, BibRecord, Person, genitive_surname
from vitrina.catalog.gost import describe, describe_short, source_statement

P = Person
LIBRARY_MD = [
    (
        BibRecord(
            title="Управление качеством",
            other_title=["учебник"],
            authors=[P("Юсупова", "С. М.")],
            places=["Москва"],
            publishers=["Ай Пи Ар Медиа"],
            year="2026",
            pages="301",
            isbn="978-5-4497-5034-1",
        ),
        "Юсупова, С. М. Управление качеством : учебник / С. М. Юсупова. — Москва : Ай Пи Ар "
        "Медиа, 2026. — 301 с. — ISBN 978-5-4497-5034-1. — Текст : непосредственный.",
    ),
    (
        BibRecord(
            title="Информационная безопасность",
            other_title=["учебник"],
            authors=[P("Швечкова", "О. Г."), P("Бабаев", "С. И.")],
            places=["Москва"],
            publishers=["КУРС"],
            year="2024",
            pages="144 с.",
            isbn="978-5-907352-37-7",
        ),
        "Швечкова, О. Г. Информационная безопасность : учебник / О. Г. Швечкова, С. И. Бабаев."
        " — Москва : КУРС, 2024. — 144 с. — ISBN 978-5-907352-37-7. — Текст : непосредственный.",
    ),
    (
        BibRecord(
            title="Архитектура вычислительных систем и компьютерных сетей",
            other_title=["учебник"],
            authors=[
                P("Алексахин", "А. Н."),
                P("Вершинина", "Н. М."),
                P("Джебилов", "А. В."),
                P("Клименко", "И. С."),
            ],
            editors=[P("Нечаев", "А. М.")],
            places=["Москва"],
            publishers=["Синергия"],
            year="2025",
            pages="436",
            isbn="978-5-4257-0681-2",
        ),
        "Архитектура вычислительных систем и компьютерных сетей : учебник / А. Н. Алексахин, "
        "Н. М. Вершинина, А. В. Джебилов [и др.] ; под редакцией А. М. Нечаева. — Москва : "
        "Синергия, 2025. — 436 с. — ISBN 978-5-4257-0681-2. — Текст : непосредственный.",
    ),
]

MORE = [
    # One author, full forenames give the initials.
    (
        BibRecord(
            title="Очерки гнойной хирургии",
            authors=[P("Войно-Ясенецкий", forenames="Валентин Феликсович")],
            places=["Москва"],
            publishers=["БИНОМ"],
            year="2000",
            pages="704",
            isbn="5-7989-0175-3",
        ),
        "Войно-Ясенецкий, В. Ф. Очерки гнойной хирургии / В. Ф. Войно-Ясенецкий. — Москва : "
        "БИНОМ, 2000. — 704 с. — ISBN 5-7989-0175-3. — Текст : непосредственный.",
    ),
    # Abbreviated place is written in full.
    (
        BibRecord(
            title="Записки юного врача",
            authors=[P("Булгаков", "М. А.")],
            places=["М."],
            publishers=["Азбука"],
            year="2019",
            pages="224",
        ),
        "Булгаков, М. А. Записки юного врача / М. А. Булгаков. — Москва : Азбука, 2019. — "
        "224 с. — Текст : непосредственный.",
    ),
    (
        BibRecord(
            title="Белые ночи",
            authors=[P("Достоевский", "Ф.М.")],
            places=["СПб."],
            publishers=["Азбука"],
            year="2021",
            pages="128",
            isbn="978-5-389-07435-6",
        ),
        "Достоевский, Ф. М. Белые ночи / Ф. М. Достоевский. — Санкт-Петербург : Азбука, 2021. "
        "— 128 с. — ISBN 978-5-389-07435-6. — Текст : непосредственный.",
    ),
    # Three authors: all named after the slash.
    (
        BibRecord(
            title="Анатомия человека",
            other_title=["учебник"],
            authors=[P("Сапин", "М. Р."), P("Билич", "Г. Л."), P("Никитюк", "Д. Б.")],
            places=["Москва"],
            publishers=["ГЭОТАР-Медиа"],
            year="2020",
            pages="528",
            isbn="978-5-9704-5430-2",
        ),
        "Сапин, М. Р. Анатомия человека : учебник / М. Р. Сапин, Г. Л. Билич, Д. Б. Никитюк. — "
        "Москва : ГЭОТАР-Медиа, 2020. — 528 с. — ISBN 978-5-9704-5430-2. — Текст : "
        "непосредственный.",
    ),
    # Two pieces of other title information.
    (
        BibRecord(
            title="Пропедевтика внутренних болезней",
            other_title=["учебник", "в 2 томах"],
            authors=[P("Мухин", "Н. А."), P("Моисеев", "В. С.")],
            places=["Москва"],
            publishers=["ГЭОТАР-Медиа"],
            year="2017",
            pages="848",
        ),
        "Мухин, Н. А. Пропедевтика внутренних болезней : учебник : в 2 томах / Н. А. Мухин, "
        "В. С. Моисеев. — Москва : ГЭОТАР-Медиа, 2017. — 848 с. — Текст : непосредственный.",
    ),
    # Multi-volume: the volume designation and its own title.
    (
        BibRecord(
            title="Собрание сочинений",
            other_title=["в 22 томах"],
            volume="Т. 5",
            volume_title="Война и мир",
            authors=[P("Толстой", "Л. Н.")],
            places=["Москва"],
            publishers=["Художественная литература"],
            year="1980",
            pages="383",
        ),
        "Толстой, Л. Н. Собрание сочинений : в 22 томах. Т. 5 : Война и мир / Л. Н. Толстой. — "
        "Москва : Художественная литература, 1980. — 383 с. — Текст : непосредственный.",
    ),
    (
        BibRecord(
            title="Справочник домашнего врача",
            other_title=["в 3 частях"],
            volume="Часть 2",
            volume_title="Детские болезни",
            authors=[P("Казьмин", "В. Д.")],
            places=["Москва"],
            publishers=["АСТ", "Астрель"],
            year="2002",
            pages="503 с. : ил.",
            isbn="5-17-011856-1",
        ),
        "Казьмин, В. Д. Справочник домашнего врача : в 3 частях. Часть 2 : Детские болезни / "
        "В. Д. Казьмин. — Москва : АСТ : Астрель, 2002. — 503 с. : ил. — ISBN 5-17-011856-1. — "
        "Текст : непосредственный.",
    ),
    # A volume without its own title.
    (
        BibRecord(
            title="Хирургические болезни",
            other_title=["учебник", "в 2 томах"],
            volume="Т. 2",
            authors=[P("Кузин", "М. И.")],
            places=["Москва"],
            publishers=["ГЭОТАР-Медиа"],
            year="2018",
            pages="992",
        ),
        "Кузин, М. И. Хирургические болезни : учебник : в 2 томах. Т. 2 / М. И. Кузин. — Москва "
        ": ГЭОТАР-Медиа, 2018. — 992 с. — Текст : непосредственный.",
    ),
    # Collections without an author: editors, compilers.
    (
        BibRecord(
            title="Кардиология",
            other_title=["национальное руководство"],
            editors=[P("Шляхто", "Е. В.")],
            places=["Москва"],
            publishers=["ГЭОТАР-Медиа"],
            year="2021",
            pages="800",
            isbn="978-5-9704-6092-1",
        ),
        "Кардиология : национальное руководство / под редакцией Е. В. Шляхто. — Москва : "
        "ГЭОТАР-Медиа, 2021. — 800 с. — ISBN 978-5-9704-6092-1. — Текст : непосредственный.",
    ),
    (
        BibRecord(
            title="Знаменательные и памятные даты в медицине",
            other_title=["библиографический указатель"],
            compilers=[P("Петрова", "Н. В."), P("Соколов", "А. И.")],
            places=["Кемерово"],
            publishers=["КНМБ"],
            year="2020",
            pages="96",
        ),
        "Знаменательные и памятные даты в медицине : библиографический указатель / составители "
        "Н. В. Петрова, А. И. Соколов. — Кемерово : КНМБ, 2020. — 96 с. — Текст : "
        "непосредственный.",
    ),
    (
        BibRecord(
            title="Медицина Кузбасса",
            other_title=["сборник статей"],
            compilers=[P("Иванова", "Е. П.")],
            editors=[P("Беляева", "О. С."), P("Громов", "К. Ю.")],
            places=["Кемерово"],
            year="2019",
            pages="150",
        ),
        "Медицина Кузбасса : сборник статей / под редакцией О. С. Беляевой, К. Ю. Громова ; "
        "составитель Е. П. Иванова. — Кемерово, 2019. — 150 с. — Текст : непосредственный.",
    ),
    # A corporate body as written by the source.
    (
        BibRecord(
            title="Клинические рекомендации. Артериальная гипертензия у взрослых",
            responsibility="Российское кардиологическое общество",
            places=["Москва"],
            year="2020",
            pages="136",
        ),
        "Клинические рекомендации. Артериальная гипертензия у взрослых / Российское "
        "кардиологическое общество. — Москва, 2020. — 136 с. — Текст : непосредственный.",
    ),
    # Title only, with no imprint beyond the year.
    (
        BibRecord(title="Календарь знаменательных дат на 2026 год", year="2025", pages="48"),
        "Календарь знаменательных дат на 2026 год. — 2025. — 48 с. — Текст : непосредственный.",
    ),
    # Translations.
    (
        BibRecord(
            title="Краткая история времени",
            other_title=["от Большого взрыва до черных дыр"],
            authors=[P("Хокинг", "С.")],
            translators=[P("Кононов", "Н. Я.")],
            translated_from="английского",
            places=["Санкт-Петербург"],
            publishers=["Амфора"],
            year="2001",
            pages="268",
            isbn="5-94278-032-3",
        ),
        "Хокинг, С. Краткая история времени : от Большого взрыва до черных дыр / С. Хокинг ; "
        "перевод с английского Н. Я. Кононова. — Санкт-Петербург : Амфора, 2001. — 268 с. — "
        "ISBN 5-94278-032-3. — Текст : непосредственный.",
    ),
    (
        BibRecord(
            title="Человек, который принял жену за шляпу",
            authors=[P("Сакс", "О.")],
            translators=[P("Якушкина", "Ю.")],
            translated_from="английского",
            places=["Москва"],
            publishers=["АСТ"],
            year="2020",
            pages="352",
        ),
        "Сакс, О. Человек, который принял жену за шляпу / О. Сакс ; перевод с английского "
        "Ю. Якушкиной. — Москва : АСТ, 2020. — 352 с. — Текст : непосредственный.",
    ),
    (
        BibRecord(
            title="Три товарища",
            authors=[P("Ремарк", "Э. М.")],
            translators=[P("Рудницкий", "Ю."), P("Эткинд", "Е.", female=False)],
            translated_from="немецкого",
            places=["Москва"],
            publishers=["АСТ"],
            year="2018",
            pages="480",
        ),
        "Ремарк, Э. М. Три товарища / Э. М. Ремарк ; перевод с немецкого Ю. Рудницкого, "
        "Е. Эткинда. — Москва : АСТ, 2018. — 480 с. — Текст : непосредственный.",
    ),
    # Editors with authors fewer than four.
    (
        BibRecord(
            title="Фармакология",
            other_title=["учебник"],
            authors=[P("Аляутдин", "Р. Н.")],
            editors=[P("Аляутдин", "Р. Н.")],
            edition="6-е издание, переработанное и дополненное",
            places=["Москва"],
            publishers=["ГЭОТАР-Медиа"],
            year="2022",
            pages="1104",
            isbn="978-5-9704-6819-4",
        ),
        "Аляутдин, Р. Н. Фармакология : учебник / Р. Н. Аляутдин ; под редакцией Р. Н. "
        "Аляутдина. — 6-е издание, переработанное и дополненное. — Москва : ГЭОТАР-Медиа, 2022. "
        "— 1104 с. — ISBN 978-5-9704-6819-4. — Текст : непосредственный.",
    ),
    # Four authors and a series.
    (
        BibRecord(
            title="Общественное здоровье и здравоохранение",
            other_title=["учебник"],
            authors=[
                P("Лисицын", "Ю. П."),
                P("Улумбекова", "Г. Э."),
                P("Полунина", "Н. В."),
                P("Щепин", "О. П."),
            ],
            places=["Москва"],
            publishers=["ГЭОТАР-Медиа"],
            year="2015",
            pages="544",
            series="Национальные руководства",
        ),
        "Общественное здоровье и здравоохранение : учебник / Ю. П. Лисицын, Г. Э. Улумбекова, "
        "Н. В. Полунина [и др.]. — Москва : ГЭОТАР-Медиа, 2015. — 544 с. — (Национальные "
        "руководства). — Текст : непосредственный.",
    ),
    # A series ending the area with an abbreviation point.
    (
        BibRecord(
            title="Пирогов",
            authors=[P("Порудоминский", "В. И.")],
            places=["Москва"],
            publishers=["Молодая гвардия"],
            year="1965",
            pages="304 с.",
            series="Жизнь замечательных людей",
        ),
        "Порудоминский, В. И. Пирогов / В. И. Порудоминский. — Москва : Молодая гвардия, 1965. "
        "— 304 с. — (Жизнь замечательных людей). — Текст : непосредственный.",
    ),
    # Several places of publication.
    (
        BibRecord(
            title="Медицинская генетика",
            authors=[P("Бочков", "Н. П.")],
            places=["Москва", "Берлин"],
            publishers=["Директ-Медиа"],
            year="2023",
            pages="210",
        ),
        "Бочков, Н. П. Медицинская генетика / Н. П. Бочков. — Москва ; Берлин : Директ-Медиа, "
        "2023. — 210 с. — Текст : непосредственный.",
    ),
    # A publisher without a place.
    (
        BibRecord(
            title="Первая помощь",
            other_title=["памятка"],
            publishers=["Кузбасская научная медицинская библиотека"],
            year="2024",
            pages="12",
        ),
        "Первая помощь : памятка. — [Б. м.] : Кузбасская научная медицинская библиотека, 2024. "
        "— 12 с. — Текст : непосредственный.",
    ),
    # A title that ends with a question mark keeps it and no point is added.
    (
        BibRecord(
            title="Что такое наука?",
            authors=[P("Вернадский", "В. И.")],
            places=["Москва"],
            publishers=["Наука"],
            year="1988",
            pages="520",
        ),
        "Вернадский, В. И. Что такое наука? / В. И. Вернадский. — Москва : Наука, 1988. — "
        "520 с. — Текст : непосредственный.",
    ),
    # Women's hyphenated surname declined part by part in the genitive.
    (
        BibRecord(
            title="Огненное сердце",
            other_title=["воспоминания"],
            editors=[P("Туснолобова-Марченко", "З. М.", female=True)],
            places=["Полоцк"],
            year="1975",
            pages="180",
        ),
        "Огненное сердце : воспоминания / под редакцией З. М. Туснолобовой-Марченко. — Полоцк, "
        "1975. — 180 с. — Текст : непосредственный.",
    ),
]

ELECTRONIC_RECORDS = [
    (
        BibRecord(
            title="Управление качеством",
            other_title=["учебник"],
            authors=[P("Юсупова", "С. М.")],
            places=["Москва"],
            publishers=["Ай Пи Ар Медиа"],
            year="2026",
            pages="301",
            isbn="978-5-4497-5034-1",
            resource_type=ELECTRONIC,
            host="Цифровой образовательный ресурс IPR SMART",
            url="https://www.iprbookshop.ru/150000.html",
            accessed=datetime.date(2026, 1, 10),
        ),
        "Юсупова, С. М. Управление качеством : учебник / С. М. Юсупова. — Москва : Ай Пи Ар "
        "Медиа, 2026. — 301 с. — ISBN 978-5-4497-5034-1. — Текст : электронный // Цифровой "
        "образовательный ресурс IPR SMART : [сайт]. — URL: https://www.iprbookshop.ru/150000.html"
        " (дата обращения: 10.01.2026).",
    ),
    (
        BibRecord(
            title="Бакулев Александр Николаевич",
            other_title=["биография"],
            resource_type=ELECTRONIC,
            host="Российская государственная библиотека",
            url="https://www.rsl.ru/bakulev",
            accessed=datetime.date(2020, 12, 7),
        ),
        "Бакулев Александр Николаевич : биография. — Текст : электронный // Российская "
        "государственная библиотека : [сайт]. — URL: https://www.rsl.ru/bakulev (дата обращения: "
        "07.12.2020).",
    ),
    (
        BibRecord(
            title="Всемирный день здоровья",
            authors=[P("Смирнова", "А. В.")],
            year="2025",
            resource_type=ELECTRONIC,
            url="https://example.org/who-day",
            accessed=datetime.date(2025, 4, 7),
        ),
        "Смирнова, А. В. Всемирный день здоровья / А. В. Смирнова. — 2025. — Текст : "
        "электронный. — URL: https://example.org/who-day (дата обращения: 07.04.2025).",
    ),
    (
        BibRecord(
            title="Сестринское дело в терапии",
            other_title=["учебное пособие"],
            authors=[
                P("Смолева", "Э. В."),
                P("Аподиакос", "Е. Л."),
                P("Морозов", "С. В."),
                P("Ершов", "О. А."),
                P("Кан", "Н. И."),
            ],
            places=["Ростов н/Д"],
            publishers=["Феникс"],
            year="2021",
            pages="473",
            isbn="978-5-222-35201-2",
            resource_type=ELECTRONIC,
            host="Лань : электронно-библиотечная система",
            url="https://e.lanbook.com/book/164691",
            accessed=datetime.date(2026, 11, 2),
        ),
        "Сестринское дело в терапии : учебное пособие / Э. В. Смолева, Е. Л. Аподиакос, "
        "С. В. Морозов [и др.]. — Ростов-на-Дону : Феникс, 2021. — 473 с. — ISBN "
        "978-5-222-35201-2. — Текст : электронный // Лань : электронно-библиотечная система : "
        "[сайт]. — URL: https://e.lanbook.com/book/164691 (дата обращения: 02.11.2026).",
    ),
    # No access date known: the URL is given alone.
    (
        BibRecord(
            title="Гигиена",
            authors=[P("Пивоваров", "Ю. П.")],
            year="2019",
            resource_type=ELECTRONIC,
            url="https://example.org/gigiena.pdf",
        ),
        "Пивоваров, Ю. П. Гигиена / Ю. П. Пивоваров. — 2019. — Текст : электронный. — URL: "
        "https://example.org/gigiena.pdf.",
    ),
]


def by_title(title):
    return next(record for record, _ in MORE if record.title == title)


SHORT = [
    (LIBRARY_MD[0][0], "Юсупова С. М. Управление качеством. — Москва, 2026"),
    (LIBRARY_MD[1][0], "Швечкова О. Г. Информационная безопасность. — Москва, 2024"),
    (LIBRARY_MD[2][0], "Архитектура вычислительных систем и компьютерных сетей. — Москва, 2025"),
    (by_title("Собрание сочинений"), "Толстой Л. Н. Собрание сочинений. Т. 5. — Москва, 1980"),
    (
        by_title("Календарь знаменательных дат на 2026 год"),
        "Календарь знаменательных дат на 2026 год. — 2025",
    ),
    (by_title("Что такое наука?"), "Вернадский В. И. Что такое наука? — Москва, 1988"),
    (BibRecord(title="Без выходных данных"), "Без выходных данных"),
]


@pytest.mark.parametrize(("record", "expected"), LIBRARY_MD + MORE + ELECTRONIC_RECORDS)
def test_describe(record, expected):
    assert describe(record) == expected


def test_library_reference_examples_are_exact():
    expected = [
        "Юсупова, С. М. Управление качеством : учебник / С. М. Юсупова. — Москва : Ай Пи Ар "
        "Медиа, 2026. — 301 с. — ISBN 978-5-4497-5034-1. — Текст : непосредственный.",
        "Швечкова, О. Г. Информационная безопасность : учебник / О. Г. Швечкова, С. И. Бабаев. "
        "— Москва : КУРС, 2024. — 144 с. — ISBN 978-5-907352-37-7. — Текст : непосредственный.",
        "Архитектура вычислительных систем и компьютерных сетей : учебник / А. Н. Алексахин, "
        "Н. М. Вершинина, А. В. Джебилов [и др.] ; под редакцией А. М. Нечаева. — Москва : "
        "Синергия, 2025. — 436 с. — ISBN 978-5-4257-0681-2. — Текст : непосредственный.",
    ]
    assert [describe(record) for record, _ in LIBRARY_MD] == expected


def test_at_least_thirty_records():
    assert len(LIBRARY_MD + MORE + ELECTRONIC_RECORDS) >= 30


@pytest.mark.parametrize(("record", "expected"), SHORT)
def test_describe_short(record, expected):
    assert describe_short(record) == expected


@pytest.mark.parametrize(
    ("surname", "female", "expected"),
    [
        ("Нечаев", None, "Нечаева"),
        ("Бакулев", None, "Бакулева"),
        ("Пушкин", None, "Пушкина"),
        ("Вершинина", None, "Вершининой"),
        ("Маяковский", None, "Маяковского"),
        ("Вознесенская", None, "Вознесенской"),
        ("Толстой", None, "Толстого"),
        ("Шевченко", None, "Шевченко"),
        ("Гоголь", False, "Гоголя"),
        ("Гоголь", None, "Гоголь"),
        ("Шульц", True, "Шульц"),
        ("Черных", False, "Черных"),
        ("Туснолобова-Марченко", True, "Туснолобовой-Марченко"),
    ],
)
def test_genitive_surname(surname, female, expected):
    assert genitive_surname(surname, female=female) == expected


def test_person_forms_from_forenames():
    person = P("Бакулев", forenames="Александр Николаевич")
    assert person.initials == "А. Н."
    assert person.heading == "Бакулев, А. Н."
    assert person.named == "А. Н. Бакулев"
    assert person.short == "Бакулев А. Н."
    assert person.female is False
    assert P("Туснолобова", forenames="Зинаида Михайловна").female is True
    assert P("Салтыков-Щедрин", forenames="Михаил-Евграф").initials == "М.-Е."


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        # As the source gives it: order and wording kept, a full stop dropped.
        (
            "Сочинена г. Буасси. ; Переведена с французскаго",
            "Сочинена г. Буасси ; Переведена с французскаго",
        ),
        ("Гурова И. П.", "Гурова И. П."),
        # Four and more persons in one group: the first three and «[и др.]».
        (
            "В.С. Дзюбан, И.Г. Ширнин, Б.Н. Ванеев, В.М. Гостищев ; Под общ. ред. Б.Н. Ванеева",
            "В.С. Дзюбан, И.Г. Ширнин, Б.Н. Ванеев [и др.] ; Под общ. ред. Б.Н. Ванеева",
        ),
        (
            "Иванова А. А., Петров Б. Б., Сидоров В. В., Орлова Г. Г.",
            "Иванова А. А., Петров Б. Б., Сидоров В. В. [и др.]",
        ),
        # A catalogue that writes each author as a group of its own.
        (
            "S. Kay ; V. Jones ; M. Berlis ; H. Jones ; D. Brayshaw ; D. Russell",
            "S. Kay, V. Jones, M. Berlis [и др.]",
        ),
        # Three persons stay; so does the source's own «[et al.]».
        ("А. Б. Иванов, В. Г. Петров, Д. Е. Сидоров", "А. Б. Иванов, В. Г. Петров, Д. Е. Сидоров"),
        ("Thomas H. Cormen ... [et al.]", "Thomas H. Cormen ... [et al.]"),
    ],
)
def test_source_statement(statement, expected):
    assert source_statement(statement) == expected


def test_the_source_statement_wins_over_the_names():
    record = BibRecord(
        title="Мио, мой Мио!",
        responsibility="Астрид Линдгрен ; пер. со швед. Л. Брауде",
        authors=[P("Линдгрен", "А.")],
        translators=[P("Брауде", "Л.")],
    )
    assert describe(record).startswith(
        "Линдгрен, А. Мио, мой Мио! / Астрид Линдгрен ; пер. со швед. Л. Брауде."
    )


def test_four_authors_in_the_source_drop_the_heading():
    record = BibRecord(
        title="Справочник",
        responsibility="А. А. Иванов, Б. Б. Петров, В. В. Сидоров, Г. Г. Орлов",
        authors=[P("Иванов", "А. А.")],
        year="2001",
    )
    assert describe(record) == (
        "Справочник / А. А. Иванов, Б. Б. Петров, В. В. Сидоров [и др.]. — 2001. — Текст : "
        "непосредственный."
    )


def test_physical_description_and_series_and_isbns():
    record = BibRecord(
        title="Programming Python",
        authors=[P("Lutz", forenames="Mark")],
        pages="xxxvii, 1255 p.",
        illustrations="ill.",
        dimensions="24 cm.",
        accompanying="1 computer optical disc",
        series="Bestsellers",
        series_number="641",
        more_series=["Il ciclo delle fondazioni / Isaac Asimov ; 4"],
        isbn="0596000855",
        more_isbns=["0596000856"],
    )
    assert describe(record) == (
        "Lutz, M. Programming Python / M. Lutz. — xxxvii, 1255 p. : ill. ; 24 cm + 1 computer "
        "optical disc. — (Bestsellers ; 641) (Il ciclo delle fondazioni / Isaac Asimov ; 4). — "
        "ISBN 0596000855. — ISBN 0596000856. — Текст : непосредственный."
    )


def test_article_in_a_collection():
    record = BibRecord(
        title="Память о войне",
        authors=[P("Иванова", "Е. П.")],
        responsibility="Е. П. Иванова",
        source_title="Медицина Кузбасса : сборник статей / составитель Е. П. Иванова",
        source_imprint="Кемерово : КНМБ",
        source_year="2019",
        pages="С. 12-15",
    )
    assert describe(record) == (
        "Иванова, Е. П. Память о войне / Е. П. Иванова. — Текст : непосредственный // Медицина "
        "Кузбасса : сборник статей / составитель Е. П. Иванова. — Кемерово : КНМБ, 2019. — "
        "С. 12-15."
    )


def test_title_entry_has_no_heading():
    record = BibRecord(
        title="Python cookbook",
        responsibility="edited by Alex Martelli and David Ascher",
        authors=[P("Martelli", forenames="Alex"), P("Ascher", forenames="David")],
        title_entry=True,
    )
    assert describe(record) == (
        "Python cookbook / edited by Alex Martelli and David Ascher. — Текст : непосредственный."
    )
