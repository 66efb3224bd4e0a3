"""Sections as a page shows them (``exports/sections.html``): the same tables as the
files, each cell's text in Russian formats with its mark and its link."""

from vitrina.core.exports import cells
from vitrina.core.exports.sections import (
    HTML,
    Document,
    Entries,
    Heading,
    KeyValues,
    Paragraphs,
    Section,
    Signature,
    Table,
)


def _safe_link(link: str) -> str:
    return link if link.startswith(("https://", "http://")) else ""


def _table(table: Table) -> dict:
    shown = table.shown_columns(HTML)
    rows = []
    for row in table.rows:
        line = []
        for index in shown:
            column = table.columns[index]
            item = cells.item_at(row, index)
            line.append(
                {
                    "text": cells.display(item, column),
                    "marked": cells.is_marked(item),
                    "link": _safe_link(cells.link_of(item, column)),
                }
            )
        rows.append(line)
    return {
        "kind": "table",
        "heading": table.heading,
        "header": [table.columns[index].title for index in shown],
        "rows": rows,
        "note": table.note,
        "mark_hint": table.mark_hint,
        "empty": table.empty,
    }


def _section(section: Section) -> dict | None:
    if isinstance(section, Table):
        return _table(section)
    if isinstance(section, Heading):
        return {"kind": "heading", "heading": section.text}
    if isinstance(section, Paragraphs):
        lines = [line for line in section.lines if line.strip()]
        return {"kind": "paragraphs", "heading": section.heading, "lines": lines}
    if isinstance(section, KeyValues):
        pairs = [
            (label, cells.display(value, cells.typed_value(value)))
            for label, value in section.pairs
        ]
        return {"kind": "pairs", "heading": section.heading, "pairs": pairs}
    if isinstance(section, Signature):
        return {"kind": "signature", "position": section.position, "name": section.name}
    if isinstance(section, Entries):
        return {
            "kind": "entries",
            "heading": section.heading,
            "items": section.items,
            "start": section.start,
        }
    return None


def page_sections(document: Document | list[Section]) -> list[dict]:
    """What ``exports/sections.html`` renders: a document's sections for pages, or some of
    them."""
    sections = document.sections if isinstance(document, Document) else document
    shown = [section for section in sections if section.shown_in(HTML)]
    return [found for found in map(_section, shown) if found is not None]
