"""The channels registry as an XLSX workbook (the table libraries keep by hand)."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from vitrina.channels.models import Channel


def _columns():
    return [
        (_("Library"), 34, lambda c: c.library.name),
        (_("Network"), 16, lambda c: c.get_network_display()),
        (_("Kind"), 18, lambda c: c.get_kind_display()),
        (_("Name"), 34, lambda c: c.name),
        (_("Address"), 38, lambda c: c.url),
        (_("External id"), 16, lambda c: c.external_id),
        (_("Date created"), 14, lambda c: c.created_on),
        (_("Time zone"), 20, lambda c: c.timezone),
        (
            _("Posts a week"),
            12,
            lambda c: float(c.posts_per_week) if c.posts_per_week is not None else None,
        ),
        (_("Friends / subscribers"), 14, lambda c: c.subscribers),
        (_("Visits"), 12, lambda c: c.visits),
        (_("Audience"), 40, lambda c: c.audience_notes),
        (_("Connection"), 20, lambda c: c.get_connection_state_display()),
        (_("Archived"), 12, lambda c: _("yes") if c.is_archived else ""),
    ]


def channels_workbook(channels: list[Channel], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Channels")[:31]
    columns = _columns()
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Exported %(date)s") % {"date": timezone.localdate().strftime("%d.%m.%Y")}])
    sheet.append([])
    header_row = 4
    sheet.append([name for name, _width, _get in columns])
    for index, (_name, width, _get) in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = width
    for channel in channels:
        sheet.append([get(channel) for _name, _width, get in columns])
        row = sheet.max_row
        sheet.cell(row=row, column=7).number_format = "DD.MM.YYYY"
        for column in (4, 12):
            sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{sheet.max_row}"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
