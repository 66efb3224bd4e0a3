from pathlib import Path

import pytest

from vitrina.catalog.bibrecord import ELECTRONIC
from vitrina.catalog.gost import describe
from vitrina.catalog.marc import read_marc

from .marcdata import field, iso2709, marc21_record, marcxml, rusmarc_record

DATA = Path(__file__).parent / "data"
CHARSETS = {"utf-8": "50  ", "cp1251": "89  ", "cp866": "79  "}


def books(charset="50  "):
    return [
        rusmarc_record(1, "Очерки гнойной хирургии", "Войно-Ясенецкий", "В. Ф.", charset=charset),
        rusmarc_record(2, "Пропедевтика детских болезней", "Мазурин", "А. В.", charset=charset),
        rusmarc_record(3, "Щадящая диета: ёмкий справочник", "Щукин", "Э. Ю.", charset=charset),
    ]


def read(data, **kwargs):
    return list(read_marc(data, **kwargs))


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "cp866"])
def test_rusmarc_declared_encoding(tmp_path, encoding):
    path = tmp_path / f"books-{encoding}.iso"
    path.write_bytes(b"".join(iso2709(record, encoding) for record in books(CHARSETS[encoding])))
    entries = read(str(path))
    assert [entry.error for entry in entries] == [None, None, None]
    assert {entry.encoding for entry in entries} == {encoding}
    assert {entry.flavour for entry in entries} == {"rusmarc"}
    assert [entry.record.title for entry in entries] == [
        "Очерки гнойной хирургии",
        "Пропедевтика детских болезней",
        "Щадящая диета: ёмкий справочник",
    ]
    assert entries[2].record.authors[0].heading == "Щукин, Э. Ю."


@pytest.mark.parametrize("encoding", ["cp1251", "cp866"])
def test_code_page_is_guessed_when_the_record_says_nothing_true(tmp_path, encoding):
    # The exports claim UTF-8 (or nothing) and are in a code page all the same.
    data = b"".join(iso2709(record, encoding) for record in books(charset="    "))
    entries = read(data)
    assert {entry.encoding for entry in entries} == {encoding}
    assert entries[1].record.title == "Пропедевтика детских болезней"


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "cp866"])
def test_marc21_in_each_encoding(encoding):
    record = marc21_record(7, "Мастер и Маргарита", "Булгаков, Михаил Афанасьевич")
    [entry] = read(iso2709(record, encoding))
    assert entry.ok and entry.flavour == "marc21" and entry.encoding == encoding
    bib = entry.record
    assert bib.title == "Мастер и Маргарита"
    assert bib.other_title == ["роман"]
    assert bib.authors[0].heading == "Булгаков, М. А."
    assert (bib.places, bib.publishers, bib.year) == (["Москва"], ["АСТ"], "2019")
    assert bib.pages == "480 с."
    assert bib.isbn == "978-5-17-000007-1"
    assert bib.subjects == ["Русская литература"]
    assert bib.control_number == "ocm00000007"
    assert describe(bib) == (
        # 245 $c is transcribed as the source gives it; 300 $c is the size.
        "Булгаков, М. А. Мастер и Маргарита : роман / Михаил Булгаков. — Москва : АСТ, 2019. "
        "— 480 с. ; 21 см. — ISBN 978-5-17-000007-1. — Текст : непосредственный."
    )


def test_override_wins_over_the_declaration():
    data = b"".join(iso2709(record, "cp866") for record in books(charset="89  "))
    assert read(data)[0].record.title != "Очерки гнойной хирургии"
    entries = read(data, encoding="cp866")
    assert entries[0].record.title == "Очерки гнойной хирургии"


def test_unknown_override_is_refused():
    with pytest.raises(ValueError):
        read(b"", encoding="koi8-r")


