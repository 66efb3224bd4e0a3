"""MARC21 semantics: Vitrina's mapping of MARC21 fields to a ``BibRecord``.

Each area of the ГОСТ description comes from its own field: 245 (title, other title
information, parallel titles after «=», the statement of responsibility in $c, part $n $p),
250, 260/264, 300 ($a $b $c), 490/440, 500 and 504 (notes), 020 ($a; the price in $c is not
part of it), 773 (the set a volume belongs to, or the journal or collection of an article)
and 856.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from vitrina.catalog.bibrecord import ELECTRONIC, BibRecord, Person
from vitrina.catalog.rusmarc import (
    Subfields,
    accessed_from_note,
    clean,
    first,
    imprint_apply,
    values,
)

EDITOR_TERMS = {"edt", "ed.", "editor", "ред.", "редактор"}
COMPILER_TERMS = {"com", "comp.", "compiler", "сост.", "составитель"}
TRANSLATOR_TERMS = {"trl", "tr.", "translator", "пер.", "переводчик"}
AUTHOR_TERMS = {"aut", "author", "авт.", "автор"}
# Leader/07: a component part of a monograph (a) or of a serial (b).
COMPONENT_LEVELS = {"a", "b"}


def person_from(subfields: Subfields) -> Person | None:
    name = clean(first(subfields, "a"), keep_point=True)
    # A heading may carry the dates in brackets: «Вейдемейер, Александр Иванович (1789-1852)».
    name = re.sub(r"\s*\([^)]*\d[^)]*\)$", "", name).rstrip(",")
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


def _add_person(record: BibRecord, subfields: Subfields, *, main: bool) -> None:
    person = person_from(subfields)
    if person is None:
        return
    roles = relator(subfields)
    if roles & EDITOR_TERMS:
        record.editors.append(person)
    elif roles & COMPILER_TERMS:
        record.compilers.append(person)
    elif roles & TRANSLATOR_TERMS:
        record.translators.append(person)
    elif main or not roles or roles & AUTHOR_TERMS:
        record.authors.append(person)


def _imprint(record: BibRecord, subfields: Subfields) -> None:
    imprint_apply(record, subfields, place="a", publisher="b", date="c")


def _title(record: BibRecord, subfields: Subfields, *, part: bool) -> None:
    raw_title = first(subfields, "a")
    title = clean(raw_title)
    other = [part_.strip() for part_ in clean(first(subfields, "b")).split(" : ") if part_.strip()]
    if raw_title.rstrip().endswith("=") and other:
        record.parallel_titles.append(other.pop(0))
    record.responsibility = clean(first(subfields, "c"))
    number = clean(first(subfields, "n"))
    name = clean(first(subfields, "p"))
    if part:
        # The set's title comes from 773; this record's own title names the volume.
        if number:
            record.volume = number
            record.volume_title = " : ".join(filter(None, [title, name, *other]))
        else:
            record.volume = title
            record.volume_title = " : ".join(filter(None, [name, *other]))
    else:
        record.title, record.other_title = title, other
        record.volume, record.volume_title = number, name
    medium = first(subfields, "h").lower()
    if "электрон" in medium or "electronic" in medium:
        record.resource_type = ELECTRONIC


def _set_from_773(record: BibRecord, subfields: Subfields) -> None:
    """A volume of a multi-part work: the set's title, statement, edition and imprint."""
    title, _, statement = first(subfields, "t").partition(" / ")
    main, *other = [clean(piece) for piece in title.split(" : ")]
    record.title, record.other_title = main, [piece for piece in other if piece]
    if not record.responsibility:
        record.responsibility = clean(statement)
    if not record.edition:
        record.edition = clean(first(subfields, "b"), keep_point=True)
    place, publisher, _ = _imprint_parts(first(subfields, "d"))
    if place and not record.places:
        record.places = [place]
        record.publishers = [publisher] if publisher else []
        record.imprint = [[place, record.publishers]]
    heading = first(subfields, "a")
    if "," in heading and record.title_entry:
        # The set's main entry is the heading of its volumes.
        person = person_from([("a", heading)])
        if person:
            record.authors.insert(0, person)
            record.title_entry = False


def _imprint_parts(text: str) -> tuple[str, str, str]:
    """«Санкт-Петербург : в Тип. военно-учебных заведений, 1848» -> place, publisher, year."""
    text = " ".join(text.split())
    match = re.match(r"^(?P<rest>.*?)[,\s]*(?P<year>\[?\d{4}\S*)$", text)
    rest, year = (match.group("rest"), match.group("year")) if match else (text, "")
    place, _, publisher = rest.partition(" : ")
    return clean(place), clean(publisher), year


