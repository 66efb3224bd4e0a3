import datetime
import io
import json

import pytest
from openpyxl import Workbook

from vitrina.catalog.memorable import (
    BIRTH,
    BOOK,
    DAY,
    DEATH,
    PERSON,
    DayRule,
    MemorableDate,
    PartialDate,
    import_csv,
    import_wikidata,
    import_xlsx,
    julian_to_gregorian,
    load_starter_set,
    occurrences,
    upcoming,
)

D = datetime.date


def person(title, born, died=None):
    return MemorableDate(
        kind=PERSON,
        title=title,
        date=PartialDate.parse(born),
        end=PartialDate.parse(died) if died else None,
    )


def test_starter_set_is_large_and_has_the_seed_people():
    entries = load_starter_set()
    assert len(entries) >= 200
    by_title = {entry.title: entry for entry in entries}
    assert by_title["Туснолобова-Марченко Зинаида Михайловна"].date == PartialDate(1920, 5, 23)
    assert by_title["Бакулев Александр Николаевич"].date == PartialDate(1890, 12, 7)
    assert by_title["Всемирный день здоровья"].rule == DayRule(month=4, day=7)
    assert by_title["Всемирный день книги и авторского права"].rule == DayRule(month=4, day=23)
    assert by_title["Общероссийский день библиотек"].rule == DayRule(month=5, day=27)
    assert {entry.kind for entry in entries} == {"person", "event", "book", "day"}
    assert len({entry.title for entry in entries}) == len(entries)


def test_seed_anniversaries_of_2020():
    entries = load_starter_set()
    year = occurrences(entries, D(2020, 1, 1), D(2020, 12, 31))
    found = {(item.title, item.what): item for item in year}
    tusnolobova = found[("Туснолобова-Марченко Зинаида Михайловна", BIRTH)]
    assert (tusnolobova.date, tusnolobova.years, tusnolobova.highlighted) == (
        D(2020, 5, 23),
        100,
        True,
    )
    bakulev = found[("Бакулев Александр Николаевич", BIRTH)]
    assert (bakulev.date, bakulev.years, bakulev.highlighted) == (D(2020, 12, 7), 130, False)


def test_upcoming_window_and_round_years():
    entries = [
        person("Бакулев", "1890-12-07", "1967-03-31"),
        person("Пирогов", "1810-11-25", "1881-12-05"),
        person("Не круглая дата", "1893-12-01"),
    ]
    found = upcoming(entries, today=D(2025, 11, 20), days=20)
    assert [(item.title, item.what, item.date, item.years) for item in found] == [
        ("Пирогов", BIRTH, D(2025, 11, 25), 215),
        ("Бакулев", BIRTH, D(2025, 12, 7), 135),
    ]
    assert upcoming(entries, today=D(2025, 12, 8), days=0) == []
    # The window's last day counts.
    assert upcoming(entries, today=D(2026, 11, 5), days=30)[0].date == D(2026, 12, 5)


def test_highlighted_years():
    entries = [person(f"P{age}", f"{2025 - age}-06-01") for age in (5, 25, 50, 75, 100, 130)]
    found = {item.title: item.highlighted for item in upcoming(entries, today=D(2025, 5, 1))}
    assert found == {
        "P5": False,
        "P25": True,
        "P50": True,
        "P75": True,
        "P100": True,
        "P130": False,
    }


def test_year_only_dates_have_year_level_anniversaries_only():
    entries = [person("Азимов Айзек", "1920", "1992-04-06"), person("Шекспир", "1564", "1616")]
    found = occurrences(entries, D(2020, 3, 1), D(2020, 5, 31))
    assert [(item.title, item.what, item.date, item.years) for item in found] == [
        ("Азимов Айзек", BIRTH, None, 100),
    ]
    found = occurrences(entries, D(2016, 1, 1), D(2016, 12, 31))
    assert [(item.title, item.what, item.date, item.years) for item in found] == [
        ("Шекспир", DEATH, None, 400),
    ]
    found = occurrences(entries, D(2017, 3, 1), D(2017, 5, 31))
    assert [(item.title, item.what, item.date, item.years) for item in found] == [
        ("Азимов Айзек", DEATH, D(2017, 4, 6), 25),
    ]
    assert occurrences(entries, D(2020, 1, 1), D(2020, 1, 1))[0].date is None