def test_rusmarc_mapping_of_all_fields():
    record = rusmarc_record(
        9,
        "Кардиология",
        "Шляхто",
        "Е. В.",
        subjects=["Кардиология", "Сердечно-сосудистые заболевания", "Кардиология"],
        extra=[
            field("701", ("a", "Конради"), ("b", "А. О."), ("g", "Александра Олеговна")),
            field("702", ("a", "Беленков"), ("b", "Ю. Н."), ("4", "340")),
            field("702", ("a", "Иванова"), ("b", "Е. П."), ("4", "220")),
            field("702", ("a", "Петров"), ("b", "И. И."), ("4", "730")),
            field("702", ("a", "Художников"), ("b", "А. А."), ("4", "440")),
            field("225", ("a", "Национальные руководства")),
            field("205", ("a", "2-е издание")),
            field("856", ("u", "https://library.example/kardio")),
        ],
    )
    [entry] = read(iso2709(record))
    bib = entry.record
    assert [person.named for person in bib.authors] == ["Е. В. Шляхто", "А. О. Конради"]
    assert bib.authors[1].forenames == "Александра Олеговна"
    assert [person.surname for person in bib.editors] == ["Беленков"]
    assert [person.surname for person in bib.compilers] == ["Иванова"]
    assert [person.surname for person in bib.translators] == ["Петров"]
    assert bib.subjects == ["Кардиология", "Сердечно-сосудистые заболевания"]
    assert bib.series == "Национальные руководства"
    assert bib.edition == "2-е издание"
    assert bib.url == "https://library.example/kardio"
    assert bib.isbn == "978-5-00000-009-0"
    assert bib.source_ids == {"agency": "KNMB", "entered": "20200101"}
    assert bib.control_number == "RU/KNMB/9"
    assert bib.responsibility == "Е. В. Шляхто"
    assert bib.resource_type == "text"


def test_rusmarc_electronic_resource_and_volume():
    record = rusmarc_record(
        10,
        "Собрание сочинений",
        "Чехов",
        "А. П.",
        extra=[field("230", ("a", "Электронные текстовые данные"))],
    )
    record["200"].add_subfield("v", "Т. 3")
    record["200"].add_subfield("i", "Рассказы")
    [entry] = read(iso2709(record))
    assert entry.record.resource_type == ELECTRONIC
    assert (entry.record.volume, entry.record.volume_title) == ("Т. 3", "Рассказы")


def test_marc21_relators():
    record = marc21_record(
        3,
        "Кардиология",
        "Шляхто, Е. В.",
        extra=[
            field("700", ("a", "Беленков, Ю. Н.,"), ("e", "ред."), indicators=("1", " ")),
            field("700", ("a", "Smith, John,"), ("4", "trl"), indicators=("1", " ")),
            field("700", ("a", "Конради, А. О."), indicators=("1", " ")),
            field("490", ("a", "Национальные руководства ;"), ("v", "5")),
            field("856", ("u", "https://library.example/1"), indicators=("4", "0")),
        ],
    )
    [entry] = read(iso2709(record))
    bib = entry.record
    assert [person.heading for person in bib.authors] == ["Шляхто, Е. В.", "Конради, А. О."]
    assert [person.named for person in bib.editors] == ["Ю. Н. Беленков"]
    assert [person.forenames for person in bib.translators] == ["John"]
    assert bib.series == "Национальные руководства"
    assert bib.url == "https://library.example/1"


def test_flavour_override():
    record = rusmarc_record(4, "Терапия", "Мухин", "Н. А.")
    [entry] = read(iso2709(record), flavour="marc21")
    assert entry.flavour == "marc21"
    assert entry.record.title == ""


