"""MARC21 semantics: Vitrina's mapping of MARC21 fields to a ``BibRecord``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from vitrina.catalog.bibrecord import ELECTRONIC, BibRecord, Person
from vitrina.catalog.rusmarc import Subfields, first, values, year_from

EDITOR_TERMS = {"edt", "ed.", "editor", "ред.", "редактор"}
COMPILER_TERMS = {"com", "comp.", "compiler", "сост.", "составитель"}
TRANSLATOR_TERMS = {"trl", "tr.", "translator", "пер.", "переводчик"}
_ISBD_TAIL = re.compile(r"[\s/:;,=]+$")


def clean(text: str, *, keep_point: bool = False) -> str:
    """Drop the ISBD punctuation MARC21 keeps at the end of subfields."""
    text = _ISBD_TAIL.sub("", text.strip())
    # A final point ends the area, unless it closes an abbreviation such as "ил." (illustrations).
    if not keep_point and text.endswith(".") and not re.search(r"(\b\w{1,3}|\.\w+)\.$", text):
        text = text[:-1]
    return text.strip()


def person_from(subfields: Subfields) -> Person | None:
    name = clean(first(subfields, "a"), keep_point=True)
    if not name:
        return None
    surname, _, rest = name.partition(",")
    rest = rest.strip()
    fuller = clean(first(subfields, "q").strip("()"), keep_point=True)
    if re.search(r"\w{2,}", rest.replace(".", " ")) and not re.fullmatch(r"(\w\.\s*)+", rest):
        return Person(surname=surname, forenames=rest)
    return Person(surname=surname, initials=rest, forenames=fuller)


def relator(subfields: Subfields) -> set[str]:
    return {clean(term, keep_point=True).lower() for term in values(subfields, "e")} | {
        term.lower() for term in values(subfields, "4")
    }


def from_fields(fields: Iterable[tuple[str, Subfields]], *, leader: str = "") -> BibRecord:
    record = BibRecord(title="")
    for tag, subfields in fields:
        if tag == "001":
            record.control_number = first(subfields, "")
        elif tag == "003":
            record.source_ids.setdefault("agency", first(subfields, ""))
        elif tag == "008" and first(subfields, "")[:6].isdigit():
            # Date entered on file, YYMMDD; MARC21 began in the late 1960s.
            entered = first(subfields, "")[:6]
            century = "19" if int(entered[:2]) >= 68 else "20"
            record.source_ids.setdefault("entered", century + entered)
        elif tag == "007" and first(subfields, "").startswith("c"):
            record.resource_type = ELECTRONIC
        elif tag == "020" and not record.isbn:
            record.isbn = first(subfields, "a").split(" ")[0]
        elif tag == "040":
            agency = first(subfields, "a")
            if agency:
                record.source_ids.setdefault("agency", agency)
        elif tag in {"100", "700"}:
            person = person_from(subfields)
            if person is None:
                continue
            roles = relator(subfields)
            if roles & EDITOR_TERMS:
                record.editors.append(person)
            elif roles & COMPILER_TERMS:
                record.compilers.append(person)
            elif roles & TRANSLATOR_TERMS:
                record.translators.append(person)
            else:
                record.authors.append(person)
        elif tag == "245":
            record.title = clean(first(subfields, "a"))
            other = clean(first(subfields, "b"))
            record.other_title = [part.strip() for part in other.split(" : ") if part.strip()]
            record.responsibility = clean(first(subfields, "c"))
            record.volume = clean(first(subfields, "n"))
            record.volume_title = clean(first(subfields, "p"))
            medium = first(subfields, "h").lower()
            if "электрон" in medium or "electronic" in medium:
                record.resource_type = ELECTRONIC
        elif tag == "250" and not record.edition:
            record.edition = clean(first(subfields, "a"), keep_point=True)
        elif tag in {"260", "264"} and not record.year:
            record.places = [clean(place) for place in values(subfields, "a")]
            record.publishers = [clean(name) for name in values(subfields, "b")]
            record.year = year_from(first(subfields, "c"))
        elif tag == "300" and not record.pages:
            record.pages = clean(first(subfields, "a"), keep_point=True)
        elif tag in {"490", "440"} and not record.series:
            record.series = clean(first(subfields, "a"))
        elif tag == "650":
            subject = clean(first(subfields, "a"))
            if subject and subject not in record.subjects:
                record.subjects.append(subject)
        elif tag == "856" and not record.url:
            record.url = first(subfields, "u")
    if len(leader) > 6 and leader[6] == "m":
        record.resource_type = ELECTRONIC
    return record