def test_29_february():
    entries = [person("Ростислав", "1904-02-29")]
    common = occurrences(entries, D(2029, 2, 1), D(2029, 3, 31))
    assert [(item.date, item.years) for item in common] == [(D(2029, 2, 28), 125)]
    leap = occurrences(entries, D(2004, 2, 1), D(2004, 3, 31))
    assert [(item.date, item.years) for item in leap] == [(D(2004, 2, 29), 100)]
    with pytest.raises(ValueError):
        PartialDate(1901, 2, 29)


def test_kept_days_fixed_and_by_rule():
    entries = [
        MemorableDate(kind=DAY, title="Всемирный день здоровья", rule=DayRule(4, 7), since=1950),
        MemorableDate(kind=DAY, title="День медицинского работника", rule=DayRule(6, None, 6, 3)),
        MemorableDate(kind=DAY, title="День шахтёра", rule=DayRule(8, None, 6, -1)),
    ]
    found = occurrences(entries, D(2025, 1, 1), D(2025, 12, 31))
    assert [(item.title, item.date, item.years) for item in found] == [
        ("Всемирный день здоровья", D(2025, 4, 7), 75),
        ("День медицинского работника", D(2025, 6, 15), None),
        ("День шахтёра", D(2025, 8, 31), None),
    ]
    assert found[0].highlighted
    assert DayRule(6, None, 6, 3).in_year(2026) == D(2026, 6, 21)
    # 76 years is not a round anniversary of the day itself.
    assert occurrences(entries[:1], D(2026, 4, 7), D(2026, 4, 7))[0].years is None
    assert DayRule(11, None, 6, -1).in_year(2026) == D(2026, 11, 29)


def test_window_across_new_year():
    entries = [person("Январский", "1926-01-03"), person("Декабрьский", "1925-12-30")]
    found = upcoming(entries, today=D(2025, 12, 20), days=20)
    assert [(item.title, item.date, item.years) for item in found] == [
        ("Декабрьский", D(2025, 12, 30), 100),
        ("Январский", D(2026, 1, 3), 100),
    ]


def test_partial_date_parsing():
    assert PartialDate.parse("1890-12-07") == PartialDate(1890, 12, 7)
    assert PartialDate.parse("07.12.1890") == PartialDate(1890, 12, 7)
    assert PartialDate.parse("1890-12").precision == "month"
    assert PartialDate.parse("12.1890") == PartialDate(1890, 12)
    assert PartialDate.parse("980").precision == "year"
    with pytest.raises(ValueError):
        PartialDate.parse("вчера")


def test_entries_validate():
    with pytest.raises(ValueError):
        MemorableDate(kind="holiday", title="x", date=PartialDate(2000))
    with pytest.raises(ValueError):
        MemorableDate(kind=DAY, title="День без даты")
    with pytest.raises(ValueError):
        MemorableDate(kind=PERSON, title=" ", date=PartialDate(2000))


CSV_TEXT = (
    "Тип;Название;Дата;Дата смерти;Описание\n"
    "персона;Бакулев Александр Николаевич;07.12.1890;31.03.1967;хирург\n"
    "книга;«Очерки гнойной хирургии»;1934;;первое издание\n"
    "день;Всемирный день здоровья;07.04;;\n"
    "персона;Без даты;;;\n"
    ";;;;\n"
    "праздник;День медицинского работника;в июне;;\n"
    "планета;Марс;2000;;\n"
)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1251"])
def test_import_csv(encoding):
    result = import_csv(CSV_TEXT.encode(encoding))
    assert [(entry.kind, entry.title) for entry in result.entries] == [
        (PERSON, "Бакулев Александр Николаевич"),
        (BOOK, "«Очерки гнойной хирургии»"),
        (DAY, "Всемирный день здоровья"),
    ]
    assert result.entries[0].end == PartialDate(1967, 3, 31)
    assert result.entries[1].date.precision == "year"
    assert result.entries[2].rule == DayRule(4, 7)
    assert [row for row, _ in result.errors] == ["5", "7", "8"]


