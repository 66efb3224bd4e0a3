"""IRBIS64 circulation over real TCP against the sandbox's IRBIS64 server."""

import logging
import socket
import time
from datetime import date
from urllib.parse import unquote

import pytest

from vitrina.catalog.connectors.circulation import IlsError
from vitrina.catalog.connectors.irbis import (
    IrbisCirculation,
    Visit,
    birth_year,
    normalise_surname,
)
from vitrina.sandbox.library_systems.irbis import IrbisEmulator

FIXED_NOW = time.mktime((2026, 3, 10, 12, 0, 0, 0, 0, -1))


@pytest.fixture
def emulator():
    server = IrbisEmulator(seed=7, readers=40, loans=150, clock=lambda: FIXED_NOW).start()
    yield server
    server.stop()


def connector(emulator, **options):
    options.setdefault("username", emulator.username)
    options.setdefault("secret", emulator.password)
    options.setdefault("timeout", 3.0)
    return IrbisCirculation("127.0.0.1", emulator.port, **options)


@pytest.fixture
def korolyova(emulator):
    """A reader whose field 40 holds every kind of occurrence a desk leaves."""
    emulator.add_reader(
        [
            ("10", "Королёва"),
            ("11", "Анна"),
            ("21", "19850312"),
            ("30", "Ч-77/1"),
            # A visit to the reading room: no shelfmark, no loan.
            ("40", "^D20260301^VЧЗ^1101500^2120000"),
            # On loan, not returned.
            (
                "40",
                "^A84(2Рос=Рус)1/Т53^B1539325^CТолстой Л. Н. Война и мир^D20260220"
                "^E20260306^F******^GIBIS^HE00401004C75DB57^KФ302^V*^Isamo",
            ),
            # Renewed twice: new due day, renewal date and counter.
            (
                "40",
                "^A54.5/В65^B2001^CВойно-Ясенецкий В. Ф. Очерки гнойной хирургии"
                "^D20260201^E20260320^F******^L20260303^42",
            ),
            # Returned.
            ("40", "^A87.7/Л65^B3001^CЛихачёв Д. С. Письма о добром^D20260105^E20260119^F20260118"),
            # A self-service cabinet's row id; «*» alone also means not returned.
            ("40", "^A63.5/Г94^B4001^CГумилёв Л. Н. Этногенез^D20260305^E20260319^F*^ZAB12"),
            # No due day: not a loan one can be reminded of.
            ("40", "^A84/Х00^B5001^CБез срока^D20260305^F******"),
            # A loan written twice: counted once.
            ("40", "^A84/Д70^B6001^CДостоевский^D20260225^E20260311^F******"),
            ("40", "^A84/Д70^B6001^CДостоевский^D20260225^E20260311^F******"),
        ]
    )
    return "Ч-77/1"


def test_abilities_say_what_irbis_does():
    abilities = IrbisCirculation.abilities
    assert abilities.second_factor and abilities.keeps_history
    assert not abilities.renews and not abilities.verifies_password
    assert not abilities.lists_all_loans


def test_check_logs_in_and_opens_the_readers_database(emulator):
    assert connector(emulator).check() == []
    problems = connector(emulator, readers_database="READERS").check()
    assert problems == ["На сервере ИРБИС64 нет базы данных «READERS»."]


def test_patron_by_card(emulator, korolyova):
    circulation = connector(emulator)
    first = emulator.readers(limit=1)[0]
    patron = circulation.patron_by_card(first["card"])
    assert patron.card == first["card"] and patron.card.startswith("И")
    assert (patron.surname, patron.first_name) == (first["surname"], first["first_name"])
    assert patron.ils_id == str(first["mfn"])
    found = circulation.patron_by_card(" ч-77/1 ")
    assert (found.surname, found.first_name, found.card) == ("Королёва", "Анна", korolyova)
    assert circulation.patron_by_card("И999999") is None
    # Nothing of a search expression passes through a card.
    assert circulation.patron_by_card('И000001" + "RI=$') is None
    assert circulation.patron_by_card("") is None


def test_verify_by_surname(emulator, korolyova):
    circulation = connector(emulator, second_factor="surname")
    for given in ("Королёва", "королева", "  КОРОЛЕВА ", "Коро лёва"):
        assert circulation.verify(korolyova, given).card == korolyova, given
    for given in ("Королев", "", "   ", "1985"):
        assert circulation.verify(korolyova, given) is None, given
    assert circulation.verify("И999999", "Королёва") is None


def test_verify_by_birth_year(emulator, korolyova):
    circulation = connector(emulator, second_factor="birth_year")
    assert circulation.verify(korolyova, " 1985 ").surname == "Королёва"
    for given in ("1986", "85", "Королёва", "19850312x", ""):
        assert circulation.verify(korolyova, given) is None, given
    generated = emulator.readers(limit=1)[0]
    assert circulation.verify(generated["card"], str(generated["birth_year"])) is not None


