"""Import messages are in the person's language, and the file's kind is told first."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from vitrina.catalog.models import ImportRun, Record
from vitrina.catalog.services import imports as import_services
from vitrina.core.exceptions import ServiceError

pytestmark = pytest.mark.django_db


def _import(organisation, admin, data, filename):
    return import_services.record_import(
        organisation=organisation, actor=admin, filename=filename, data=data
    )


def _refusal(organisation, admin, data, filename, language="ru") -> str:
    with translation.override(language), pytest.raises(ServiceError) as error:
        _import(organisation, admin, data, filename)
    return error.value.message


def test_a_random_binary_is_not_a_marc_file(organisation, admin):
    data = os.urandom(50_000)
    message = _refusal(organisation, admin, data, "export.iso")
    assert message.startswith("Это не файл MARC")
    assert not ImportRun.objects.exists()
    assert _refusal(organisation, admin, data, "export.iso", "en").startswith(
        "This is not a MARC file"
    )


def test_a_broken_workbook_is_told_as_such_in_russian(organisation, admin):
    message = _refusal(organisation, admin, b"not a workbook at all", "list.xlsx")
    assert message.startswith("Это не книга Excel (XLSX)")
    assert "zip" not in message


def test_a_binary_file_named_csv_is_not_a_table(organisation, admin):
    message = _refusal(organisation, admin, b"\x00\x01\x02\x03" * 300, "list.csv")
    assert message.startswith("Это не текстовая таблица (CSV)")


@pytest.mark.parametrize("bom", [True, False])
def test_a_utf16_csv_is_read(organisation, admin, bom):
    text = "Заглавие;Авторы;Год\nХирургия сердца;Бакулев А. Н.;1967\n"
    data = text.encode("utf-16") if bom else text.encode("utf-16-le")
    run = _import(organisation, admin, data, "list.csv")
    assert (run.created, run.failed) == (1, 0)
    assert Record.objects.get().title == "Хирургия сердца"


def test_a_bad_year_or_isbn_is_reported_with_its_line(admin_client, organisation, admin):
    text = (
        "Заглавие;Год;ISBN\n"
        "Хирургия сердца;не год;\n"
        "Детская хирургия;1985;978-5-9704-0000-0\n"
        "Анатомия человека;2020;978-5-9704-5430-5\n"
    )
    run = _import(organisation, admin, text.encode("utf-8"), "list.csv")
    assert (run.created, run.failed) == (1, 2)
    assert [(error["number"], error["code"]) for error in run.errors] == [(2, "year"), (3, "isbn")]
    assert not Record.objects.filter(description__contains="не год").exists()
    address = reverse("catalog:import-detail", kwargs={"org": organisation.slug, "run_id": run.pk})
    page = admin_client.get(address).content.decode()
    assert "Год «не год» — не год издания" in page
    assert "ISBN «978-5-9704-0000-0» неверен" in page


def test_the_import_page_tells_the_kind_of_a_wrong_file(admin_client, organisation):
    address = reverse("catalog:import", kwargs={"org": organisation.slug})
    upload = SimpleUploadedFile("export.mrc", os.urandom(20_000))
    response = admin_client.post(address, {"file": upload, "encoding": "", "flavour": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Это не файл MARC" in body
    assert not ImportRun.objects.exists()
