"""Build the two forms of the ГОСТ corpus from the catalogues' own exports in ``sources/``.

Run once by hand (``python tests/catalog/data/gost_corpus/build_corpus.py``); the outputs
``marc21.xml`` and ``rusmarc.xml`` are committed. Where a catalogue exported a record in both
formats the two real records are used as they are; otherwise the missing form is written by
the crosswalk below, which uses pymarc only and nothing of Vitrina's (the README's table
describes it field by field). Records come out in the same order in both files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pymarc
from pymarc import Field, Leader, Record, Subfield

HERE = Path(__file__).parent
SOURCES = HERE / "sources"
ISBD_TAIL = re.compile(r"[\s/:;,=]+$")

RELATOR_TO_RUSMARC = {
    "aut": "070",
    "edt": "340",
    "ред.": "340",
    "com": "220",
    "сост.": "220",
    "trl": "730",
    "пер.": "730",
    "переводчик": "730",
    "ill": "440",
    "ill.": "440",
    "cns": "570",
    "цензор": "570",
}
RUSMARC_TO_RELATOR = {"070": "aut", "340": "edt", "220": "com", "730": "trl", "440": "ill"}


def bare(text: str) -> str:
    """A subfield without the ISBD punctuation MARC21 keeps at its end."""
    return ISBD_TAIL.sub("", text.strip()).strip()


def sub(code: str, value: str) -> Subfield:
    return Subfield(code=code, value=value)


def field(tag: str, ind: str, pairs: list[tuple[str, str]]) -> Field:
    return Field(
        tag=tag,
        indicators=[ind[0], ind[1]],
        subfields=[sub(code, value) for code, value in pairs if value],
    )


def values(fld: Field, code: str) -> list[str]:
    return [value for value in fld.get_subfields(code) if value.strip()]


def first(fld: Field | None, code: str) -> str:
    if fld is None:
        return ""
    found = values(fld, code)
    return found[0].strip() if found else ""


# MARC21 -> RUSMARC ------------------------------------------------------------------------


def split_name(text: str) -> tuple[str, str, str]:
    """«Вейдемейер, Александр Иванович (1789-1852)» -> surname, forenames, dates."""
    text = bare(text)
    dates = ""
    match = re.search(r"\s*\(([^)]*\d[^)]*)\)$", text)
    if match:
        dates, text = match.group(1), text[: match.start()]
    surname, _, rest = text.partition(",")
    return surname.strip(), rest.strip(), dates


def person_to_rusmarc(tag: str, fld: Field, role: str = "") -> Field:
    surname, rest, _ = split_name(first(fld, "a"))
    pairs = [("a", surname)]
    if re.fullmatch(r"(\w\.\s*)+", rest) or not rest:
        pairs.append(("b", rest))
    else:
        pairs.append(("g", rest))
    pairs += [("c", bare(first(fld, "c"))), ("f", bare(first(fld, "d")))]
    if role:
        pairs.append(("4", role))
    ind = " 1" if fld.indicators[0] in "13" else " 0"
    return field(tag, ind, pairs)


def role_of(fld: Field) -> str:
    terms = [bare(term).lower() for term in values(fld, "e")] + values(fld, "4")
    for term in terms:
        if term in RELATOR_TO_RUSMARC:
            return RELATOR_TO_RUSMARC[term]
        if term.rstrip(".") + "." in RELATOR_TO_RUSMARC:
            return RELATOR_TO_RUSMARC[term.rstrip(".") + "."]
    return "570" if terms else ""


def title_parts(text: str) -> tuple[str, list[str], str]:
    """«Title : other / SoR» as one string -> title, other title information, SoR."""
    text, _, statement = text.partition(" / ")
    title, *other = [part.strip() for part in text.split(" : ")]
    return bare(title), [bare(part) for part in other], bare(statement)


def imprint_parts(text: str) -> tuple[str, str, str]:
    """«Санкт-Петербург : в Тип. ..., 1848» -> place, publisher, year."""
    match = re.match(r"^(?P<rest>.*?)[,\s]*(?P<year>\[?\d{4}[^,:]*)$", text.strip())
    rest, year = (match.group("rest"), match.group("year")) if match else (text, "")
    place, _, publisher = rest.partition(" : ")
    return bare(place), bare(publisher), year.strip()


def embedded(tag: str, pairs: list[tuple[str, str]], ind: str = "  ") -> list[tuple[str, str]]:
    """RUSMARC embeds a linked record's fields as ``$1`` + tag + indicators, then subfields."""
    present = [(code, value) for code, value in pairs if value]
    if not present:
        return []
    return [("1", tag + (ind if not tag.startswith("00") else "")), *present]