def test_broken_records_are_reported_and_the_rest_read(tmp_path):
    good = [iso2709(record, "cp1251") for record in books("89  ")]
    bad_leader = b"12x45" + good[0][5:]
    base = int(good[1][12:17])
    # Five bytes of the directory lost: the base address still points at the data.
    truncated_directory = (
        b"%05d" % (len(good[1]) - 5)
        + good[1][5:12]
        + b"%05d" % (base - 5)
        + good[1][17 : base - 6]
        + good[1][base - 1 :]
    )
    invalid = iso2709(rusmarc_record(5, "Бакулев", "Бакулев", "А. Н."), "utf-8")
    invalid = invalid.replace("Бакулев".encode(), b"\xff\xfe" + "акулев".encode())
    parts = [good[0], bad_leader, good[1], truncated_directory, good[2], b"00123nam"]
    path = tmp_path / "mixed.iso"
    path.write_bytes(b"".join(parts))
    entries = read(str(path))
    assert [entry.ok for entry in entries] == [True, False, True, False, True, False]
    assert [entry.error.code for entry in entries if not entry.ok] == [
        "leader",
        "directory",
        "truncated",
    ]
    offsets = [0]
    for part in parts[:-1]:
        offsets.append(offsets[-1] + len(part))
    assert [entry.offset for entry in entries] == offsets
    assert [entry.number for entry in entries] == [1, 2, 3, 4, 5, 6]
    assert [entry.record.title for entry in entries if entry.ok] == [
        "Очерки гнойной хирургии",
        "Пропедевтика детских болезней",
        "Щадящая диета: ёмкий справочник",
    ]

    utf8 = [iso2709(record, "utf-8") for record in books()]
    entries = read(utf8[0] + invalid + utf8[1], encoding="utf-8")
    assert [entry.ok for entry in entries] == [True, False, True]
    assert entries[1].error.code == "encoding"
    assert "utf-8" in entries[1].error.reason


def test_invalid_bytes_in_a_utf8_file_are_found_without_an_override():
    utf8 = [iso2709(record, "utf-8") for record in books()]
    invalid = utf8[1].replace("Мазурин".encode(), b"\xff" * len("Мазурин".encode()))
    entries = read(utf8[0] + invalid + utf8[2])
    assert [entry.ok for entry in entries] == [True, False, True]


def test_records_separated_by_newlines():
    data = b"\n".join(iso2709(record) for record in books()) + b"\n"
    assert [entry.ok for entry in read(data)] == [True, True, True]


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1251", "cp866"])
def test_marcxml_in_each_declared_encoding(tmp_path, encoding):
    path = tmp_path / "records.xml"
    path.write_bytes(
        marcxml([*books(), marc21_record(1, "Белая гвардия", "Булгаков, М. А.")], encoding)
    )
    entries = read(str(path))
    assert [entry.flavour for entry in entries] == ["rusmarc"] * 3 + ["marc21"]
    assert entries[3].record.title == "Белая гвардия"
    assert entries[0].record.authors[0].surname == "Войно-Ясенецкий"


def test_marcxml_without_declaration_is_guessed_and_override_applies():
    document = marcxml(books(), "cp1251").split(b"?>", 1)[1]
    assert read(document)[0].record.title == "Очерки гнойной хирургии"
    assert read(document, encoding="cp866")[0].record.title != "Очерки гнойной хирургии"


def test_malformed_marcxml_keeps_the_records_before_the_damage():
    document = marcxml(books())
    cut = document.rindex(b"<record")
    entries = read(document[:cut] + b"<record><leader>broken")
    assert [entry.ok for entry in entries] == [True, True, False]
    assert entries[2].error.code == "xml"
    assert "line" in entries[2].error.reason


def test_committed_fixture_files():
    entries = read(str(DATA / "rusmarc_cp1251.iso"))
    assert [entry.encoding for entry in entries] == ["cp1251", "cp1251"]
    assert entries[0].record.subjects == ["Хирургия", "Гнойная инфекция"]
    assert describe(entries[1].record) == (
        "Баиров, Г. А. Детская хирургия : учебник / Г. А. Баиров. — Москва : ГЭОТАР-Медиа, "
        "1983. — 320 с. — ISBN 978-5-00000-002-0. — Текст : непосредственный."
    )
    with open(DATA / "marc21.xml", "rb") as stream:
        entries = read(stream)
    assert [entry.record.title for entry in entries] == ["Мастер и Маргарита", "Собачье сердце"]
    assert entries[0].record.authors[0].forenames == "Михаил Афанасьевич"


def test_character_set_of_field_100():
    from vitrina.catalog.rusmarc import charset_from_100

    assert charset_from_100("20200101d2000    k  y0rusy89      ca") == "cp1251"
    assert charset_from_100("20200101d2000    k  y0rusy79      ca") == "cp866"
    assert charset_from_100("20200101d2000    k  y0rusy50      ca") == "utf-8"
    # A MARC21 main entry that happens to have the digits in place names no character set.
    assert charset_from_100("Иванов, Иван, 1950-2050 год 50") == ""
