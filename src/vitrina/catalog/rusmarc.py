"""RUSMARC semantics: Vitrina's mapping of RUSMARC fields to a ``BibRecord``.

The mapping works on plain ``(tag, [(code, value), ...])`` pairs so that ISO 2709 and
MARCXML records read by pymarc and IRBIS records fetched over TCP share one code path.
"""

from __future__ import annotations

import re
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


def values(subfields: Subfields, code: str) -> list[str]:
    return [value.strip() for sub, value in subfields if sub == code and value.strip()]


def first(subfields: Subfields, code: str) -> str:
    found = values(subfields, code)
    return found[0] if found else ""


def person_from(subfields: Subfields) -> Person | None:
    surname = first(subfields, "a")
    if not surname:
        return None
    return Person(surname=surname, initials=first(subfields, "b"), forenames=first(subfields, "g"))


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
    record = BibRecord(title="")
    titles: list[str] = []
    statements: list[str] = []
    for tag, subfields in fields:
        if tag == "001":
            record.control_number = first(subfields, "")
        elif tag == "010" and not record.isbn:
            record.isbn = first(subfields, "a")
        elif tag == "100":
            entered = first(subfields, "a")[:8]
            if entered.isdigit():
                record.source_ids.setdefault("entered", entered)
        elif tag == "200":
            titles.extend(values(subfields, "a"))
            record.other_title.extend(values(subfields, "e"))
            statements.extend(values(subfields, "f") + values(subfields, "g"))
            record.volume = first(subfields, "v") or first(subfields, "h")
            record.volume_title = first(subfields, "i")
        elif tag == "205" and not record.edition:
            record.edition = first(subfields, "a")
        elif tag == "210":
            record.places.extend(values(subfields, "a"))
            record.publishers.extend(values(subfields, "c"))
            record.year = record.year or year_from(first(subfields, "d"))
        elif tag == "215" and not record.pages:
            record.pages = first(subfields, "a")
        elif tag == "225" and not record.series:
            record.series = first(subfields, "a")
        elif tag == "230":
            record.resource_type = ELECTRONIC
        elif tag == "606":
            subject = first(subfields, "a")
            if subject and subject not in record.subjects:
                record.subjects.append(subject)
        elif tag in {"700", "701"}:
            _add_person(record, subfields, default=record.authors)
        elif tag == "702":
            _add_person(record, subfields, default=None)
        elif tag == "801":
            agency = first(subfields, "b")
            if agency:
                record.source_ids.setdefault("agency", agency)
        elif tag == "856" and not record.url:
            record.url = first(subfields, "u")
    record.title = " ; ".join(titles)
    record.responsibility = " ; ".join(statements)
    if len(leader) > 6 and leader[6] == "l":
        record.resource_type = ELECTRONIC
    if record.resource_type != ELECTRONIC:
        record.resource_type = TEXT
    return record


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
