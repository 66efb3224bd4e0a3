"""Bibliographic descriptions by ГОСТ Р 7.0.100-2018, the form Russian book lists use.

``describe`` gives the full description for a list of literature; ``describe_short`` the
brief form a post puts under a book («Юсупова С. М. Управление качеством. — Москва, 2026»).
Punctuation is prescribed by the standard: « : » before other title information, « / »
before responsibility, « ; » between groups of responsibility, «. — » between areas.
"""

from __future__ import annotations

import re
import unicodedata

from vitrina.catalog.bibrecord import ELECTRONIC, BibRecord, Person
from vitrina.catalog.rusmarc import ends_with_abbreviation

AREA = ". — "
ET_AL = "[и др.]"
# ГОСТ Р 7.0.100-2018 writes the place of publication in full.
PLACE_NAMES = {
    "м.": "Москва",
    "м": "Москва",
    "спб.": "Санкт-Петербург",
    "спб": "Санкт-Петербург",
    "с.-петербург": "Санкт-Петербург",
    "л.": "Ленинград",
    "н. новгород": "Нижний Новгород",
    "ростов н/д": "Ростов-на-Дону",
    "ростов н/д.": "Ростов-на-Дону",
}
_TERMINAL = (".", "?", "!", "…")
_ANGLE_QUOTES = re.compile(r"<([^<>]+)>")
# C1 controls, such as the non-sorting marks \x88 … \x89 of UNIMARC and RUSMARC titles.
_CONTROL = re.compile(r"[\x80-\x9f]")
# «И. И. Иванов», «S. Kay», «А.-М. Петрова» (initials, then a surname) or, as some
# catalogues write it, «Гурьева В. А.» (the surname first).
_INITIALS = r"(?:[^\W\d_]{1,2}\.\s?-?)+"
_SURNAME = r"[^\W\d_][\w'’-]+"
_PERSON_NAMED = re.compile(rf"{_INITIALS}\s?{_SURNAME}|{_SURNAME}\s{_INITIALS}")


