"""No text Vitrina writes to a spreadsheet becomes a formula, in any export: a channel, a
book or a subject named like a formula stays text in the channels registry, the period
report (XLSX and CSV) and the new arrivals (OWASP, «CSV Injection»). Every writer takes
the same rule from ``core.exports.cells``."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.exhibitions.test_arrivals import received
from tests.factories import ChannelFactory
from vitrina.analytics.services.reports import report_save
from vitrina.analytics.services.snapshots import PostFigures, post_snapshots_save

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://x","x")'


def is_formula_like(text: str) -> bool:
    """OWASP's rule, written out here rather than taken from the code under test."""
    return text[:1] in ("\t", "\r") or text.lstrip()[:1] in ("=", "+", "-", "@")


def xlsx_injections(content: bytes) -> int:
    """How many cells carry the injection; each formula-like text is a string cell with
    Excel's apostrophe mark, and no sheet holds a formula."""
    found = 0
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and is_formula_like(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.value
                    found += INJECTION in cell.value
    archive = zipfile.ZipFile(io.BytesIO(content))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/"):
            xml = archive.read(name).decode()
            assert "<f>" not in xml and "<f " not in xml, name
    return found


def csv_injections(content: bytes) -> int:
    """How many cells carry the injection; none starts as a formula would."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    cells = [value for row in rows for value in row]
    assert not [value for value in cells if is_formula_like(value)]
    carrying = [value for value in cells if INJECTION in value]
    assert all(value.startswith("'") for value in carrying)
    return len(carrying)


@pytest.fixture
def channel(library):
    # Spaces first do not disarm a formula: a spreadsheet still reads one.
    ChannelFactory(library=library, name=f"  {INJECTION}", url="https://vk.com/club2")
    return ChannelFactory(library=library, name=INJECTION, url="https://vk.com/club1")


def test_the_channels_registry_keeps_a_formula_named_channel_as_text(
    admin_client, organisation, channel
):
    answer = admin_client.get(reverse("channels:export", kwargs={"org": organisation.slug}))
    assert answer.status_code == 200
    assert xlsx_injections(answer.content) == 2


def test_the_report_keeps_a_formula_named_channel_as_text(
    admin_client, organisation, admin, channel
):
    post_snapshots_save(
        channel=channel,
        figures=[
            PostFigures(
                external_id="7",
                taken_at=datetime(2022, 1, 10, tzinfo=UTC),
                published_at=datetime(2021, 5, 1, 9, tzinfo=UTC),
                views=1200,
            )
        ],
    )
    report = report_save(
        organisation=organisation,
        actor=admin,
        title="-Отчёт",  # a title that starts like a formula heads every sheet
        date_from=date(2021, 1, 1),
        date_to=date(2021, 12, 31),
        conclusions=f"{INJECTION}\n+выводы",
        signer_position="@директор",
        signer_name=INJECTION,
    )
    address = {"org": organisation.slug, "report_id": report.pk}
    xlsx = admin_client.get(reverse("analytics:report-xlsx", kwargs=address)).content
    csv_bytes = admin_client.get(reverse("analytics:report-csv", kwargs=address)).content
    # Table 1, the best materials, the growth, the conclusions and the signature.
    assert xlsx_injections(xlsx) >= 4
    assert csv_injections(csv_bytes) >= 4


def test_the_new_arrivals_keep_a_formula_named_book_as_text(admin_client, organisation):
    received(organisation, INJECTION, ("=Автор", "А. А."), [INJECTION])
    answer = admin_client.get(
        reverse("exhibitions:arrivals", kwargs={"org": organisation.slug}),
        {"received_from": "2020-11-01", "received_to": "2020-11-30", "format": "xlsx"},
    )
    assert answer.status_code == 200
    assert xlsx_injections(answer.content) >= 1
