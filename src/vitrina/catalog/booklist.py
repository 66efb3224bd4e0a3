"""Lists of literature from catalogue records: a DOCX to print, plain text for a post.

A list is ordered alphabetically by description, as lists of literature are, and numbered.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

FONT = "Times New Roman"


def alphabetical(descriptions: Iterable[str]) -> list[str]:
    return sorted(descriptions, key=lambda text: text.casefold().replace("ё", "е"))


def new_document(*, title: str, note: str = "") -> WordDocument:
    """A Word document in Times New Roman, Russian, with a centred title and note."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    # East Asian and complex-script fallbacks too, or Word picks its own font for Cyrillic.
    properties = normal.element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    # Russian spelling and hyphenation in Word.
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), "ru-RU")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(14)
    if note:
        document.add_paragraph(note).alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def add_entry(document: WordDocument, number: int, description: str) -> None:
    paragraph = document.add_paragraph(f"{number}. {description}")
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def document_bytes(document: WordDocument) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def booklist_docx(descriptions: Iterable[str], *, title: str, note: str = "") -> bytes:
    """A Word document: the title, an optional note, then the numbered descriptions."""
    document = new_document(title=title, note=note)
    for number, description in enumerate(alphabetical(descriptions), start=1):
        add_entry(document, number, description)
    return document_bytes(document)


def booklist_text(descriptions: Iterable[str], *, title: str = "") -> str:
    """Numbered lines to paste into a post."""
    lines = [title, ""] if title else []
    lines += [
        f"{number}. {text}" for number, text in enumerate(alphabetical(descriptions), start=1)
    ]
    return "\n".join(lines) + "\n"
