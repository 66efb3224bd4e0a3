"""The catalogue's own description of a document, independent of where it came from.

MARC21, RUSMARC, IRBIS, SRU and Koha readers all produce a ``BibRecord``; the ГОСТ formatter,
covers and the database layer consume it. Plain dataclasses keep it usable without Django.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

TEXT = "text"
ELECTRONIC = "electronic"
RESOURCE_TYPES = (TEXT, ELECTRONIC)

_PATRONYMIC_FEMALE = re.compile(r"(вна|чна|кызы)$", re.IGNORECASE)
_PATRONYMIC_MALE = re.compile(r"(ич|оглы)$", re.IGNORECASE)


# Particles of foreign names stay as words in a heading: «Буасси, Л. де», «Бетховен, Л. ван».
NAME_PARTICLES = {
    *("de", "du", "da", "di", "von", "van", "der", "le", "la"),
    *("де", "дю", "да", "ди", "фон", "ван", "дер", "ле", "ла"),
}


def initials_from(forenames: str) -> str:
    """«Светлана Михайловна» -> «С. М.», «Анна-Мария» -> «А.-М.»."""
    parts = []
    for word in forenames.replace(".", " ").split():
        if word in NAME_PARTICLES:
            parts.append(word)
            continue
        pieces = [piece for piece in word.split("-") if piece]
        parts.append("-".join(f"{piece[0].upper()}." for piece in pieces))
    return " ".join(parts)


def normalise_initials(initials: str) -> str:
    """«С.М.», «С М», «С.  М.» -> «С. М.» so every source prints the same way."""
    letters = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)?\.?", initials)
    out = []
    for token in letters:
        token = token.rstrip(".")
        if "-" in token:
            out.append("-".join(f"{piece[0]}." for piece in token.split("-") if piece))
        elif len(token) <= 2:
            out.append(f"{token}.")
        else:
            out.append(f"{token[0]}.")
    return " ".join(out)


@dataclass
class Person:
    """A person named in a description: author, editor, compiler or translator."""

    surname: str
    initials: str = ""
    forenames: str = ""
    # Grammatical case forms are not derivable for every name; a cataloguer may store one.
    genitive_surname: str = ""
    female: bool | None = None

    def __post_init__(self) -> None:
        self.surname = self.surname.strip().rstrip(",")
        self.forenames = self.forenames.strip()
        self.initials = normalise_initials(self.initials) if self.initials else ""
        if not self.initials and self.forenames:
            self.initials = initials_from(self.forenames)
        if self.female is None and self.forenames:
            patronymic = self.forenames.split()[-1]
            if _PATRONYMIC_FEMALE.search(patronymic):
                self.female = True
            elif _PATRONYMIC_MALE.search(patronymic):
                self.female = False

    @property
    def heading(self) -> str:
        """The heading form: «Юсупова, С. М.»; a name without initials stands alone."""
        return f"{self.surname}, {self.initials}" if self.initials else self.surname

    @property
    def named(self) -> str:
        """The form in the statement of responsibility: «С. М. Юсупова»."""
        return f"{self.initials} {self.surname}" if self.initials else self.surname

    @property
    def short(self) -> str:
        """The form a post uses: «Юсупова С. М.»."""
        return f"{self.surname} {self.initials}" if self.initials else self.surname

    @property
    def named_genitive(self) -> str:
        """«под редакцией А. М. Нечаева»: the responsibility form in the genitive case."""
        surname = self.genitive_surname or genitive_surname(self.surname, female=self.female)
        return f"{self.initials} {surname}" if self.initials else surname


def genitive_surname(surname: str, *, female: bool | None = None) -> str:
    """Decline a Russian surname into the genitive case where the ending tells how.

    Hyphenated surnames decline part by part (Туснолобова-Марченко -> Туснолобовой-Марченко).
    Endings that do not show the declension, foreign names of unknown gender and indeclinable
    names (-ко, -их, -ых, vowels) stay as they are: an undeclined name is acceptable in a
    description, a wrongly declined one is not.
    """
    if "-" in surname:
        return "-".join(genitive_surname(part, female=female) for part in surname.split("-"))
    lower = surname.lower()
    for ending, replacement in (
        ("ская", "ской"),
        ("цкая", "цкой"),
        ("ова", "овой"),
        ("ева", "евой"),
        ("ёва", "ёвой"),
        ("ина", "иной"),
        ("ына", "ыной"),
    ):
        if lower.endswith(ending) and female is not False:
            return surname[: -len(ending)] + replacement
    for ending, replacement in (
        ("ский", "ского"),
        ("цкий", "цкого"),
        ("ой", "ого"),
        ("ый", "ого"),
    ):
        if lower.endswith(ending) and female is not True:
            return surname[: -len(ending)] + replacement
    if female is True:
        return surname
    if re.search(r"(ов|ев|ёв|ин|ын)$", lower):
        return surname + "а"
    if female is False:
        if lower.endswith("ь"):
            return surname[:-1] + "я"
        if lower.endswith("й"):
            return surname[:-1] + "я"
        if re.search(r"[бвгджзклмнпрстфхцчшщ]$", lower) and not re.search(r"(их|ых)$", lower):
            return surname + "а"
    return surname


@dataclass
class BibRecord:
    """One bibliographic record in the catalogue's terms."""

    title: str
    other_title: list[str] = field(default_factory=list)
    authors: list[Person] = field(default_factory=list)
    editors: list[Person] = field(default_factory=list)
    compilers: list[Person] = field(default_factory=list)
    translators: list[Person] = field(default_factory=list)
    # «английского»: the language translated from, in the genitive as the phrase needs.
    translated_from: str = ""
    # Statement of responsibility as the source wrote it (245 c / 200 f, g): the description
    # transcribes it; the persons above compose one only when the source gives none.
    responsibility: str = ""
    parallel_titles: list[str] = field(default_factory=list)
    volume: str = ""
    volume_title: str = ""
    edition: str = ""
    places: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    # Places with their own publishers, in the source's order: [["Mainz", ["Schott"]], ...].
    # The plain lists above stay for search and display; the description prefers this.
    imprint: list = field(default_factory=list)
    year: str = ""
    # The date as the source gives it («[1879]», «© 1993», «1804-1807»); ``year`` is its
    # four digits for sorting and filtering.
    date: str = ""
    pages: str = ""
    illustrations: str = ""
    dimensions: str = ""
    # Accompanying material: «1 computer optical disc (4 3/4 in.)» after « + ».
    accompanying: str = ""
    series: str = ""
    series_number: str = ""
    # Further series the document is in, each as «Title / statement ; number».
    more_series: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    isbn: str = ""
    doi: str = ""
    # Further ISBNs (of the set, of another binding): each has its own «ISBN …».
    more_isbns: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    url: str = ""
    accessed: datetime.date | None = None
    # For an electronic resource: the site or electronic library that hosts it.
    host: str = ""
    # A component part (an article in a journal or a collection): the document it is in,
    # written after «//». ``pages`` then holds its place there («С. 12-15»).
    source_title: str = ""
    source_edition: str = ""
    source_imprint: str = ""
    source_year: str = ""
    source_issue: str = ""
    resource_type: str = TEXT
    # The record has no main entry for a person (MARC21 no 1XX, RUSMARC no 700): the
    # description starts with the title, whatever added entries name authors.
    title_entry: bool = False
    control_number: str = ""
    source_ids: dict[str, str] = field(default_factory=dict)

    @property
    def place(self) -> str:
        return self.places[0] if self.places else ""

    @property
    def publisher(self) -> str:
        return self.publishers[0] if self.publishers else ""

    @property
    def main_author(self) -> Person | None:
        """The heading person: the first author when there are one to three."""
        if self.title_entry:
            return None
        return self.authors[0] if 1 <= len(self.authors) <= 3 else None


_PERSON_LISTS = ("authors", "editors", "compilers", "translators")


def to_dict(record: BibRecord) -> dict:
    """A JSON-ready form of the record: empty fields are left out to keep rows small."""
    data = {}
    for name, value in vars(record).items():
        if name in _PERSON_LISTS:
            value = [
                {key: item for key, item in vars(person).items() if item not in ("", None)}
                for person in value
            ]
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        if value not in ("", None, [], {}):
            data[name] = value
    return data


def from_dict(data: dict) -> BibRecord:
    values = dict(data)
    for name in _PERSON_LISTS:
        values[name] = [Person(**person) for person in values.get(name, [])]
    if values.get("accessed"):
        values["accessed"] = datetime.date.fromisoformat(values["accessed"])
    return BibRecord(**values)