def _source_from_773(record: BibRecord, subfields: Subfields) -> None:
    """An article: the journal or collection it is in, and its place there ($g)."""
    record.source_title = clean(first(subfields, "t"))
    record.source_edition = clean(first(subfields, "b"), keep_point=True)
    imprint = clean(first(subfields, "d"))
    place, publisher, year = _imprint_parts(imprint)
    record.source_imprint = f"{place} : {publisher}" if publisher else place
    record.source_year = year
    related = first(subfields, "g")
    if _source_parts_counted(record, related):
        return
    issue = []
    for piece in re.split(r"\.\s+[-—]\s+", related):
        piece = clean(piece, keep_point=True)
        if re.match(r"^[СсPp]\.\s*\d", piece) and not record.pages:
            record.pages = piece
        elif re.match(r"^(Seite|S\.)\s*\d", piece) and not record.pages:
            # German «Seite 107-130» is «S. 107-130».
            record.pages = re.sub(r"^(Seite|S\.)\s*", "S. ", piece)
        elif re.fullmatch(r"\d{4}", piece) and not record.source_year:
            record.source_year = piece
        elif piece:
            issue.append(piece)
    record.source_issue = ". — ".join(issue)


# «72 (2021), 4, Seite 709-725»: volume (year), issue, pages, as German union catalogues
# write 773 $g.
_COUNTED_PARTS = re.compile(
    r"^(?P<volume>[\w./-]+)\s*\((?P<year>\d{4})\)(?:,\s*(?P<issue>[^,]+?))?"
    r"(?:,\s*(?:Seite|S\.|p\.|pp\.)\s*(?P<pages>.+))?$"
)


def _source_parts_counted(record: BibRecord, related: str) -> bool:
    match = _COUNTED_PARTS.match(related.strip())
    if not match:
        return False
    cyrillic = bool(re.search(r"[а-яё]", record.source_title.lower()))
    volume, issue = match.group("volume"), match.group("issue")
    words = ("Т.", "№", "С.") if cyrillic else ("Vol.", "no.", "P.")
    record.source_year = record.source_year or match.group("year")
    record.source_issue = f"{words[0]} {volume}" + (f", {words[1]} {issue}" if issue else "")
    if match.group("pages") and not record.pages:
        record.pages = f"{words[2]} {match.group('pages')}"
    return True


def from_fields(fields: Iterable[tuple[str, Subfields]], *, leader: str = "") -> BibRecord:
    fields = list(fields)
    record = BibRecord(title="")
    component = len(leader) > 7 and leader[7] in COMPONENT_LEVELS
    links = [subfields for tag, subfields in fields if tag == "773" and first(subfields, "t")]
    part_of_set = bool(links) and not component
    main_seen = False
    for tag, subfields in fields:
        subfields = [(code, " ".join(value.split())) for code, value in subfields]
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
        elif tag == "024" and first(subfields, "2").lower() == "doi" and not record.doi:
            record.doi = first(subfields, "a")
        elif tag == "020" and first(subfields, "a"):
            isbn = clean(first(subfields, "a")).split(" ")[0]
            if not record.isbn:
                record.isbn = isbn
            elif isbn not in record.more_isbns:
                record.more_isbns.append(isbn)
        elif tag == "040":
            agency = first(subfields, "a")
            if agency:
                record.source_ids.setdefault("agency", agency)
        elif tag == "100" and not main_seen:
            main_seen = True
            _add_person(record, subfields, main=True)
        elif tag == "700" and not first(subfields, "t"):
            # A 700 with $t is a work related to this one, not a person responsible for it.
            _add_person(record, subfields, main=False)
        elif tag == "245":
            _title(record, subfields, part=part_of_set)
        elif tag == "250" and not record.edition:
            record.edition = clean(first(subfields, "a"), keep_point=True)
        elif tag in {"260", "264"} and not record.year:
            _imprint(record, subfields)
        elif tag == "300" and not record.pages:
            record.pages = clean(first(subfields, "a"), keep_point=True)
            record.illustrations = clean(first(subfields, "b"), keep_point=True)
            # «24 cm. +» before the accompanying material in $e.
            size = first(subfields, "c").rstrip(" +")
            record.dimensions = clean(size, keep_point=True)
            record.accompanying = clean(first(subfields, "e").lstrip("+ "), keep_point=True)
        elif tag in {"490", "440"} and not record.series:
            record.series = clean(first(subfields, "a"))
            record.series_number = clean(first(subfields, "v"))
        elif tag in {"490", "440"}:
            number = clean(first(subfields, "v"))
            more = clean(first(subfields, "a")) + (f" ; {number}" if number else "")
            record.more_series.append(more)
        elif tag in {"500", "504"} and not first(subfields, "5"):
            # A note with $5 is about one library's copy, not about the edition.
            note = clean(first(subfields, "a"))
            accessed = accessed_from_note(note)
            if accessed:
                record.accessed = record.accessed or accessed
            elif note:
                record.notes.append(note)
        elif tag == "650":
            subject = clean(first(subfields, "a"))
            if subject and subject not in record.subjects:
                record.subjects.append(subject)
        elif tag == "856" and not record.url:
            record.url = first(subfields, "u")
    record.title_entry = not main_seen
    if links:
        if component:
            _source_from_773(record, links[0])
            record.source_year = record.source_year or record.date
        else:
            _set_from_773(record, links[0])
    if len(leader) > 6 and leader[6] == "m":
        record.resource_type = ELECTRONIC
    return record
