"""The ГОСТ corpus: real catalogue records, each in MARC21 and RUSMARC, against descriptions
written out by hand from ГОСТ Р 7.0.100-2018 (see data/gost_corpus/README.md)."""

from pathlib import Path

import pytest

from vitrina.catalog.connectors.irbis import IrbisRecord
from vitrina.catalog.gost import describe
from vitrina.catalog.marc import MARC21, RUSMARC, read_marc

CORPUS = Path(__file__).parent / "data" / "gost_corpus"
MINIMUM = 40


def expected_descriptions():
    """(control number, kinds, description) from expected.txt, in the corpus order."""
    text = (CORPUS / "expected.txt").read_text(encoding="utf-8")
    blocks = [block for block in text.split("\n\n") if block.strip() and block[0] != "#"]
    out = []
    for block in blocks:
        head, description = block.strip().split("\n")
        number, kinds = head.split(" | ")
        out.append((number.strip(), kinds, description.strip()))
    return out


def read(flavour):
    with open(CORPUS / f"{flavour}.xml", "rb") as stream:
        entries = list(read_marc(stream, flavour=flavour))
    assert all(entry.ok for entry in entries), [e.error for e in entries if not e.ok]
    return [entry.record for entry in entries]


EXPECTED = expected_descriptions()
FORMS = {flavour: read(flavour) for flavour in (MARC21, RUSMARC)}


def test_corpus_size():
    assert len(EXPECTED) >= MINIMUM
    assert len(FORMS[MARC21]) == len(FORMS[RUSMARC]) == len(EXPECTED)


@pytest.mark.parametrize("flavour", [MARC21, RUSMARC])
@pytest.mark.parametrize(
    ("index", "number"), [(index, number) for index, (number, _, _) in enumerate(EXPECTED)]
)
def test_each_record_is_described_by_the_standard(flavour, index, number):
    record = FORMS[flavour][index]
    assert record.control_number.strip() == number
    assert describe(record) == EXPECTED[index][2]


def test_every_record_passes_in_both_forms():
    """The corpus figure: how many of the records are described exactly in both forms."""
    passed = sum(
        describe(FORMS[MARC21][index]) == description == describe(FORMS[RUSMARC][index])
        for index, (_, _, description) in enumerate(EXPECTED)
    )
    print(f"ГОСТ corpus: {passed} of {len(EXPECTED)} records pass in MARC21 and RUSMARC")
    assert passed == len(EXPECTED)


def irbis_records():
    """The IRBIS records of the corpus as IRBIS gives them, read by the IRBIS connector's path."""
    text = (CORPUS / "sources" / "irbis_records.txt").read_text(encoding="utf-8")
    records = []
    for block in text.split("*****"):
        lines = [line[1:].partition(": ") for line in block.strip().splitlines()]
        if lines:
            records.append(IrbisRecord(fields=[(tag, value) for tag, _, value in lines]))
    return records


def test_irbis_records_read_natively_match_both_forms():
    expected = {number: description for number, _, description in EXPECTED}
    natives = [record.to_bibrecord() for record in irbis_records()]
    assert [describe(record) for record in natives] == [
        expected[f"irbis-{number}"] for number in range(1, len(natives) + 1)
    ]
