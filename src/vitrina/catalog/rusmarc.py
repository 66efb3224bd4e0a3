"""RUSMARC semantics: Vitrina's mapping of RUSMARC fields to a ``BibRecord``.

The mapping works on plain ``(tag, [(code, value), ...])`` pairs so that ISO 2709 and
MARCXML records read by pymarc and IRBIS records fetched over TCP share one code path.
Each area of the ГОСТ description comes from its own field: 200 ($a, $d parallel titles,
$e, $f and $g as the source states responsibility, $h/$v and $i for a part), 205, 210, 215
($a $c $d), 225, 300 and 320 (notes), 010 ($a; the price in $d is not part of it), 461 (the
set a volume belongs to), 463 (the journal or collection of an article) and 856.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable

from vitrina.catalog.bibrecord import ELECTRONIC, TEXT, BibRecord, Person

Subfields = list[tuple[str, str]]
Fields = list[tuple[str, Subfields]]

# RUSMARC 100 $a positions 26-29: character set of the record.
CHARSET_CODES = {
    "50": "utf-8",
    "79": "cp866",
    "89": "cp1251",
}
# Relator codes of 702 (and 701) that change a person's role.
EDITOR_CODES = {"340"}
COMPILER_CODES = {"220"}
TRANSLATOR_CODES = {"730"}


_ISBD_TAIL = re.compile(r"[\s/:;,=]+$")
# C1 controls: UNIMARC and RUSMARC mark the words ignored in sorting with \x88 … \x89.
_CONTROL = re.compile(r"[\x80-\x9f]")
_PART = re.compile(r"^(Ч|Т|Кн|Вып|Том|Часть|Книга|Выпуск|Pt|Vol|Bd)\.?\s*[\dIVXLC]", re.IGNORECASE)
_ACCESSED = re.compile(r"[Дд]ата обращения\D*(\d{1,2})[./\\](\d{1,2})[./\\](\d{4})")


# Short words that end a sentence, not abbreviations: «о ней.», «за год.».
_SHORT_WORDS = {
    *("ней", "нем", "них", "нас", "вас", "нам", "вам", "год", "мир"),
    *("дом", "все", "всё", "вся", "его", "она", "они", "оно", "мне"),
}


def ends_with_abbreviation(text: str) -> bool:
    """«ил.», «губ.», «Т. 5.»? A point that closes an abbreviation is not a full stop."""
    match = re.search(r"(\b\w{1,3}|\.\w+)\.$", text)
    return bool(match) and match.group(1).lower() not in _SHORT_WORDS


def clean(text: str, *, keep_point: bool = False) -> str:
    """Drop ISBD punctuation a source left at the end of a value, and a final full stop.

    A point that closes an abbreviation («ил.», «губ.») or an ellipsis stays.
    """
    text = _ISBD_TAIL.sub("", " ".join(_CONTROL.sub("", text).split()))
    text = unicodedata.normalize("NFC", text)
    if (
        not keep_point
        and text.endswith(".")
        and not text.endswith("..")
        and not ends_with_abbreviation(text)
    ):
        text = text[:-1]
    return text.strip()


def is_part_designation(text: str) -> bool:
    """«Ч. 1», «Т. 5», «Кн. 3», «Вып. 2»: the number of a volume or part."""
    return bool(_PART.match(text.strip()))


def date_text(text: str) -> str:
    """The date of publication as the source gives it, with «©» for a copyright date."""
    text = " ".join(text.split()).rstrip(".").strip()
    return re.sub(r"^(?:c|©|cop\.)\s*(\d{4})", r"© \1", text)


def accessed_from_note(note: str) -> datetime.date | None:
    """«Дата обращения к ресурсу 02.10.2013»: the access date some catalogues keep as a note."""
    match = _ACCESSED.search(note)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def values(subfields: Subfields, code: str) -> list[str]:
    return [value.strip() for sub, value in subfields if sub == code and value.strip()]


def first(subfields: Subfields, code: str) -> str:
    found = values(subfields, code)
    return found[0] if found else ""


def person_from(subfields: Subfields) -> Person | None:
    surname = first(subfields, "a")
    if not surname:
        return None
    initials, forenames = first(subfields, "b"), first(subfields, "g")
    if "," in surname and not (initials or forenames):
        # Some catalogues keep the whole heading, dates and all, in $a.
        surname = re.sub(r"\s*\([^)]*\d[^)]*\)$", "", surname)
        surname, _, rest = surname.partition(",")
        rest = rest.strip()
        if re.fullmatch(r"(\w\.\s*)+", rest):
            initials = rest
        else:
            forenames = rest
    return Person(surname=surname, initials=initials, forenames=forenames)


def charset_from_100(value: str) -> str:
    """The encoding named by a 100 $a value, or "" when it names none we read.

    The value starts with the date the record was entered (YYYYMMDD); a field 100 that does
    not (MARC21's main entry, say) names no character set.
    """
    if len(value) < 28 or not value[:8].isdigit():
        return ""
    return CHARSET_CODES.get(value[26:28], "")


def year_from(text: str) -> str:
    match = re.search(r"\d{4}", text)
    return match.group(0) if match else text.strip()


def from_fields(fields: Iterable[tuple[str, Subfields]], *, leader: str = "") -> BibRecord:
    """Map RUSMARC fields to a ``BibRecord``."""
    fields = [
        (tag, [(code, " ".join(value.split())) for code, value in subfields])
        for tag, subfields in fields
    ]
    record = BibRecord(title="")
    sets = [embedded(subfields, tag) for tag, subfields in fields if tag == "461"]
    sets = [link for link in sets if "200" in link]
    sources = [embedded(subfields, tag) for tag, subfields in fields if tag == "463"]
    sources = [link for link in sources if "200" in link]
    has_author = any(tag == "700" for tag, _ in fields)
    main_seen = False
    for tag, subfields in fields:
        if tag == "001":
            record.control_number = first(subfields, "")
        elif tag == "017" and first(subfields, "2").lower() == "doi" and not record.doi:
            record.doi = first(subfields, "a")
        elif tag == "010" and first(subfields, "a"):
            if not record.isbn:
                record.isbn = first(subfields, "a")
            elif first(subfields, "a") not in record.more_isbns:
                record.more_isbns.append(first(subfields, "a"))
        elif tag == "100":
            entered = first(subfields, "a")[:8]
            if entered.isdigit():
                record.source_ids.setdefault("entered", entered)
        elif tag == "200" and not record.title and not record.volume:
            _title(record, subfields, part=bool(sets))
        elif tag == "205" and not record.edition:
            record.edition = ", ".join(values(subfields, "a") + values(subfields, "b"))
        elif tag == "210" and not record.year:
            _imprint(record, subfields)
        elif tag == "215" and not record.pages:
            record.pages = clean(first(subfields, "a"), keep_point=True)
            record.accompanying = clean(first(subfields, "e"), keep_point=True)
            if record.pages.isdigit() and first(subfields, "1"):
                # IRBIS keeps the unit apart: ^A149^1p.
                record.pages += f" {first(subfields, '1')}"
            record.illustrations = clean(first(subfields, "c"), keep_point=True)
            record.dimensions = clean(first(subfields, "d"), keep_point=True)
        elif tag == "225" and not record.series:
            record.series = _title_string(subfields)
            record.series_number = clean(first(subfields, "v"))
        elif tag == "225":
            record.more_series.append(_series_string(subfields))
        elif tag == "410" and not any(tag == "225" for tag, _ in fields):
            # A series given only as a link to its record.
            link = embedded(subfields)
            if "200" in link and not record.series:
                record.series = _title_string(link["200"])
                record.series_number = clean(first(link[""], "v"))
            elif "200" in link:
                record.more_series.append(_series_string(link["200"] + link[""]))
        elif tag == "230":
            record.resource_type = ELECTRONIC
        elif tag in {"300", "320"}:
            note = clean(first(subfields, "a"))
            accessed = accessed_from_note(note)
            if accessed:
                record.accessed = record.accessed or accessed
            elif note:
                record.notes.append(note)
        elif tag == "606":
            subject = first(subfields, "a")
            if subject and subject not in record.subjects:
                record.subjects.append(subject)
        elif tag == "700":
            # 700 is not repeatable: a second one gives the same name in another script.
            if not main_seen:
                _add_person(record, subfields, default=record.authors)
            main_seen = True
        elif tag == "701":
            _add_person(record, subfields, default=record.authors)
        elif tag == "702":
            _add_person(record, subfields, default=None)
        elif tag == "961" and not has_author:
            # IRBIS: the author of this volume of a multi-part work.
            _add_person(record, subfields, default=record.authors)
        elif tag == "801":
            agency = first(subfields, "b")
            if agency:
                record.source_ids.setdefault("agency", agency)
        elif tag == "856" and not record.url:
            record.url = first(subfields, "u")
    record.title_entry = not any(tag in {"700", "961"} for tag, _ in fields)
    if sets:
        _set_from_461(record, sets[0])
    elif sources:
        _source_from_463(record, sources[0])
        # An article whose journal gives no date has its own (210 $d).
        record.source_year = record.source_year or record.date
    if len(leader) > 6 and leader[6] == "l":
        record.resource_type = ELECTRONIC
    if record.resource_type != ELECTRONIC:
        record.resource_type = TEXT
    return record


def embedded(subfields: Subfields, tag: str = "461") -> dict[str, Subfields]:
    """The fields a RUSMARC link embeds after ``$1`` (tag and indicators), by tag.

    A volume or issue number ($v) belongs to the link wherever it stands; it is kept under "".
    IRBIS writes the link flat instead (^C title, ^F statement, ^D place, ^G publisher, ^H
    year of a set or issue of a journal, ^J year, ^S page, ^X heading); that form is read too.
    """
    if not any(code == "1" for code, _ in subfields) and first(subfields, "c"):
        return _irbis_link(subfields, tag)
    found: dict[str, Subfields] = {"": []}
    current = ""
    for code, value in subfields:
        if code == "1":
            current = value[:3]
            found.setdefault(current, [])
            if current == "001":
                found[current].append(("", value[3:]))
        elif code == "v":
            found[""].append((code, value))
        else:
            found.setdefault(current, []).append((code, value))
    return found


def _irbis_link(subfields: Subfields, tag: str) -> dict[str, Subfields]:
    title, *other = first(subfields, "c").split(" : ")
    year = first(subfields, "h") if tag == "461" else first(subfields, "j")
    found: dict[str, Subfields] = {
        "": [("v", first(subfields, "h"))] if tag == "463" and first(subfields, "h") else [],
        "200": [("a", title), *(("e", part) for part in other), ("f", first(subfields, "f"))],
        "210": [("a", first(subfields, "d")), ("c", first(subfields, "g")), ("d", year)],
    }
    if first(subfields, "s"):
        found["215"] = [("a", f"С. {first(subfields, 's')}")]
    if first(subfields, "x"):
        found["700"] = [("a", first(subfields, "x"))]
    return {key: [(code, value) for code, value in pairs if value] for key, pairs in found.items()}


def _series_string(subfields: Subfields) -> str:
    number = clean(first(subfields, "v"))
    return _title_string(subfields) + (f" ; {number}" if number else "")


def _title_string(subfields: Subfields) -> str:
    """«Title : other title information / responsibility», as a set or a journal is named."""
    text = " ; ".join(clean(value) for value in values(subfields, "a"))
    for parallel in values(subfields, "d"):
        text += f" = {clean(parallel)}"
    for other in values(subfields, "e"):
        text += f" : {clean(other)}"
    statements = [clean(value) for value in values(subfields, "f") + values(subfields, "g")]
    if statements:
        text += " / " + " ; ".join(statements)
    return text


def _title(record: BibRecord, subfields: Subfields, *, part: bool) -> None:
    titles = [clean(value) for value in values(subfields, "a")]
    other = [clean(value) for value in values(subfields, "e")]
    record.parallel_titles = [clean(value) for value in values(subfields, "d")]
    statements = [clean(value) for value in values(subfields, "f") + values(subfields, "g")]
    record.responsibility = " ; ".join(statements)
    number = clean(first(subfields, "h") or first(subfields, "v"))
    name = clean(first(subfields, "i"))
    if part:
        # The set's title comes from 461; this record's own title names the volume.
        if not number and len(titles) > 1 and is_part_designation(titles[0]):
            number, titles = titles[0], titles[1:]
        if number:
            record.volume = number
            record.volume_title = " : ".join(filter(None, [" ; ".join(titles), name, *other]))
        else:
            record.volume = " ; ".join(titles)
            record.volume_title = " : ".join(filter(None, [name, *other]))
    else:
        record.title, record.other_title = " ; ".join(titles), other
        record.volume, record.volume_title = number, name


def imprint_groups(subfields: Subfields, place: str, publisher: str) -> list:
    """Places, each with the publishers that follow it: [["Mainz", ["Schott"]], ...].

    When a publisher comes before any place (IRBIS keeps subfields in no set order), the
    order says nothing: all places are given, then all publishers.
    """
    groups: list = []
    for code, value in subfields:
        # «Reading, Mass.»: a place or publisher ends with a point only after an abbreviation.
        value = clean(value, keep_point=True)
        if code == place and value:
            groups.append([value, []])
        elif code == publisher and value:
            if not groups:
                groups.append(["", []])
            groups[-1][1].append(value)
    if len(groups) > 1 and not groups[0][0]:
        places = [name for name, _ in groups if name]
        names = [name for _, group in groups for name in group]
        groups = [[name, []] for name in places[:-1]] + [[places[-1], names]]
    return groups


def imprint_apply(
    record: BibRecord, subfields: Subfields, *, place: str, publisher: str, date: str
) -> None:
    """The publication area from its field, whose subfield codes differ by format."""
    groups = imprint_groups(subfields, place, publisher)
    record.imprint = groups
    record.places = [name for name, _ in groups if name]
    record.publishers = [name for _, names in groups for name in names]
    record.date = date_text(first(subfields, date))
    record.year = year_from(first(subfields, date))


def _imprint(record: BibRecord, subfields: Subfields) -> None:
    imprint_apply(record, subfields, place="a", publisher="c", date="d")


def _set_from_461(record: BibRecord, link: dict[str, Subfields]) -> None:
    """A volume of a multi-part work: the set's title, statement, edition and imprint."""
    title = link["200"]
    record.title = " ; ".join(clean(value) for value in values(title, "a"))
    record.other_title = [clean(value) for value in values(title, "e")]
    if not record.volume:
        record.volume = clean(first(link[""], "v") or first(title, "v"))
    if not record.responsibility:
        record.responsibility = " ; ".join(
            clean(value) for value in values(title, "f") + values(title, "g")
        )
    edition = link.get("205", [])
    if edition and not record.edition:
        record.edition = ", ".join(values(edition, "a") + values(edition, "b"))
    imprint = link.get("210", [])
    if imprint and not record.places:
        year, date = record.year, record.date
        _imprint(record, imprint)
        record.year, record.date = year or record.year, date or record.date
    if "700" in link and record.title_entry:
        # The set's main entry is the heading of its volumes.
        person = person_from(link["700"])
        if person:
            record.authors.insert(0, person)
            record.title_entry = False


def _source_from_463(record: BibRecord, link: dict[str, Subfields]) -> None:
    """An article: the journal or collection it is in, and its issue there."""
    record.source_title = _title_string(link["200"])
    edition = link.get("205", [])
    record.source_edition = ", ".join(values(edition, "a") + values(edition, "b"))
    imprint = link.get("210", [])
    place = " ; ".join(clean(value) for value in values(imprint, "a"))
    publisher = " : ".join(clean(value) for value in values(imprint, "c"))
    record.source_imprint = f"{place or '[Б. м.]'} : {publisher}" if publisher else place
    record.source_year = date_text(first(imprint, "d"))
    issues = [clean(value, keep_point=True) for value in values(link[""], "v")]
    record.source_issue = ". — ".join(issues)
    if not record.pages and link.get("215"):
        record.pages = first(link["215"], "a")


def _add_person(record: BibRecord, subfields: Subfields, *, default: list | None) -> None:
    person = person_from(subfields)
    if person is None:
        return
    # IRBIS writes the relator code with its label ("340 ред."): the code is the first three.
    roles = {value[:3] for value in values(subfields, "4")}
    if roles & EDITOR_CODES:
        record.editors.append(person)
    elif roles & COMPILER_CODES:
        record.compilers.append(person)
    elif roles & TRANSLATOR_CODES:
        record.translators.append(person)
    elif default is not None:
        default.append(person)