def test_import_csv_needs_title_and_date():
    result = import_csv("Название,Описание\nx,y\n".encode())
    assert result.entries == [] and result.errors[0][0] == "1"


def test_import_xlsx():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["kind", "title", "date", "died", "description"])
    sheet.append(["person", "Туснолобова-Марченко З. М.", datetime.datetime(1920, 5, 23), None, ""])
    sheet.append(["person", "Ибн Сина", 980, 1037, "врач"])
    sheet.append(["day", "Общероссийский день библиотек", "27.05", None, ""])
    sheet.append(["person", "Ошибка", "31.04.1900", None, ""])
    out = io.BytesIO()
    workbook.save(out)
    result = import_xlsx(out.getvalue())
    assert [entry.title for entry in result.entries] == [
        "Туснолобова-Марченко З. М.",
        "Ибн Сина",
        "Общероссийский день библиотек",
    ]
    assert result.entries[0].date == PartialDate(1920, 5, 23)
    assert result.entries[1].end == PartialDate(1037)
    assert result.entries[2].rule == DayRule(5, 27)
    assert [row for row, _ in result.errors] == ["5"]


def wikidata_entity(identifier, label, born, died=None):
    def claim(time, precision, calendar="http://www.wikidata.org/entity/Q1985727"):
        return [
            {
                "mainsnak": {
                    "snaktype": "value",
                    "property": "P569",
                    "datavalue": {
                        "type": "time",
                        "value": {
                            "time": time,
                            "timezone": 0,
                            "before": 0,
                            "after": 0,
                            "precision": precision,
                            "calendarmodel": calendar,
                        },
                    },
                },
                "rank": "normal",
            }
        ]

    claims = {"P569": claim(*born)}
    if died:
        claims["P570"] = claim(*died)
    return {
        "id": identifier,
        "labels": {"ru": {"language": "ru", "value": label}},
        "descriptions": {"ru": {"language": "ru", "value": "описание"}},
        "claims": claims,
    }


def test_import_wikidata():
    julian = "http://www.wikidata.org/entity/Q1985786"
    payload = {
        "entities": {
            "Q1": wikidata_entity("Q1", "Бакулев", ("+1890-12-07T00:00:00Z", 11)),
            "Q2": wikidata_entity(
                "Q2", "Азимов", ("+1920-01-01T00:00:00Z", 9), ("+1992-04-06T00:00:00Z", 11)
            ),
            "Q3": wikidata_entity("Q3", "Пирогов", ("+1810-11-13T00:00:00Z", 11, julian)),
            "Q4": wikidata_entity("Q4", "Век", ("+1800-00-00T00:00:00Z", 7)),
            "Q5": {"id": "Q5", "labels": {"en": {"value": "No dates"}}, "claims": {}},
        }
    }
    result = import_wikidata(json.dumps(payload))
    assert [(entry.title, entry.date, entry.end) for entry in result.entries] == [
        ("Бакулев", PartialDate(1890, 12, 7), None),
        ("Азимов", PartialDate(1920), PartialDate(1992, 4, 6)),
        ("Пирогов", PartialDate(1810, 11, 25), None),
    ]
    assert result.entries[0].tags == ["wikidata:Q1"]
    assert [identifier for identifier, _ in result.errors] == ["Q4", "Q5"]


def test_julian_to_gregorian():
    assert julian_to_gregorian(1799, 5, 26) == D(1799, 6, 6)
    assert julian_to_gregorian(1917, 10, 25) == D(1917, 11, 7)
    # 1700 is a leap year in the Julian calendar only: the gap grows from 10 to 11 days.
    assert julian_to_gregorian(1700, 2, 18) == D(1700, 2, 28)
    assert julian_to_gregorian(1700, 2, 19) == D(1700, 3, 1)
