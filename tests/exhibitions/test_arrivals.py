import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from tests.factories.catalog import RecordFactory
from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.content.models import Post

pytestmark = pytest.mark.django_db

NOVEMBER = datetime.date(2020, 11, 10)


def received(organisation, title, author, subjects, on=NOVEMBER):
    return RecordFactory(
        organisation=organisation,
        received_on=on,
        bib=BibRecord(
            title=title,
            authors=[Person(*author)],
            places=["Москва"],
            publishers=["ГЭОТАР-Медиа"],
            year="2020",
            pages="200",
            subjects=subjects,
        ),
    )


@pytest.fixture
def arrived(organisation, other_organisation):
    received(organisation, "Ультразвуковая диагностика", ("Митьков", "В. В."), ["УЗИ"])
    received(organisation, "Эхокардиография", ("Рыбакова", "М. К."), ["УЗИ", "Кардиология"])
    received(organisation, "Коронавирусная инфекция", ("Львов", "Д. К."), ["Инфекции"])
    received(organisation, "Справочник", ("Петров", "П. П."), [])
    received(
        organisation, "Старая книга", ("Сидоров", "С. С."), ["УЗИ"], on=datetime.date(2020, 1, 5)
    )
    received(other_organisation, "Чужая новинка", ("Чужой", "Ч. Ч."), ["УЗИ"])


def page(organisation, **params):
    query = {"received_from": "2020-11-01", "received_to": "2020-11-30", **params}
    return reverse("exhibitions:arrivals", kwargs={"org": organisation.slug}), query


def test_arrivals_are_grouped_by_subject(admin_client, organisation, arrived):
    address, query = page(organisation)
    body = admin_client.get(address, query).content.decode()
    assert body.index("Инфекции") < body.index("УЗИ") < body.index("Прочее")
    assert "Митьков, В. В." in body and "Эхокардиография" in body
    assert "Старая книга" not in body and "Чужая новинка" not in body


def test_xlsx_and_docx_lists_read_back(admin_client, organisation, arrived):
    address, query = page(organisation, format="xlsx")
    workbook = load_workbook(io.BytesIO(admin_client.get(address, query).content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Новые поступления с 01.11.2020 по 30.11.2020"
    assert [row[1] for row in rows[2:]] == ["Инфекции", "УЗИ", "УЗИ", "Прочее"]
    assert rows[3][2].startswith("Митьков, В. В. Ультразвуковая диагностика")
    assert rows[3][5].date() == NOVEMBER
    address, query = page(organisation, format="docx")
    document = Document(io.BytesIO(admin_client.get(address, query).content))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "Инфекции" in texts and "УЗИ" in texts
    assert any(text.startswith("2. Митьков, В. В. Ультразвуковая") for text in texts)
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_a_draft_post_with_the_list(admin_client, organisation, arrived, channel):
    address, query = page(organisation)
    response = admin_client.post(address, {**query, "channels": [channel.pk]})
    post = Post.objects.get()
    assert response.status_code == 302
    assert post.text.startswith("Новые поступления с 01.11.2020 по 30.11.2020")
    assert "📚 УЗИ" in post.text and "• Митьков В. В. Ультразвуковая диагностика" in post.text
    assert post.variants.get().state == "draft"


def test_empty_period_and_bad_dates(admin_client, organisation, arrived, channel):
    address, _query = page(organisation)
    body = admin_client.get(
        address, {"received_from": "2021-01-01", "received_to": "2021-01-31"}
    ).content.decode()
    assert "книги не поступали" in body
    body = admin_client.get(
        address, {"received_from": "2020-12-01", "received_to": "2020-11-01"}
    ).content.decode()
    assert "Окончание раньше начала" in body


def test_arrivals_query_count(admin_client, organisation, arrived, django_assert_max_num_queries):
    for number in range(30):
        received(organisation, f"Новинка {number}", ("Автор", "А. А."), [f"Тема {number % 5}"])
    address, query = page(organisation)
    with django_assert_max_num_queries(12):
        response = admin_client.get(address, query)
    assert response.content.decode().count("Новинка ") >= 30