COUNTED_PARTS = re.compile(
    r"^(?P<volume>[\w./-]+)\s*\((?P<year>\d{4})\)(?:,\s*(?P<issue>[^,]+?))?"
    r"(?:,\s*(?:Seite|S\.|p\.|pp\.)\s*(?P<pages>.+))?$"
)


def link_to_rusmarc(fld: Field, analytic: bool) -> Field | None:
    title = first(fld, "t")
    if not title:
        return None
    main, other, statement = title_parts(title)
    place, publisher, year = imprint_parts(first(fld, "d")) if first(fld, "d") else ("", "", "")
    pairs: list[tuple[str, str]] = []
    if first(fld, "w"):
        pairs = [("1", "001" + first(fld, "w"))]
    heading = first(fld, "a")
    if heading:
        # A personal heading is «Surname, Forenames»; a body's name has no comma.
        pairs += [("1", "700 1" if "," in heading else "71002"), ("a", heading)]
    pairs += embedded("200", [("a", main)] + [("e", part) for part in other] + [("f", statement)])
    edition = first(fld, "b")
    if edition:
        number, _, rest = bare(edition).partition(", ")
        pairs += embedded("205", [("a", number), ("b", rest)])
    pairs += embedded("210", [("a", place), ("c", publisher), ("d", year)])
    pairs += embedded("215", [("a", bare(first(fld, "h")))])
    related = first(fld, "g")
    counted = COUNTED_PARTS.match(related)
    if related and not analytic:
        pairs.append(("v", related))
    if counted and analytic:
        # «72 (2021), 4, Seite 709-725»: the year to 210 $d, volume and issue to $v.
        pairs += embedded("210", [("d", counted.group("year"))])
        issue = f", no. {counted.group('issue')}" if counted.group("issue") else ""
        pairs.append(("v", f"Vol. {counted.group('volume')}{issue}"))
    elif related and analytic:
        issue = [part for part in re.split(r"\.\s+-\s+", related) if not part.startswith("С.")]
        issue = [part for part in issue if not re.fullmatch(r"\d{4}|Seite .*", part)]
        if issue:
            pairs.append(("v", ". — ".join(issue)))
    return Field(
        tag="463" if analytic else "461",
        indicators=[" ", "0"],
        subfields=[sub(code, value) for code, value in pairs],
    )


