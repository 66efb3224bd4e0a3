"""Bibliographic descriptions by ГОСТ Р 7.0.100-2018, the form Russian book lists use.

``describe`` gives the full description for a list of literature; ``describe_short`` the
brief form a post puts under a book («Юсупова С. М. Управление качеством. — Москва, 2026»).
Punctuation is prescribed by the standard: « : » before other title information, « / »
before responsibility, « ; » between groups of responsibility, «. — » between areas.
"""

from __future__ import annotations

import re

from vitrina.catalog.bibrecord import ELECTRONIC, BibRecord, Person

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
    place = " ".join(place.split())
    return PLACE_NAMES.get(place.lower(), place)


def pages_text(pages: str) -> str:
    pages = pages.strip()
    if re.fullmatch(r"\d+", pages):
        return f"{pages} с."
    return pages


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def responsibility(record: BibRecord) -> str:
    """The statement of responsibility that follows « / ».

    Composed from the named persons when the record has them; otherwise the source's own
    statement (often a corporate body) is used as written.
    """
    if not (record.authors or record.editors or record.compilers or record.translators):
        return record.responsibility.strip()
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


def _names_genitive(people: list[Person]) -> str:
    return ", ".join(person.named_genitive for person in people)


def title_area(record: BibRecord) -> str:
    text = record.title.strip()
    for info in record.other_title:
        if info.strip():
            text += f" : {info.strip()}"
    if record.volume:
        text = finish(text) + f" {record.volume.strip()}"
        if record.volume_title:
            text += f" : {record.volume_title.strip()}"
    statement = responsibility(record)
    if statement:
        text += f" / {statement}"
    return text


def publication_area(record: BibRecord) -> str:
    places = " ; ".join(place_name(place) for place in record.places if place.strip())
    publishers = " : ".join(name.strip() for name in record.publishers if name.strip())
    text = places
    if publishers:
        text = f"{places or '[Б. м.]'} : {publishers}"
    if record.year:
        text = f"{text}, {record.year}" if text else record.year
    return text


def describe(record: BibRecord) -> str:
    """The full description by ГОСТ Р 7.0.100-2018."""
    heading = record.main_author
    areas = [title_area(record), record.edition, publication_area(record)]
    areas.append(pages_text(record.pages) if record.pages else "")
    areas.append(f"({record.series.strip()})" if record.series else "")
    areas.append(f"ISBN {record.isbn.strip()}" if record.isbn else "")
    if record.resource_type == ELECTRONIC:
        content = "Текст : электронный"
        if record.host:
            content += f" // {record.host.strip()} : [сайт]"
        areas.append(content)
        if record.url:
            url = f"URL: {record.url.strip()}"
            if record.accessed:
                url += f" (дата обращения: {record.accessed:%d.%m.%Y})"
            areas.append(url)
    else:
        areas.append("Текст : непосредственный")
    body = join_areas(areas)
    if heading:
        body = f"{heading.heading} {body}"
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
