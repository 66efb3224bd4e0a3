"""``vitrina export_report``: the report page's document from the command line."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from vitrina.analytics.services.reports import report_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(organisation, admin):
    return report_save(
        organisation=organisation,
        actor=admin,
        title="Отчёт за 2025 год",
        date_from=date(2025, 1, 1),
        date_to=date(2025, 12, 31),
        signer_position="Директор",
        signer_name="А. Б. Иванова",
    )


def test_writes_word_and_excel_by_the_extension(report, tmp_path):
    out = io.StringIO()
    call_command("export_report", report.pk, tmp_path / "r.docx", stdout=out)
    document = Document(tmp_path / "r.docx")
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "Отчёт за 2025 год" in text and "А. Б. Иванова" in text
    assert round(document.sections[0].page_width.mm) == 210
    assert "r.docx" in out.getvalue()

    call_command("export_report", report.pk, tmp_path / "r.bin", format="xlsx", stdout=out)
    assert load_workbook(io.BytesIO((tmp_path / "r.bin").read_bytes())).active.max_row > 1


def test_misuse_is_one_plain_line(report, tmp_path):
    with pytest.raises(CommandError, match="unknown format 'pdf'"):
        call_command("export_report", report.pk, tmp_path / "r.pdf")
    with pytest.raises(CommandError, match="no report with id 999999"):
        call_command("export_report", 999999, tmp_path / "r.docx")
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export_report", report.pk, tmp_path / "missing" / "r.docx")