def marc21_to_rusmarc(rec: Record) -> Record:
    out = Record(force_utf8=True)
    analytic = rec.leader[7] in "ab"
    linked = any(first(f, "t") for f in rec.get_fields("773"))
    electronic = any(f.data.startswith("c") for f in rec.get_fields("007"))
    level = "a" if analytic else "m"
    hierarchy = "2" if linked else "0"
    kind = "l" if electronic else "a"
    out.leader = Leader(f"00000{rec.leader[5]}{kind}{level}{hierarchy} 22000001  450 ")
    for fld in rec.get_fields("001"):
        out.add_field(Field(tag="001", data=fld.data))
    fixed = rec.get_fields("008")
    entered = fixed[0].data[:6] if fixed else ""
    century = "19" if entered and int(entered[:2]) >= 68 else "20"
    year_field = rec.get_fields("260", "264")
    year = re.search(r"\d{4}", first(year_field[0], "c")) if year_field else None
    stamp = (century + entered) if entered else "20000101"
    out.add_field(
        field(
            "100",
            "  ",
            [("a", f"{stamp}d{year.group(0) if year else '    '}    u  y0rusy50      ca")],
        )
    )
    if electronic:
        out.add_field(field("135", "  ", [("a", "drcn")]))
    for fld in rec.get_fields("024"):
        if first(fld, "2").lower() == "doi":
            out.add_field(field("017", "70", [("a", first(fld, "a")), ("2", "doi")]))
    for fld in rec.get_fields("020"):
        out.add_field(
            field(
                "010",
                "  ",
                [("a", bare(first(fld, "a")).split(" ")[0]), ("d", bare(first(fld, "c")))],
            )
        )
    for fld in rec.get_fields("245"):
        raw_a = first(fld, "a")
        pairs = [("a", bare(raw_a))]
        if first(fld, "h"):
            pairs.append(("b", bare(first(fld, "h")).strip("[]")))
        other = bare(first(fld, "b"))
        parts = [part.strip() for part in other.split(" : ")] if other else []
        if raw_a.rstrip().endswith("=") and parts:
            pairs.append(("d", parts.pop(0)))
        pairs += [("e", part) for part in parts]
        groups = (
            [bare(group) for group in bare(first(fld, "c")).split(" ; ")] if first(fld, "c") else []
        )
        if groups:
            pairs.append(("f", groups[0]))
            if len(groups) > 1:
                pairs.append(("g", " ; ".join(groups[1:])))
        pairs += [("h", bare(first(fld, "n"))), ("i", bare(first(fld, "p")))]
        out.add_field(field("200", "1 ", pairs))
    for fld in rec.get_fields("250"):
        text = bare(first(fld, "a"))
        out.add_field(field("205", "  ", [("a", text)]))
    if electronic:
        out.add_field(field("230", "  ", [("a", "Электрон. дан.")]))
    for fld in rec.get_fields("260", "264"):
        # Places and publishers keep their order: each publisher follows its place.
        codes = {"a": "a", "b": "c"}
        pairs = [
            (codes[item.code], bare(item.value)) for item in fld.subfields if item.code in codes
        ]
        pairs.append(("d", bare(first(fld, "c"))))
        out.add_field(field("210", "  ", pairs))
    for fld in rec.get_fields("300"):
        out.add_field(
            field(
                "215",
                "  ",
                [
                    ("a", bare(first(fld, "a"))),
                    ("c", bare(first(fld, "b"))),
                    ("d", bare(first(fld, "c").rstrip(" +"))),
                    ("e", bare(first(fld, "e").lstrip("+ "))),
                ],
            )
        )
    for fld in rec.get_fields("490", "440"):
        main, other, statement = title_parts(bare(first(fld, "a")))
        pairs = [("a", main)] + [("e", part) for part in other] + [("f", statement)]
        pairs.append(("v", bare(first(fld, "v"))))
        out.add_field(field("225", "2 " if fld.tag == "490" else "1 ", pairs))
    for tag, target in (("500", "300"), ("504", "320"), ("505", "327")):
        for fld in rec.get_fields(tag):
            text = bare(first(fld, "a")) or " ; ".join(bare(title) for title in values(fld, "t"))
            # A note with $5 is about one library's copy: RUSMARC keeps those in 316.
            out.add_field(field("316" if first(fld, "5") else target, "  ", [("a", text)]))
    for fld in rec.get_fields("100"):
        role = role_of(fld)
        out.add_field(person_to_rusmarc("700", fld, role="" if role == "070" else role))
    for fld in rec.get_fields("110"):
        out.add_field(
            field("710", "02", [("a", bare(first(fld, "a"))), ("b", bare(first(fld, "b")))])
        )
    for fld in rec.get_fields("700"):
        if first(fld, "t"):
            # A name/title entry for a related work: RUSMARC links it in 4XX, not 70X.
            continue
        role = role_of(fld)
        if role in ("", "070"):
            out.add_field(person_to_rusmarc("701", fld))
        else:
            out.add_field(person_to_rusmarc("702", fld, role=role))
    for fld in rec.get_fields("710"):
        out.add_field(
            field("712", "02", [("a", bare(first(fld, "a"))), ("b", bare(first(fld, "b")))])
        )
    for fld in rec.get_fields("773"):
        link = link_to_rusmarc(fld, analytic)
        if link is not None:
            out.add_field(link)
        if link is not None and analytic:
            pages = [
                part for part in re.split(r"\.\s+-\s+", first(fld, "g")) if part.startswith("С.")
            ]
            counted = COUNTED_PARTS.match(first(fld, "g"))
            if counted and counted.group("pages"):
                pages = [f"P. {counted.group('pages')}"]
            german = re.match(r"^Seite\s+(\S+)$", first(fld, "g"))
            if german:
                pages = [f"S. {german.group(1)}"]
            if pages:
                out.add_field(field("215", "  ", [("a", pages[0])]))
    for fld in rec.get_fields("856"):
        out.add_field(field("856", "4 ", [("u", first(fld, "u"))]))
    return out