def join_areas(parts: list[str]) -> str:
    """Join areas with «. — », without doubling a point that ends an abbreviation."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith(_TERMINAL):
            out += " — " + part
        else:
            out += AREA + part
    return out


def finish(text: str) -> str:
    return text if text.endswith(_TERMINAL) else text + "."


def place_name(place: str) -> str:
    """The place in full; «[и др.]» after it stays; «Б.м.» is «[Б. м.]» (no place)."""
    place = " ".join(place.split())
    if place.lower().strip("[]") in {"б.м.", "б. м.", "б.м", "s.l."}:
        return "[Б. м.]"
    name, mark, rest = place.partition(" [")
    name = PLACE_NAMES.get(name.lower(), name)
    return f"{name}{mark}{rest}"


def pages_text(pages: str) -> str:
    pages = pages.strip()
    if re.fullmatch(r"\d+", pages):
        return f"{pages} с."
    return pages


def tidy(text: str) -> str:
    """One space between words, composed letters (NFC), and «…» for the «<…>» some
    catalogues use as quotation marks."""
    text = unicodedata.normalize("NFC", " ".join(_CONTROL.sub("", text).split()))
    return _ANGLE_QUOTES.sub(r"«\1»", text)


def dimensions_text(size: str) -> str:
    """«21» -> «21 см»; units are symbols and take no point («21 см.» -> «21 см»)."""
    size = tidy(size)
    if re.fullmatch(r"\d+(,\d+)?", size):
        return f"{size} см"
    return re.sub(r"\b(см|cm)\.$", r"\1", size)


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _is_person(text: str) -> bool:
    return bool(_PERSON_NAMED.fullmatch(text.strip()))


def source_statement(text: str) -> str:
    """The source's statement of responsibility, with the rule for four and more authors.

    Each group keeps its wording and order; a group naming four or more persons (or four
    and more single-name groups in a row, as some catalogues write them) is cut to the
    first three and «[и др.]», as ГОСТ Р 7.0.100-2018 gives it.
    """
    groups = [_drop_final_point(tidy(group)) for group in text.split(" ; ") if group.strip()]
    if not groups:
        return ""
    names = [name.strip() for name in groups[0].split(", ")]
    if len(names) >= 4 and all(_is_person(name) for name in names):
        groups[0] = ", ".join(names[:3]) + f" {ET_AL}"
        return " ; ".join(groups)
    run = 0
    while run < len(groups) and _is_person(groups[run]):
        run += 1
    if run >= 4:
        groups = [", ".join(groups[:3]) + f" {ET_AL}", *groups[run:]]
    return " ; ".join(groups)


def _drop_final_point(text: str) -> str:
    if text.endswith(".") and not text.endswith("..") and not ends_with_abbreviation(text):
        return text[:-1]
    return text


def counts_as_many_authors(record: BibRecord) -> bool:
    """Four and more authors: the description has no heading."""
    if len(record.authors) >= 4:
        return True
    first = record.responsibility.split(" ; ")[0]
    names = [name for name in first.split(", ") if _is_person(name)]
    return len(names) >= 4


def responsibility(record: BibRecord) -> str:
    """The statement of responsibility that follows « / ».

    Transcribed from the source when it has one; otherwise composed from the persons the
    record names, unless the title already names them («…исследование С. Г. Рункевича»).
    """
    if record.responsibility.strip():
        return source_statement(record.responsibility)
    people = record.authors or record.compilers or record.editors
    if people and _named_in_title(record, people[0]):
        return ""
    groups = []
    if record.authors:
        shown = record.authors if len(record.authors) <= 3 else record.authors[:3]
        names = ", ".join(person.named for person in shown)
        if len(record.authors) > 3:
            names += f" {ET_AL}"
        groups.append(names)
    if record.editors:
        groups.append("под редакцией " + _names_genitive(record.editors))
    if record.compilers:
        word = _plural(len(record.compilers), "составитель", "составители")
        groups.append(f"{word} " + ", ".join(person.named for person in record.compilers))
    if record.translators:
        phrase = "перевод"
        if record.translated_from:
            phrase += f" с {record.translated_from}"
        groups.append(f"{phrase} " + _names_genitive(record.translators))
    return " ; ".join(groups)


def _named_in_title(record: BibRecord, person: Person) -> bool:
    if len(person.surname) < 5:
        # A short surname («Ли», «Кан») turns up inside other words.
        return False
    stem = person.surname[: len(person.surname) - 2].lower()
    text = " ".join([record.title, *record.other_title, record.volume_title]).lower()
    return stem in text


def _names_genitive(people: list[Person]) -> str:
    return ", ".join(person.named_genitive for person in people)


def title_area(record: BibRecord) -> str:
    text = tidy(record.title)
    for parallel in record.parallel_titles:
        if parallel.strip():
            text += f" = {tidy(parallel)}"
    for info in record.other_title:
        if info.strip():
            text += f" : {tidy(info)}"
    if record.volume:
        # «Ч.1.» as some catalogues end it: the point is the end of the designation, not part.
        volume = re.sub(r"(\d)\.$", r"\1", tidy(record.volume))
        text = finish(text) + f" {volume}"
        if record.volume_title:
            text += f" : {tidy(record.volume_title)}"
    statement = responsibility(record)
    if statement:
        text += f" / {statement}"
    return text


def _place_group(place: str, publishers: list[str]) -> str:
    names = [tidy(name) for name in publishers if name.strip()]
    place = place_name(place) if place.strip() else ""
    if not names:
        return place
    return f"{place or '[Б. м.]'} : " + " : ".join(names)


def publication_area(record: BibRecord) -> str:
    if record.imprint:
        groups = (_place_group(place, names) for place, names in record.imprint)
        text = " ; ".join(group for group in groups if group)
    else:
        places = " ; ".join(place_name(place) for place in record.places if place.strip())
        publishers = " : ".join(tidy(name) for name in record.publishers if name.strip())
        text = places
        if publishers:
            text = f"{places or '[Б. м.]'} : {publishers}"
    date = tidy(record.date or record.year)
    if date:
        text = f"{text}, {date}" if text else date
    return text


def physical_area(record: BibRecord) -> str:
    """«320 с. : ил. ; 21 см»: extent, illustrations, size."""
    text = pages_text(tidy(record.pages)) if record.pages else ""
    if record.illustrations and text:
        text += f" : {tidy(record.illustrations)}"
    if record.dimensions:
        size = dimensions_text(record.dimensions)
        text = f"{text} ; {size}" if text else size
    if record.accompanying and text:
        text += f" + {tidy(record.accompanying)}"
    return text


def series_area(record: BibRecord) -> str:
    if not record.series.strip():
        return ""
    text = tidy(record.series)
    if record.series_number.strip():
        text += f" ; {tidy(record.series_number)}"
    # Several series: each in its own brackets, one after another.
    return " ".join([f"({text})", *(f"({tidy(more)})" for more in record.more_series)])


def source_area(record: BibRecord) -> str:
    """After «//»: the journal or collection a component part appeared in."""
    imprint = tidy(record.source_imprint)
    if record.source_year:
        imprint = f"{imprint}, {tidy(record.source_year)}" if imprint else tidy(record.source_year)
    return join_areas(
        [
            tidy(record.source_title),
            tidy(record.source_edition),
            imprint,
            tidy(record.source_issue),
            pages_text(tidy(record.pages)) if record.pages else "",
        ]
    )


def describe(record: BibRecord) -> str:
    """The full description by ГОСТ Р 7.0.100-2018."""
    heading = None if counts_as_many_authors(record) else record.main_author
    component = bool(record.source_title.strip())
    areas = [title_area(record), tidy(record.edition)]
    if not component:
        # An article's date and extent are those of its place in the journal, after «//».
        areas += [publication_area(record), physical_area(record)]
    areas.append(series_area(record))
    areas.extend(tidy(note) for note in record.notes)
    doi = f"DOI {record.doi.strip()}" if record.doi.strip() else ""
    if not component:
        areas.append(doi)
    areas.append(f"ISBN {record.isbn.strip()}" if record.isbn else "")
    areas.extend(f"ISBN {isbn.strip()}" for isbn in record.more_isbns if isbn.strip())
    electronic = record.resource_type == ELECTRONIC
    content = "Текст : электронный" if electronic else "Текст : непосредственный"
    if component:
        content += f" // {source_area(record)}"
    elif record.resource_type == ELECTRONIC and record.host:
        content += f" // {record.host.strip()} : [сайт]"
    areas.append(content)
    if component:
        areas.append(doi)
    if record.resource_type == ELECTRONIC and record.url:
        url = f"URL: {record.url.strip()}"
        if record.accessed:
            url += f" (дата обращения: {record.accessed:%d.%m.%Y})"
        areas.append(url)
    body = join_areas(areas)
    if heading:
        body = f"{finish(heading.heading)} {body}"
    return finish(body)


def describe_short(record: BibRecord) -> str:
    """The brief form for posts: author, title, place and year."""
    text = record.title.strip()
    if record.volume:
        text = finish(text) + f" {record.volume.strip()}"
    heading = record.main_author
    if heading:
        text = f"{heading.short} {text}"
    imprint = ", ".join(
        part for part in (place_name(record.place) if record.place else "", record.year) if part
    )
    return join_areas([text, imprint])
