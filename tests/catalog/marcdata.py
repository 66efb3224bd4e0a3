"""Build real MARC files with pymarc, in any of the encodings Russian exports use."""

import xml.etree.ElementTree as ET

from pymarc import Field, Indicators, RawField, Record, Subfield, record_to_xml_node

from vitrina.catalog.marc import RECORD_END


def field(tag, *pairs, indicators=("#", "#")):
    return Field(
        tag=tag,
        indicators=Indicators(*indicators),
        subfields=[Subfield(code, value) for code, value in pairs],
    )


def rusmarc_record(
    number, title, surname, initials, *, year="2020", charset="50  ", extra=(), subjects=()
):
    record = Record(leader="00000nam0 2200000   450 ")
    record.add_field(Field(tag="001", data=f"RU/KNMB/{number}"))
    record.add_field(field("010", ("a", f"978-5-00000-{number:03d}-0"), ("d", "300 р.")))
    record.add_field(field("100", ("a", f"20200101d{year}    k  y0rusy{charset}    ca")))
    record.add_field(field("200", ("a", title), ("e", "учебник"), ("f", f"{initials} {surname}")))
    record.add_field(field("210", ("a", "Москва"), ("c", "ГЭОТАР-Медиа"), ("d", year)))
    record.add_field(field("215", ("a", "320 с.")))
    for subject in subjects:
        record.add_field(field("606", ("a", subject)))
    record.add_field(field("700", ("a", surname), ("b", initials)))
    for extra_field in extra:
        record.add_field(extra_field)
    record.add_field(field("801", ("a", "RU"), ("b", "KNMB"), ("c", "20200101")))
    return record


def marc21_record(number, title, name, *, year="2019", extra=()):
    record = Record(leader="00000nam a2200000 i 4500")
    record.add_field(Field(tag="001", data=f"ocm{number:08d}"))
    record.add_field(Field(tag="003", data="RuMoRGB"))
    record.add_field(field("020", ("a", f"978-5-17-0{number:05d}-1 (в пер.)")))
    record.add_field(field("100", ("a", name), indicators=("1", " ")))
    record.add_field(field("245", ("a", f"{title} :"), ("b", "роман /"), ("c", "Михаил Булгаков.")))
    record.add_field(field("264", ("a", "Москва :"), ("b", "АСТ,"), ("c", f"{year}.")))
    record.add_field(field("300", ("a", "480 с. ;"), ("c", "21 см")))
    record.add_field(field("650", ("a", "Русская литература.")))
    for extra_field in extra:
        record.add_field(extra_field)
    return record


def iso2709(record, encoding="utf-8"):
    """The record as ISO 2709 bytes with its text in ``encoding``."""
    leader = str(record.leader)
    copy = Record(leader=leader[:9] + ("a" if encoding == "utf-8" else " ") + leader[10:])
    for original in record.fields:
        if original.is_control_field():
            copy.add_field(RawField(tag=original.tag, data=original.data.encode(encoding)))
        else:
            copy.add_field(
                RawField(
                    tag=original.tag,
                    indicators=original.indicators,
                    subfields=[
                        Subfield(sub.code, sub.value.encode(encoding)) for sub in original.subfields
                    ],
                )
            )
    data = copy.as_marc()
    assert data.endswith(RECORD_END)
    return data


def marcxml(records, encoding="utf-8"):
    # Characters are written as themselves, not as references, so the encoding matters.
    body = "".join(
        ET.tostring(record_to_xml_node(record, namespace=True), encoding="unicode")
        for record in records
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<collection xmlns="http://www.loc.gov/MARC21/slim">' + body + "</collection>"
    )
    return text.encode(encoding)