# RUSMARC -> MARC21 ------------------------------------------------------------------------


def embedded_fields(fld: Field) -> dict[str, list[tuple[str, str]]]:
    """The fields embedded in a RUSMARC link: {"200": [(code, value), ...], ...}."""
    found: dict[str, list[tuple[str, str]]] = {}
    current = ""
    for item in fld.subfields:
        if item.code == "1":
            # A tag seen before is the same name in another script: keep the first.
            current = item.value[:3] if item.value[:3] not in found else "skip"
            found.setdefault(current, [])
            if current == "001":
                found[current].append(("", item.value[3:]))
        elif item.code == "v":
            found.setdefault("", []).append((item.code, item.value))
        elif current:
            found[current].append((item.code, item.value))
        else:
            found.setdefault("", []).append((item.code, item.value))
    return found


def pick(pairs: list[tuple[str, str]], code: str) -> list[str]:
    return [value for sub_code, value in pairs if sub_code == code and value]


def heading_from(surname: str, initials: str, forenames: str) -> str:
    # UNIMARC catalogues often start $b with the comma: «$aAsimov$b, Isaac».
    rest = forenames or initials.lstrip(", ")
    return f"{surname}, {rest}" if rest and "," not in surname else surname


def title_string(pairs: list[tuple[str, str]]) -> str:
    text = " ; ".join(pick(pairs, "a"))
    for parallel in pick(pairs, "d"):
        text += f" = {parallel}"
    for other in pick(pairs, "e"):
        text += f" : {other}"
    statements = pick(pairs, "f") + pick(pairs, "g")
    if statements:
        text += " / " + " ; ".join(statements)
    return text


def imprint_string(pairs: list[tuple[str, str]]) -> str:
    place = " ; ".join(pick(pairs, "a"))
    publisher = " : ".join(pick(pairs, "c"))
    year = " ".join(pick(pairs, "d"))
    text = place
    if publisher:
        text = f"{text} : {publisher}" if text else publisher
    if year:
        text = f"{text}, {year}" if text else year
    return text


