"""``vitrina export_report REPORT_ID FILE``: write a report as Word, Excel or CSV.

The same document the report page's buttons download, for a script or for looking at the
Word file without a browser (the format follows the file's extension, or ``--format``).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from vitrina.analytics.export import REPORT, report_document
from vitrina.analytics.report import build_report
from vitrina.analytics.selectors import report_by_id
from vitrina.core.exports.formats import write


class Command(BaseCommand):
    help = "Write a report (its id) to a file: .docx, .xlsx or .csv."

    def add_arguments(self, parser):
        parser.add_argument("report_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=REPORT.formats, help="Instead of the extension.")
        parser.add_argument("--language", default="ru", help="The document's language.")

    def handle(self, *args, report_id, file, format=None, language="ru", **options):
        fmt = format or file.suffix.lstrip(".").lower()
        if fmt not in REPORT.formats:
            raise CommandError(f"unknown format {fmt!r}: use one of {', '.join(REPORT.formats)}")
        report = report_by_id(report_id)
        if report is None:
            raise CommandError(f"no report with id {report_id}")
        with translation.override(language):
            content = write(report_document(build_report(report)), fmt)
        try:
            file.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"cannot write {file}: {exc.strerror}") from exc
        self.stdout.write(f"{file}: {report.title} ({len(content)} bytes)")
