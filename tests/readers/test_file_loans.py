"""Files of loans: real CSV and XLSX files written here, read by the upload service."""

from datetime import date, datetime

import pytest
from django.core.files import File
from openpyxl import Workbook

from tests.factories.readers import FileLoanFactory, IlsConnectionFactory
from vitrina.core.exceptions import ServiceError
from vitrina.core.models import AuditEntry
from vitrina.readers.file_circulation import FileCirculation
from vitrina.readers.models import FileLoan, IlsConnection
from vitrina.readers.services.file_loans import file_loans_replace

pytestmark = pytest.mark.django_db

RUSSIAN = (
    "Читательский билет;Фамилия;Год рождения;Инвентарный номер;Название;"
    "Дата выдачи;Срок возврата;Продлений\n"
    "и000001;Королёва;1985;1539325;Толстой Л. Н. Война и мир;20.02.2026;06.03.2026;0\n"
    "И000001;Королёва;1985;2001;Очерки гнойной хирургии;01.02.2026;2026-03-20;2\n"
    "И000002;Смирнов;1990;3001;Пикник на обочине, повесть;;15.03.26;\n"
)


@pytest.fixture
def connection(organisation):
    return IlsConnectionFactory(organisation=organisation, kind="file", second_factor="surname")


def upload(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_bytes(content.encode(encoding))
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        content.save(path)
    return File(path.open("rb"), name=name)


def rows_of(connection):
    return {
        row.loan_id: (
            row.card,
            row.surname,
            row.birth_year,
            row.title,
            row.loaned_on,
            row.due,
            row.renewals,
        )
        for row in FileLoan.objects.filter(connection=connection)
    }


def test_a_russian_csv_loads_every_row(tmp_path, connection, admin):
    FileLoanFactory(connection=connection, loan_id="old")
    report = file_loans_replace(
        connection=connection, uploaded_file=upload(tmp_path, "выдачи.csv", RUSSIAN), actor=admin
    )
    assert (report.rows, report.loaded, report.errors, report.replaced) == (3, 3, [], True)
    assert report.previous == 1
    assert rows_of(connection) == {
        "1539325": (
            "И000001",
            "Королёва",
            1985,
            "Толстой Л. Н. Война и мир",
            date(2026, 2, 20),
            date(2026, 3, 6),
            0,
        ),
        "2001": (
            "И000001",
            "Королёва",
            1985,
            "Очерки гнойной хирургии",
            date(2026, 2, 1),
            date(2026, 3, 20),
            2,
        ),
        "3001": (
            "И000002",
            "Смирнов",
            1990,
            "Пикник на обочине, повесть",
            None,
            date(2026, 3, 15),
            0,
        ),
    }
    connection.refresh_from_db()
    assert connection.loans_synced_at is not None
    entry = AuditEntry.objects.get(action="readers.file_loans_replaced")
    assert entry.organisation == connection.organisation and entry.actor == admin
    assert entry.changes["loans"] == 3 and entry.changes["previous"] == 1


def test_cp1251_with_commas_and_english_headers(tmp_path, organisation, admin):
    connection = IlsConnectionFactory(organisation=organisation, second_factor="birth_year")
    text = (
        "Card,Birth year,Loan ID,Title,Loaned,Due date,Renewals\r\n"
        'Ф-12,1979,L-1,"Чехов А. П. Рассказы, повести",2026-03-01,2026-03-15,1\r\n'
        "ф-13,1.1.1950,L-2,Мёртвые души,01.03.2026,16.03.2026,0\r\n"
    )
    report = file_loans_replace(
        connection=connection,
        uploaded_file=upload(tmp_path, "loans.csv", text, "cp1251"),
        actor=admin,
    )
    assert report.errors == [] and report.loaded == 2
    rows = rows_of(connection)
    assert rows["L-1"] == (
        "Ф-12",
        "",
        1979,
        "Чехов А. П. Рассказы, повести",
        date(2026, 3, 1),
        date(2026, 3, 15),
        1,
    )
    assert rows["L-2"][0] == "Ф-13" and rows["L-2"][2] == 1950 and rows["L-2"][3] == "Мёртвые души"


def test_an_xlsx_with_date_cells_numbers_and_a_title_row(tmp_path, connection, admin):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Должники филиала № 3 на 10.03.2026"])
    sheet.append(
        [
            "Номер читательского билета",
            "Фамилия",
            "Инв. номер",
            "Заглавие",
            "Дата выдачи",
            "Срок возврата",
        ]
    )
    sheet.append(
        [123456, "Белых", 1539325, "Война и мир", datetime(2026, 2, 20), datetime(2026, 3, 6)]
    )
    sheet.append(["И000009", "Ковальчук", "77", "Тихий Дон", "20.02.2026", "06.03.2026"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["И000010", "Зайцева", "78", "Царь-рыба", "20.02.2026", "завтра"])
    report = file_loans_replace(
        connection=connection, uploaded_file=upload(tmp_path, "долги.xlsx", workbook), actor=admin
    )
    assert report.loaded == 2 and report.rows == 3
    assert report.errors == [(6, "срок возврата «завтра» — не дата вида 25.03.2026")]
    rows = rows_of(connection)
    assert rows["1539325"][:2] == ("123456", "Белых") and rows["1539325"][5] == date(2026, 3, 6)
    assert rows["77"][0] == "И000009"


def test_bad_rows_are_reported_with_their_numbers_and_the_rest_loads(tmp_path, connection, admin):
    text = (
        "Читательский билет;Фамилия;Год рождения;Инвентарный номер;Название;Дата выдачи;"
        "Срок возврата;Продлений\n"
        ";Иванов;1980;1;Без билета;01.03.2026;15.03.2026;0\n"
        "И1;Иванов;1980;;Без номера;01.03.2026;15.03.2026;0\n"
        "И2;Иванов;1980;2;Без срока;01.03.2026;;0\n"
        "И3;Иванов;1980;3;Срок раньше выдачи;20.03.2026;15.03.2026;0\n"
        "И4;;1980;4;Без фамилии;01.03.2026;15.03.2026;0\n"
        "И5;Иванов;год;5;Плохой год;01.03.2026;15.03.2026;0\n"
        "И6;Иванов;1980;6;Плохие продления;01.03.2026;15.03.2026;два\n"
        "И7;Иванов;1980;7;Хорошая;01.03.2026;15.03.2026;0\n"
        "И8;Петров;1981;7;Тот же номер;01.03.2026;15.03.2026;0\n"
        "И9;Иванов;1980;9;Плохая выдача;32.13.2026;15.03.2026;0\n"
    )
    report = file_loans_replace(
        connection=connection, uploaded_file=upload(tmp_path, "l.csv", text), actor=admin
    )
    assert report.loaded == 1 and report.rows == 10
    assert report.errors == [
        (2, "нет номера читательского билета"),
        (3, "нет инвентарного номера или id выдачи"),
        (4, "нет срока возврата"),
        (5, "срок возврата раньше даты выдачи"),
        (6, "нет фамилии, которой читатель подтверждает билет"),
        (7, "год рождения «год» — не год"),
        (8, "продлений «два» — не число"),
        (10, "инвентарный номер «7» уже есть в строке 9"),
        (11, "дата выдачи «32.13.2026» — не дата вида 25.03.2026"),
    ]
    assert list(rows_of(connection)) == ["7"]


def test_a_file_without_usable_rows_changes_nothing(tmp_path, connection, admin):
    FileLoanFactory(connection=connection, loan_id="kept")
    text = "Читательский билет;Фамилия;Инвентарный номер;Срок возврата\nИ1;Иванов;1;никогда\n"
    report = file_loans_replace(
        connection=connection, uploaded_file=upload(tmp_path, "l.csv", text), actor=admin
    )
    assert not report.replaced and report.loaded == 0 and len(report.errors) == 1
    assert list(rows_of(connection)) == ["kept"]
    assert not AuditEntry.objects.filter(action="readers.file_loans_replaced").exists()
    header_only = "Читательский билет;Фамилия;Инвентарный номер;Срок возврата\n"
    report = file_loans_replace(
        connection=connection, uploaded_file=upload(tmp_path, "h.csv", header_only), actor=admin
    )
    assert not report.replaced and report.rows == 0
    assert list(rows_of(connection)) == ["kept"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "", "Файл пуст."),
        ("blank.csv", " \n\n", "Файл пуст."),
        (
            "no-header.csv",
            "a;b;c\n1;2;3\n",
            "В файле нет столбца «читательский билет», «инвентарный номер или id выдачи», "
            "«срок возврата».",
        ),
        (
            "no-factor.csv",
            "Билет;Инв;Срок возврата\nИ1;1;01.04.2026\n",
            "В файле нет столбца «фамилия».",
        ),
        (
            "fake.xlsx",
            "not a workbook",
            "Это не книга Excel (XLSX). Сохраните таблицу как XLSX или CSV.",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "Это старая книга Excel (XLS). Сохраните её как XLSX или CSV.",
        ),
    ],
)
def test_files_that_cannot_be_loaded_say_why(tmp_path, connection, admin, name, content, message):
    FileLoanFactory(connection=connection, loan_id="kept")
    with pytest.raises(ServiceError) as caught:
        file_loans_replace(
            connection=connection, uploaded_file=upload(tmp_path, name, content), actor=admin
        )
    assert caught.value.message.startswith(message)
    assert list(rows_of(connection)) == ["kept"]