def rusmarc_to_marc21(rec: Record) -> Record:
    out = Record(force_utf8=True)
    analytic = bool(rec.get_fields("463")) or rec.leader[7] == "a"
    electronic = rec.leader[6] == "l" or bool(rec.get_fields("230"))
    level = "a" if analytic else ("i" if rec.leader[7] == "i" else "m")
    out.leader = Leader(f"00000{rec.leader[5]}a{level} a2200000 i 4500")
    for fld in rec.get_fields("001"):
        out.add_field(Field(tag="001", data=fld.data))
    if electronic:
        out.add_field(Field(tag="007", data="cr"))
    stamp = first(rec.get_fields("100")[0], "a") if rec.get_fields("100") else ""
    if stamp[:8].isdigit():
        out.add_field(
            Field(tag="008", data=f"{stamp[2:8]}s{stamp[9:13]}    ru            000 0 rus d")
        )
    for fld in rec.get_fields("010"):
        out.add_field(field("020", "  ", [("a", first(fld, "a")), ("c", first(fld, "d"))]))
    for fld in rec.get_fields("700")[:1]:
        # 700 is not repeatable; a second one is the same name in another script.
        out.add_field(
            field(
                "100",
                "1 " if fld.indicators[1] == "1" else "0 ",
                [
                    ("a", heading_from(first(fld, "a"), first(fld, "b"), first(fld, "g"))),
                    ("c", first(fld, "c")),
                    ("d", first(fld, "f")),
                ],
            )
        )
    for fld in rec.get_fields("710", "711"):
        out.add_field(field("110", "2 ", [("a", first(fld, "a")), ("b", first(fld, "b"))]))
    for fld in rec.get_fields("200"):
        titles = values(fld, "a")
        part_name = first(fld, "i")
        if rec.get_fields("461") and len(titles) > 1:
            # «Ч.1.» then the part's own title: MARC21 gives them as 245 $a and $p.
            titles, part_name = titles[:1], " ; ".join(titles[1:])
        parallel = values(fld, "d")
        other = values(fld, "e")
        statements = values(fld, "f") + values(fld, "g")
        part_number = first(fld, "h") or first(fld, "v")
        after_a = " =" if parallel else (" :" if other else "")
        pairs = [("a", " ; ".join(titles) + after_a)]
        if first(fld, "b"):
            pairs.append(("h", f"[{first(fld, 'b')}]"))
        info = " : ".join(parallel + other)
        if info:
            pairs.append(("b", info))
        if part_number:
            pairs.append(("n", part_number))
        if part_name:
            pairs.append(("p", part_name))
        if statements:
            pairs[-1] = (pairs[-1][0], pairs[-1][1] + " /")
            pairs.append(("c", " ; ".join(statements)))
        out.add_field(field("245", "10" if rec.get_fields("700") else "00", pairs))
    for fld in rec.get_fields("205"):
        out.add_field(field("250", "  ", [("a", ", ".join(values(fld, "a") + values(fld, "b")))]))
    if electronic:
        out.add_field(field("256", "  ", [("a", "Электрон. дан.")]))
    for fld in rec.get_fields("210"):
        codes = {"a": "a", "c": "b"}
        pairs = [(codes[item.code], item.value) for item in fld.subfields if item.code in codes]
        pairs.append(("c", first(fld, "d")))
        out.add_field(field("260", "  ", pairs))
    for fld in rec.get_fields("215"):
        if analytic and first(fld, "a").startswith("С."):
            continue
        out.add_field(
            field(
                "300",
                "  ",
                [
                    ("a", first(fld, "a")),
                    ("b", first(fld, "c")),
                    ("c", first(fld, "d")),
                    ("e", first(fld, "e")),
                ],
            )
        )
    for fld in rec.get_fields("225"):
        text = " ; ".join(values(fld, "a"))
        for parallel in values(fld, "d"):
            text += f" = {parallel}"
        for other in values(fld, "e"):
            text += f" : {other}"
        if values(fld, "f"):
            text += " / " + " ; ".join(values(fld, "f"))
        out.add_field(field("490", "0 ", [("a", text), ("v", first(fld, "v"))]))
    for fld in rec.get_fields("410") if not rec.get_fields("225") else []:
        # A series given as a link to its record: MARC21 transcribes it in 490.
        parts = embedded_fields(fld)
        if "200" in parts:
            number = pick(parts.get("200", []) + parts.get("", []), "v")
            series = [pair for pair in parts["200"] if pair[0] != "v"]
            out.add_field(
                field("490", "0 ", [("a", title_string(series)), ("v", " ".join(number))])
            )
    for tag, target in (("300", "500"), ("320", "504"), ("327", "505")):
        for fld in rec.get_fields(tag):
            out.add_field(field(target, "  ", [("a", first(fld, "a"))]))
    for fld in rec.get_fields("701", "702"):
        codes = [code[:3] for code in values(fld, "4")]
        roles = [RUSMARC_TO_RELATOR[code] for code in codes if code in RUSMARC_TO_RELATOR]
        if fld.tag == "702" and not roles:
            roles = ["oth"]
        out.add_field(
            field(
                "700",
                "1 ",
                [
                    ("a", heading_from(first(fld, "a"), first(fld, "b"), first(fld, "g"))),
                    ("d", first(fld, "f")),
                ]
                + [("4", role) for role in roles],
            )
        )
    for fld in rec.get_fields("712"):
        out.add_field(field("710", "2 ", [("a", first(fld, "a")), ("b", first(fld, "b"))]))
    for fld in rec.get_fields("461", "463"):
        parts = embedded_fields(fld)
        if "200" not in parts:
            continue
        pairs: list[tuple[str, str]] = []
        if "700" in parts:
            person = parts["700"]
            pairs.append(
                (
                    "a",
                    heading_from(
                        " ".join(pick(person, "a")),
                        " ".join(pick(person, "b")),
                        " ".join(pick(person, "g")),
                    ),
                )
            )
        pairs.append(("t", title_string(parts["200"])))
        if "205" in parts:
            pairs.append(("b", ", ".join(pick(parts["205"], "a") + pick(parts["205"], "b"))))
        link_details = pick(parts.get("", []), "v")
        if fld.tag == "463":
            pairs.append(("d", imprint_string([p for p in parts.get("210", []) if p[0] != "d"])))
            pages = [first(f, "a") for f in rec.get_fields("215") if first(f, "a").startswith("С.")]
            related = pick(parts.get("210", []), "d") + link_details + pages
            pairs.append(("g", ". - ".join(related)))
        else:
            pairs.append(("d", imprint_string(parts.get("210", []))))
            pairs.append(("g", " ".join(link_details)))
            pairs.append(("h", " ".join(pick(parts.get("215", []), "a"))))
        if "001" in parts:
            pairs.append(("w", parts["001"][0][1]))
        out.add_field(field("773", "08", pairs))
    for fld in rec.get_fields("856"):
        out.add_field(field("856", "40", [("u", first(fld, "u"))]))
    return out