def test_loans_leave_out_visits_returned_and_undated(emulator, korolyova):
    circulation = connector(emulator)
    patron = circulation.patron_by_card(korolyova)
    loans = {loan.loan_id: loan for loan in circulation.loans(patron)}
    assert sorted(loans) == ["1539325/20260220", "2001/20260201", "6001/20260225", "AB12"]
    tolstoy = loans["1539325/20260220"]
    assert tolstoy.due == date(2026, 3, 6) and tolstoy.loaned_on == date(2026, 2, 20)
    assert tolstoy.title == "Толстой Л. Н. Война и мир" and tolstoy.item == "1539325"
    assert tolstoy.renewals == 0 and not tolstoy.returned
    assert tolstoy.extra["barcode"] == "E00401004C75DB57" and tolstoy.extra["sigla"] == "Ф302"
    assert tolstoy.patron_id == patron.ils_id
    renewed = loans["2001/20260201"]
    assert renewed.due == date(2026, 3, 20) and renewed.renewals == 2
    assert renewed.extra["renewed_on"] == date(2026, 3, 3)
    assert loans["AB12"].due == date(2026, 3, 19)
    # Sorted by the due day.
    assert [loan.due for loan in circulation.loans(patron)] == sorted(
        loan.due for loan in loans.values()
    )
    history = circulation.history(patron)
    assert [(loan.loan_id, loan.returned_on) for loan in history] == [
        ("3001/20260105", date(2026, 1, 18))
    ]


def test_generated_loans_match_the_emulator_and_move_with_the_desk(emulator):
    circulation = connector(emulator)
    reader = emulator.readers(limit=1, with_loans=True)[0]
    patron = circulation.verify(reader["card"], reader["surname"])
    loans = circulation.loans(patron)
    assert {loan.loan_id for loan in loans} == {loan["loan_id"] for loan in reader["loans"]}
    assert len(circulation.history(patron)) == len(reader["returned"])
    first = loans[0]
    emulator.renew_loan(first.loan_id, days=10)
    renewed = next(loan for loan in circulation.loans(patron) if loan.loan_id == first.loan_id)
    assert renewed.renewals == first.renewals + 1
    assert renewed.due == max(first.due, date(2026, 3, 10)) + (date(2026, 1, 11) - date(2026, 1, 1))
    emulator.return_loan(first.loan_id)
    assert first.loan_id not in {loan.loan_id for loan in circulation.loans(patron)}
    back = [loan for loan in circulation.history(patron) if loan.loan_id == first.loan_id]
    assert back[0].returned_on == date(2026, 3, 10)


def test_generation_is_deterministic_and_spread_around_today():
    one = IrbisEmulator(seed=3, readers=300, loans=1000, clock=lambda: FIXED_NOW)
    two = IrbisEmulator(seed=3, readers=300, loans=1000, clock=lambda: FIXED_NOW)
    assert one.readers(limit=300) == two.readers(limit=300)
    assert one.summary["loans"] == 1000 and 0 < one.summary["overdue"] < 500
    assert one.summary["renewed"] > 0 and one.summary["returned"] > 0
    dues = [loan["due"] for reader in one.readers(limit=300) for loan in reader["loans"]]
    assert len(dues) == 1000
    assert min(dues) < "20260310" < max(dues)
    assert all(reader["card"][0] == "И" and len(reader["card"]) == 7 for reader in one.readers())


def test_twenty_thousand_readers_and_a_hundred_thousand_loans_in_seconds():
    started = time.monotonic()
    emulator = IrbisEmulator(seed=1, readers=20_000, loans=100_000, clock=lambda: FIXED_NOW)
    elapsed = time.monotonic() - started
    assert emulator.summary["readers"] == 20_000 and emulator.summary["loans"] == 100_000
    assert elapsed < 15, elapsed


def test_wrong_password_is_refused_and_never_shown(emulator, caplog):
    caplog.set_level(logging.DEBUG)
    circulation = connector(emulator, secret="not-the-password")
    with pytest.raises(IlsError) as caught:
        circulation.patron_by_card("И000001")
    assert caught.value.reason == "refused" and not caught.value.temporary
    assert caught.value.message == "ИРБИС64 не принял логин или пароль."
    problems = circulation.check()
    assert len(problems) == 1 and "логин или пароль" in problems[0]
    wrong_user = connector(emulator, username="stranger")
    assert wrong_user.check() == problems
    shown = " ".join([caught.value.message, caught.value.detail, repr(circulation), caplog.text])
    assert "not-the-password" not in shown and emulator.password not in shown


def test_server_down_is_unreachable(emulator):
    circulation = connector(emulator)
    emulator.set_mode("down")
    with pytest.raises(IlsError) as caught:
        circulation.patron_by_card("И000001")
    assert caught.value.reason == "unreachable" and caught.value.temporary
    assert "Нет связи с сервером ИРБИС64" in caught.value.message
    assert circulation.check() == [caught.value.message]
    emulator.set_mode("ok")
    assert circulation.patron_by_card("И000001") is not None


def test_nothing_listening_is_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    circulation = IrbisCirculation("127.0.0.1", port, username="u", secret="p", timeout=1)
    with pytest.raises(IlsError) as caught:
        circulation.verify("И000001", "Иванов")
    assert caught.value.reason == "unreachable"