def test_file_circulation_verifies_and_lists_loans(tmp_path, connection, admin):
    file_loans_replace(
        connection=connection, uploaded_file=upload(tmp_path, "l.csv", RUSSIAN), actor=admin
    )
    circulation = FileCirculation(connection)
    assert circulation.check() == []
    assert not circulation.abilities.renews and circulation.abilities.second_factor
    patron = circulation.verify(" и000001 ", "КОРОЛЕВА")
    assert patron.card == "И000001" and patron.surname == "Королёва"
    assert circulation.verify("И000001", "Смирнов") is None
    assert circulation.verify("И000001", "") is None
    assert circulation.verify("И999999", "Королёва") is None
    loans = circulation.loans(patron)
    assert [(loan.loan_id, loan.due, loan.renewals) for loan in loans] == [
        ("1539325", date(2026, 3, 6), 0),
        ("2001", date(2026, 3, 20), 2),
    ]
    assert sorted(loan.loan_id for loan in circulation.all_loans()) == ["1539325", "2001", "3001"]
    connection.second_factor = IlsConnection.SecondFactor.BIRTH_YEAR
    assert circulation.verify("И000002", "1990").surname == "Смирнов"
    assert circulation.verify("И000002", "1991") is None
    assert circulation.patron_by_card("и000002").card == "И000002"


def test_file_circulation_of_another_connection_sees_nothing(
    tmp_path, connection, admin, organisation
):
    file_loans_replace(
        connection=connection, uploaded_file=upload(tmp_path, "l.csv", RUSSIAN), actor=admin
    )
    other = IlsConnectionFactory(organisation=organisation)
    circulation = FileCirculation(other)
    assert circulation.patron_by_card("И000001") is None
    assert list(circulation.all_loans()) == []
    assert circulation.check() == ["Файл выдач ещё не загружен."]