# IRBIS -> RUSMARC -------------------------------------------------------------------------


def irbis_records(text: str) -> list[dict[str, list[dict[str, str]]]]:
    records = []
    for block in text.split("*****"):
        fields: dict[str, list[dict[str, str]]] = {}
        for line in block.strip().splitlines():
            tag, _, value = line[1:].partition(": ")
            parts = value.split("^")
            subs = {"": parts[0]} if parts[0] else {}
            for part in parts[1:]:
                if part:
                    subs[part[0].lower()] = part[1:]
            fields.setdefault(tag.zfill(3), []).append(subs)
        if fields:
            records.append(fields)
    return records


def irbis_to_rusmarc(fields: dict[str, list[dict[str, str]]], number: int) -> Record:
    out = Record(force_utf8=True)
    analytic = fields.get("920", [{}])[0].get("") == "ASP"
    out.leader = Leader(
        f"00000n{'a'}{'a' if analytic else 'm'}{'2' if '461' in fields else '0'} 22000001  450 "
    )
    out.add_field(Field(tag="001", data=f"irbis-{number}"))
    for subs in fields.get("010", []):
        out.add_field(field("010", "  ", [("a", subs.get("a", "")), ("d", subs.get("d", ""))]))
    for tag in ("101", "102"):
        for subs in fields.get(tag, []):
            out.add_field(field(tag, "  ", [("a", subs.get("", ""))]))
    for subs in fields.get("200", []):
        pairs = [("v", subs.get("v", "")), ("a", subs.get("a", "")), ("e", subs.get("e", ""))]
        pairs += [("f", subs.get("f", "")), ("g", subs.get("g", ""))]
        out.add_field(field("200", "1 ", pairs))
    for subs in fields.get("210", []):
        if "461" in fields and set(subs) == {"d"}:
            out.add_field(field("210", "  ", [("d", subs["d"])]))
            continue
        out.add_field(
            field(
                "210",
                "  ",
                [("a", subs.get("a", "")), ("c", subs.get("c", "")), ("d", subs.get("d", ""))],
            )
        )
    for subs in fields.get("215", []):
        extent = subs.get("a", "")
        if extent.isdigit():
            extent = f"{extent} {subs.get('1', 'с.')}"
        out.add_field(field("215", "  ", [("a", extent)]))
    for subs in fields.get("463", []):
        out.add_field(field("215", "  ", [("a", f"С. {subs['s']}")]))
    for subs in fields.get("606", []):
        out.add_field(field("606", "  ", [("a", subs.get("a", ""))]))
    authors = fields.get("700", []) or [
        subs for subs in fields.get("961", []) if subs.get("z") == "ДА"
    ]
    for subs in authors:
        out.add_field(
            field(
                "700",
                " 1",
                [("a", subs.get("a", "")), ("b", subs.get("b", "")), ("g", subs.get("g", ""))],
            )
        )
    for subs in fields.get("701", []):
        out.add_field(
            field(
                "701",
                " 1",
                [("a", subs.get("a", "")), ("b", subs.get("b", "")), ("g", subs.get("g", ""))],
            )
        )
    for subs in fields.get("461", []):
        title, *other = subs.get("c", "").split(" : ")
        surname, _, forenames = subs.get("x", "").partition(", ")
        pairs = [("1", "700 1"), ("a", surname), ("g", forenames)]
        pairs += [("1", "2001 "), ("a", title), *[("e", part) for part in other]]
        pairs += [("f", subs.get("f", "")), ("v", fields["200"][0].get("v", ""))]
        pairs += [("1", "210  "), ("a", subs.get("d", "")), ("c", subs.get("g", ""))]
        pairs.append(("d", subs.get("h", "")))
        out.add_field(
            Field(tag="461", indicators=[" ", "0"], subfields=[sub(c, v) for c, v in pairs if v])
        )
    for subs in fields.get("463", []):
        pairs = [("1", "2001 "), ("a", subs.get("c", "")), ("v", subs.get("h", ""))]
        pairs += [("1", "210  "), ("a", subs.get("d", "")), ("d", subs.get("j", ""))]
        out.add_field(
            Field(tag="463", indicators=[" ", "0"], subfields=[sub(c, v) for c, v in pairs if v])
        )
    return out