def test_a_server_that_never_answers_times_out(emulator):
    emulator.set_mode("silent")
    started = time.monotonic()
    with pytest.raises(IlsError) as caught:
        connector(emulator, timeout=0.5).patron_by_card("И000001")
    assert caught.value.reason == "unreachable" and "не ответил вовремя" in caught.value.message
    assert time.monotonic() - started < 5


def test_an_answer_that_never_ends_times_out(emulator):
    emulator.set_mode("endless")
    started = time.monotonic()
    with pytest.raises(IlsError) as caught:
        connector(emulator, timeout=0.3).patron_by_card("И000001")
    assert caught.value.reason == "unreachable"
    assert time.monotonic() - started < 5


def test_garbage_is_garbage(emulator):
    emulator.set_mode("garbage")
    with pytest.raises(IlsError) as caught:
        connector(emulator).patron_by_card("И000001")
    assert caught.value.reason == "garbage"
    assert "не похож на ответ ИРБИС64" in caught.value.message


def test_a_reader_gone_between_calls_is_not_found(emulator):
    circulation = connector(emulator)
    patron = circulation.patron_by_card("И000001")
    emulator.generate(readers=0, loans=0)
    with pytest.raises(IlsError) as caught:
        circulation.loans(patron)
    assert caught.value.reason == "not_found"
    assert connector(emulator).check() == ["В базе читателей «RDR» нет ни одной записи."]


def test_visit_parsing_keeps_managed_irbis_right():
    visit = Visit.parse("^D20260301^VЧЗ")
    assert visit.is_visit and not visit.is_returned
    loan = Visit.parse("^AШифр^B77^D20260301^E20260315^F******")
    assert not loan.is_visit and not loan.is_returned and loan.loan_id == "77/20260301"
    assert Visit.parse("^AШифр^B77^D20260301^E20260315^F20260310").is_returned
    # Same inventory, another day: another loan (ManagedIrbis compared shelfmark with inventory).
    assert Visit.parse("^AШифр^B77^D20260320^E20260403").loan_id != loan.loan_id
    assert normalise_surname(" Семёнова - Тян ") == "семенова-тян"
    assert [birth_year(value) for value in ("1985", "19850312", "12.03.1985", "", "12.03")] == [
        "1985",
        "1985",
        "1985",
        "",
        "",
    ]


def test_sandbox_serves_irbis_with_its_control(sandbox):
    info = sandbox.irbis_info()
    assert info["port"] and info["username"] and info["password"]
    summary = sandbox.irbis_generate(readers=25, loans=80, seed=11)
    assert summary["readers"] == 25 and summary["loans"] == 80
    circulation = sandbox.irbis_circulation(second_factor="birth_year")
    assert circulation.check() == []
    reader = sandbox.irbis_readers(limit=1, with_loans=True)[0]
    patron = circulation.verify(reader["card"], str(reader["birth_year"]))
    loans = circulation.loans(patron)
    assert [loan.loan_id for loan in loans] == [
        loan["loan_id"]
        for loan in sorted(reader["loans"], key=lambda item: (item["due"], item["loan_id"]))
    ]
    returned = sandbox.irbis_return(loans[0].loan_id)
    assert returned["card"] == reader["card"]
    assert loans[0].loan_id not in {loan.loan_id for loan in circulation.loans(patron)}
    assert (
        sandbox.http.post("/sandbox/control/irbis/return", json={"loan_id": "x"}).status_code == 404
    )
    bad = sandbox.http.post("/sandbox/control/irbis/generate", json={"readers": -1})
    assert bad.status_code == 400 and "error" in bad.json()
    sandbox.irbis_mode("down")
    with pytest.raises(IlsError):
        circulation.patron_by_card(reader["card"])
    sandbox.reset()
    assert circulation.patron_by_card(reader["card"]) is not None
    assert sandbox.irbis_info()["readers"] == 200


def test_the_sandbox_page_shows_readers_and_the_desk_returns_a_loan(sandbox):
    info = sandbox.irbis_info()
    page = sandbox.http.get("/sandbox/irbis/")
    assert page.status_code == 200
    assert info["password"] in page.text and f"{info['host']}:{info['port']}" in page.text
    reader = sandbox.irbis_readers(limit=1, with_loans=True)[0]
    loan = reader["loans"][0]
    assert loan["title"] in page.text
    answer = sandbox.http.post(
        "/sandbox/irbis/return", data={"loan_id": loan["loan_id"], "card": reader["card"]}
    )
    assert answer.status_code == 303
    assert unquote(answer.headers["location"]) == f"/sandbox/irbis/?card={reader['card']}"
    after = sandbox.irbis_reader(reader["card"])
    assert loan["loan_id"] not in {item["loan_id"] for item in after["loans"]}
    assert loan["loan_id"] in {item["loan_id"] for item in after["returned"]}
    assert "не найден" in sandbox.http.get("/sandbox/irbis/?card=И999999").text


def test_a_taken_port_gives_way_to_a_free_one():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = IrbisEmulator(seed=1, readers=3, loans=3, port=port).start()
        try:
            assert server.port != port
            assert connector(server).check() == []
        finally:
            server.stop()
