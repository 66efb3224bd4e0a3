"""A document as CSV for Russian Excel: UTF-8 with a byte-order mark, «;» between cells,
decimal commas and dates as 31.12.2021. The title first; then each table after a blank
line and its heading (the sheet's name for a headless table that starts a sheet), its
header and rows. Values only: marks and footnotes are for people's formats (a table may
give a source column for the CSV instead). Text is formula-safe."""

import csv
import io

from vitrina.core.exports import cells
from vitrina.core.exports.sections import (
    CSV,
    Column,
    Document,
    Entries,
    Heading,
    KeyValues,
    Paragraphs,
    Section,
    Signature,
    Table,
)

TEXT = Column("")


def _rows(section: Section) -> list[list[str]]:
    if isinstance(section, Table):
        shown = section.shown_columns(CSV)
        rows = [[cells.formula_safe(section.columns[index].title) for index in shown]]
        for row in section.rows:
            rows.append(
                [
                    cells.csv_value(
                        row[index] if index < len(row) else None, section.columns[index]
                    )
                    for index in shown
                ]
            )
        return rows
    if isinstance(section, Paragraphs):
        return [[cells.formula_safe(line)] for line in section.lines if line.strip()]
    if isinstance(section, KeyValues):
        return [
            [cells.formula_safe(label), cells.csv_value(value, cells.typed_value(value))]
            for label, value in section.pairs
        ]
    if isinstance(section, Signature):
        return [[cells.formula_safe(section.position), cells.formula_safe(section.name)]]
    if isinstance(section, Entries):
        return [
            [str(number), cells.formula_safe(item)]
            for number, item in enumerate(section.items, start=section.start)
        ]
    return []


def _heading(section: Section) -> str:
    if isinstance(section, Heading):
        return section.text
    return getattr(section, "heading", "")


def write_csv(document: Document) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([cells.formula_safe(document.title)])
    sheet = ""
    for section in document.sections_for(CSV):
        heading = _heading(section)
        if not heading and section.sheet and section.sheet != sheet:
            heading = section.sheet
        sheet = section.sheet or sheet
        writer.writerow([])
        if heading:
            writer.writerow([cells.formula_safe(heading)])
        writer.writerows(_rows(section))
    # A byte-order mark lets Excel open the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