def json_to_rusmarc(path: Path) -> Record:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]["attributes"]
    out = Record(force_utf8=True)
    out.leader = Leader(data["leader"])
    out.add_field(Field(tag="001", data="RGBI-nortfort"))
    for item in data["fields"]:
        ind = [char.replace("#", " ") for char in (item.get("ind1", " "), item.get("ind2", " "))]
        subs = [sub(entry["code"], entry["data"]) for entry in item.get("subfields", [])]
        out.add_field(Field(tag=item["tag"], indicators=ind, subfields=subs))
    return out


# Reading the sources ----------------------------------------------------------------------


def read_iso(name: str, encoding: str = "utf-8") -> list[Record]:
    with open(SOURCES / name, "rb") as stream:
        reader = pymarc.MARCReader(
            stream, to_unicode=True, force_utf8=encoding == "utf-8", file_encoding=encoding
        )
        return [record for record in reader if record is not None]


def read_xml(name: str) -> list[Record]:
    return pymarc.parse_xml_to_array(str(SOURCES / name))


# (key, MARC21 source or None, RUSMARC source or None): a None side is made by the crosswalk.
def corpus() -> list[tuple[Record | None, Record | None]]:
    pairs: list[tuple[Record | None, Record | None]] = []
    for record in read_iso("1251.mrc", "cp1251"):
        pairs.append((record, None))
    pairs.append((read_iso("01003120729.mrc")[0], read_iso("01003120729.iso")[0]))
    pairs.append((None, read_iso("NLR001087167.mrc")[0]))
    for name in (
        "svod-date-problem-8.mrc",
        "003629471_marc21.mrc",
        "1_marc21.mrc",
        "3_marc21.mrc",
        "4_marc21.mrc",
    ):
        for record in read_iso(name):
            pairs.append((record, None))
    for number in ("01003543129.1", "01003543129.2", "01010086131.3"):
        pairs.append(
            (
                read_iso(f"RuMoRGB.{number}.marc21.mrc")[0],
                read_iso(f"RuMoRGB.{number}.rusmarc.iso")[0],
            )
        )
    numbers = ("3501478", "3546177", "3579789", "3678236", "3840614", "3846027", "3847011")
    for number in (*numbers, "3847846", "9845547", "5452708", "5452724"):
        pairs.append((read_xml(f"rsl0100{number}.xml")[0], None))
    for name in ("nokey.mrc", "sandburg.mrc", "utf8_with_leader_flag.mrc", "test.mrc"):
        pairs.append((read_iso(name)[0], None))
    wanted = ("11778504", "12515882", "13610512", "13069942", "12565514", "1598167", "12370044")
    by_number = {record["001"].data.strip(): record for record in read_iso("pymarc_marc.dat")}
    for number in wanted:
        pairs.append((by_number[number], None))
    pairs.append((None, read_iso("pymarc_testunimarc.dat")[0]))
    pairs.append((read_xml("ixtheo_hoover_2021.xml")[0], None))
    pairs.append((read_xml("b3kat_BV050113439.xml")[0], None))
    for name in (
        "RuSpRNB-009670326-rusmarc-language.mrc",
        "NLR005177748.mrc",
        "NLR009671045.mrc",
        "NLR009673669.mrc",
        "NLR009673670.mrc",
        "NLR009673671.mrc",
    ):
        pairs.append((None, read_iso(name)[0]))
    pairs.append((None, json_to_rusmarc(SOURCES / "rgbi_nortfort.json")))
    nlr = {record["001"].data: record for record in read_iso("loge_rusmarc_TEST1.ISO", "cp1251")}
    for number in (
        "340793", "341048", "341807", "361696", "342680", "342682",
        "342803", "344355", "361649", "358954", "64495", "298182",
    ):  # fmt: skip
        pairs.append((None, nlr[f"RU\\NLR\\bibl\\{number}"]))
    text = (SOURCES / "irbis_records.txt").read_text(encoding="utf-8")
    for number, fields in enumerate(irbis_records(text), 1):
        pairs.append((None, irbis_to_rusmarc(fields, number)))
    return pairs


def main() -> None:
    marc21_out, rusmarc_out = [], []
    for marc21_record, rusmarc_record in corpus():
        marc21_record = marc21_record or rusmarc_to_marc21(rusmarc_record)
        rusmarc_record = rusmarc_record or marc21_to_rusmarc(marc21_record)
        marc21_out.append(marc21_record)
        rusmarc_out.append(rusmarc_record)
    for name, records in (("marc21.xml", marc21_out), ("rusmarc.xml", rusmarc_out)):
        with open(HERE / name, "wb") as stream:
            writer = pymarc.XMLWriter(stream)
            for record in records:
                writer.write(record)
            writer.close()
    print(len(marc21_out), "records")


if __name__ == "__main__":
    main()
