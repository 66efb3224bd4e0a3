"""``KohaCirculation`` against the sandbox's emulated Koha over real HTTP."""

import logging
import socket
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from vitrina.catalog.connectors.circulation import IlsError, Loan
from vitrina.catalog.connectors.koha import (
    KohaCirculation,
    KohaClient,
    ReaderLoginBlocked,
    koha_entries,
)


@pytest.fixture
def koha(sandbox):
    return sandbox.koha_credentials()


@pytest.fixture
def connect(koha):
    made = []

    def make(auth="basic", **options):
        if auth == "oauth2":
            username, secret = koha["client_id"], koha["client_secret"]
        else:
            username, secret = koha["username"], koha["password"]
        options.setdefault("username", username)
        options.setdefault("secret", secret)
        options.setdefault("timeout", 5.0)
        circulation = KohaCirculation(options.pop("url", koha["url"]), auth=auth, **options)
        made.append(circulation)
        return circulation

    yield make
    for circulation in made:
        circulation.close()


def first(sandbox, kind):
    [patron] = sandbox.koha_patrons(kind=kind, limit=1)
    return patron


@pytest.mark.parametrize("auth", ["basic", "oauth2"])
def test_a_reader_and_their_loans_in_both_auth_modes(sandbox, connect, auth):
    circulation = connect(auth)
    assert circulation.check() == []
    expected = sandbox.koha_patron("K0000001")
    patron = circulation.patron_by_card("K0000001")
    assert (patron.ils_id, patron.card, patron.surname) == ("1", "K0000001", expected["surname"])
    assert patron.first_name == expected["firstname"] and not patron.blocked
    loans = circulation.loans(patron)
    assert sorted(int(loan.loan_id) for loan in loans) == sorted(
        loan["checkout_id"] for loan in expected["loans"]
    )
    by_id = {loan["checkout_id"]: loan for loan in expected["loans"]}
    for loan in loans:
        there = by_id[int(loan.loan_id)]
        assert loan.due == date.fromisoformat(there["due"])
        assert loan.due_at.utcoffset() == timedelta(hours=3)
        assert loan.title == there["title"] and loan.item == there["barcode"]
        assert loan.renewals == there["renewals"] and loan.loaned_on < loan.due
    assert circulation.patron_by_card("K9999999") is None
    assert circulation.patron_by_card("K000000") is None  # a part of a card finds nobody


def test_an_address_with_the_api_path(connect, koha):
    assert connect(url=koha["url"] + "/api/v1/").patron_by_card("K0000001").ils_id == "1"


def test_the_due_day_is_the_library_s_day(sandbox, connect):
    """23:59 in Moscow is already the next day in Yekaterinburg."""
    circulation = connect(zone="Asia/Yekaterinburg")
    patron = circulation.patron_by_card("K0000002")
    for loan in circulation.loans(patron):
        moscow = loan.due_at.astimezone(ZoneInfo("Europe/Moscow"))
        assert (moscow.hour, moscow.minute) == (23, 59)
        assert loan.due == moscow.date() + timedelta(days=1)


def test_a_debarred_reader_is_blocked(sandbox, connect):
    debarred = first(sandbox, "debarred")
    assert connect().patron_by_card(debarred["card"]).blocked


def test_wrong_credentials_are_refused_in_plain_russian(connect, koha):
    for circulation in (connect(secret="wrong"), connect("oauth2", secret="wrong")):
        [problem] = circulation.check()
        assert "не принимает" in problem
        with pytest.raises(IlsError) as caught:
            circulation.patron_by_card("K0000001")
        assert caught.value.reason == "refused" and not caught.value.temporary


@pytest.mark.parametrize("auth", ["basic", "oauth2"])
def test_missing_permissions_are_named(connect, koha, auth):
    limited = koha["limited"]
    if auth == "basic":
        circulation = connect(username=limited["username"], secret=limited["password"])
    else:
        circulation = connect(
            "oauth2", username=limited["client_id"], secret=limited["client_secret"]
        )
    problems = circulation.check()
    assert len(problems) == 2
    assert "работа с читателями" in problems[0] and "книговыдача" in problems[1]
    assert all(
        problem.startswith("У пользователя Витрины в Koha не хватает прав") for problem in problems
    )


def test_a_server_that_is_down(connect):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    circulation = connect(url=f"http://127.0.0.1:{port}")
    [problem] = circulation.check()
    assert "Не удаётся соединиться" in problem
    with pytest.raises(IlsError) as caught:
        circulation.patron_by_card("K0000001")
    assert caught.value.reason == "unreachable" and caught.value.temporary


def test_a_server_that_is_not_koha(sandbox, connect):
    """The sandbox's own root answers, but not as Koha."""
    circulation = connect(url=sandbox.url + "/sandbox")
    with pytest.raises(IlsError) as caught:
        circulation.patron_by_card("K0000001")
    assert caught.value.reason in ("garbage", "not_found")
    oauth = connect("oauth2", url=sandbox.url + "/sandbox")
    with pytest.raises(IlsError) as caught:
        oauth.patron_by_card("K0000001")
    assert caught.value.reason == "garbage"


@pytest.mark.parametrize("answer", ["garbage", "json"])
def test_a_garbage_answer(sandbox, connect, answer):
    sandbox.fault(network="koha", method="checkouts.list", error_rate=1, error=answer, count=1)
    circulation = connect()
    with pytest.raises(IlsError) as caught:
        circulation.loans(circulation.patron_by_card("K0000001"))
    assert caught.value.reason == "garbage"
    assert "не как Koha" in caught.value.message


def test_a_server_error_is_temporary(sandbox, connect):
    sandbox.fault(network="koha", method="patrons.list", error_rate=1, count=1)
    circulation = connect()
    with pytest.raises(IlsError) as caught:
        circulation.patron_by_card("K0000001")
    assert caught.value.reason == "unreachable"
    assert "internal_server_error" not in caught.value.message
    assert circulation.patron_by_card("K0000001").card == "K0000001"  # the next call works


def test_a_slow_answer_times_out(sandbox, connect):
    sandbox.fault(network="koha", method="checkouts.list", latency_ms=3000, count=1)
    circulation = connect(timeout=0.5)
    patron = circulation.patron_by_card("K0000001")
    started = time.monotonic()
    with pytest.raises(IlsError) as caught:
        circulation.loans(patron)
    assert time.monotonic() - started < 2
    assert caught.value.reason == "unreachable" and "вовремя" in caught.value.message


def test_the_password_of_the_reader(sandbox, connect):
    circulation = connect()
    assert circulation.abilities.verifies_password
    patron = circulation.verify("K0000003", "passK0000003")
    assert patron.ils_id == "3" and patron.card == "K0000003"
    assert circulation.verify("K0000003", "passK0000004") is None
    assert circulation.verify("K0000003", "") is None
    assert circulation.verify("K7777777", "passK7777777") is None
    assert circulation.verify("k0000003", "passK0000003").card == "K0000003"  # by login


def test_a_locked_account_and_an_expired_password_are_told_apart(sandbox, connect):
    circulation = connect()
    locked, expired = first(sandbox, "locked"), first(sandbox, "password_expired")
    with pytest.raises(ReaderLoginBlocked) as caught:
        circulation.verify(locked["card"], locked["password"])
    assert caught.value.kind == "locked" and "заблокирован" in caught.value.message
    with pytest.raises(ReaderLoginBlocked) as caught:
        circulation.verify(expired["card"], expired["password"])
    assert caught.value.kind == "expired" and "пароля" in caught.value.message
    # A wrong password of an expired account is only wrong.
    assert circulation.verify(expired["card"], "nope") is None


def test_the_secret_is_never_logged(sandbox, connect, koha, caplog):
    caplog.set_level(logging.DEBUG)
    sandbox.fault(network="koha", method="auth.password", latency_ms=2000, count=1)
    circulation = connect(timeout=0.3)
    with pytest.raises(IlsError):
        circulation.verify("K0000003", "passK0000003")
    oauth = connect("oauth2")
    oauth.patron_by_card("K0000001")
    connect(secret="wrong-secret-xyz").check()
    text = caplog.text
    for secret in ("passK0000003", koha["password"], koha["client_secret"], "wrong-secret-xyz"):
        assert secret not in text


@pytest.mark.parametrize("auth", ["basic", "oauth2"])
def test_a_renewal_moves_the_due_date_and_counts(sandbox, connect, auth):
    reader = first(sandbox, "renewable")
    there = next(loan for loan in reader["loans"] if loan["refusal"] is None)
    circulation = connect(auth)
    [loan] = [
        one
        for one in circulation.loans(circulation.patron_by_card(reader["card"]))
        if one.loan_id == str(there["checkout_id"])
    ]
    check = circulation.renewal_check(loan)
    assert check.allowed and check.code == ""
    assert (check.max_renewals, check.current_renewals) == (3, there["renewals"])
    renewal = circulation.renew(loan)
    assert renewal.renewed and renewal.due == loan.due + timedelta(days=14)
    after = {one["checkout_id"]: one for one in sandbox.koha_patron(reader["card"])["loans"]}
    assert after[there["checkout_id"]]["renewals"] == there["renewals"] + 1
    assert after[there["checkout_id"]]["due"] == renewal.due.isoformat()


def loan_with(sandbox, connect, refusal, kind=None):
    for reader in sandbox.koha_patrons(kind=kind or refusal, limit=50):
        for there in reader["loans"]:
            if there["refusal"] == refusal:
                return Loan(
                    loan_id=str(there["checkout_id"]),
                    patron_id=str(reader["patron_id"]),
                    due=date.today(),
                )
    raise AssertionError(f"no loan refused {refusal}")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("too_many", "too_many"),
        ("on_reserve", "on_hold"),
        ("restriction", "debarred"),
    ],
)
def test_every_refusal_comes_back_with_koha_s_code(sandbox, connect, code, kind):
    circulation = connect()
    loan = loan_with(sandbox, connect, code, kind)
    check = circulation.renewal_check(loan)
    assert not check.allowed and check.code == code
    renewal = circulation.renew(loan)
    assert (renewal.renewed, renewal.code, renewal.due) == (False, code, None)


def test_an_on_site_loan_and_a_returned_one(sandbox, connect):
    circulation = connect()
    reader = sandbox.koha_patron("K0000010")
    onsite = next(one for one in reader["loans"] if one["refusal"] == "onsite_checkout")
    loan = Loan(loan_id=str(onsite["checkout_id"]), patron_id="10", due=date.today())
    assert circulation.renew(loan).code == "onsite_checkout"
    other = next(one for one in reader["loans"] if one["checkout_id"] != onsite["checkout_id"])
    sandbox.koha_return(other["checkout_id"])
    returned = Loan(loan_id=str(other["checkout_id"]), patron_id="10", due=date.today())
    assert circulation.renewal_check(returned).code == "no_checkout"
    assert circulation.renew(returned) == circulation.renew(returned)
    assert circulation.renew(returned).code == "no_checkout"
    patron = circulation.patron_by_card("K0000010")
    assert other["checkout_id"] not in [int(one.loan_id) for one in circulation.loans(patron)]
    [back] = [
        one for one in circulation.history(patron) if one.loan_id == str(other["checkout_id"])
    ]
    assert back.returned and back.returned_on == datetime.now(ZoneInfo("Europe/Moscow")).date()


def test_a_renewal_whose_answer_is_lost_was_done(sandbox, connect):
    reader = first(sandbox, "renewable")
    there = next(loan for loan in reader["loans"] if loan["refusal"] is None)
    loan = Loan(
        loan_id=str(there["checkout_id"]), patron_id=str(reader["patron_id"]), due=date.today()
    )
    sandbox.fault(network="koha", method="checkouts.renewal", drop_rate=1, count=1)
    with pytest.raises(IlsError) as caught:
        connect().renew(loan)
    assert caught.value.reason == "unreachable"
    after = {one["checkout_id"]: one for one in sandbox.koha_patron(reader["card"])["loans"]}
    assert after[there["checkout_id"]]["renewals"] == there["renewals"] + 1


def test_every_loan_in_pages(sandbox, connect):
    made = sandbox.koha_generate(patrons=120, loans=345, seed=5)
    circulation = connect()
    assert circulation.abilities.lists_all_loans
    loans = list(circulation.all_loans())
    assert len(loans) == made["loans"] == 345
    assert len({loan.loan_id for loan in loans}) == 345
    assert all(loan.title for loan in loans)
    overdue = [loan for loan in loans if loan.due < datetime.now(ZoneInfo("Europe/Moscow")).date()]
    assert 0 < len(overdue) < len(loans) / 4


def test_an_older_koha_without_the_item_embed(sandbox, connect):
    sandbox.koha_settings(old_embeds=True)
    circulation = connect()
    patron = circulation.patron_by_card("K0000001")
    expected = {
        one["checkout_id"]: one["title"] for one in sandbox.koha_patron("K0000001")["loans"]
    }
    loans = circulation.loans(patron)
    assert {int(one.loan_id): one.title for one in loans} == expected
    assert circulation.loans(patron)  # the second time without trying the embed


def test_an_expired_token_is_fetched_again(sandbox, connect):
    circulation = connect("oauth2")
    assert circulation.patron_by_card("K0000001")
    sandbox.koha_settings(expire_tokens=True)
    assert circulation.patron_by_card("K0000002").card == "K0000002"


def test_the_catalogue_harvest_reads_the_emulated_biblios(koha):
    client = KohaClient(koha["url"], username=koha["username"], password=koha["password"])
    try:
        entries = list(koha_entries(client, {"title": {"-like": "%е%"}}, per_page=5))
    finally:
        client.close()
    titles = [entry.record.title for entry in entries if entry.record]
    assert len(titles) == len(entries) > 10
    assert "Мастер и Маргарита" in titles


def test_a_loan_that_is_not_koha_s(connect):
    with pytest.raises(IlsError) as caught:
        connect().renew(Loan(loan_id="A-17", patron_id="1", due=date.today()))
    assert caught.value.reason == "not_found"


def test_returns_while_paging_skip_no_loan(sandbox, connect):
    """Paging by the last id seen: books returned at the desk meanwhile shift nothing."""
    sandbox.koha_generate(patrons=120, loans=345, seed=5)
    seen = []
    for loan in connect().all_loans():
        seen.append(int(loan.loan_id))
        if len(seen) == 150:
            for checkout_id in seen[:20]:
                sandbox.koha_return(checkout_id)
    assert sorted(seen) == list(range(1, 346))


@pytest.mark.parametrize(
    ("setting", "code"),
    [({"overdues_block": "blockitem"}, "overdue"), ({"no_renewal_before": 2}, "too_soon")],
)
def test_refusals_the_library_s_rules_make(sandbox, connect, setting, code):
    circulation = connect()
    later = (datetime.now(ZoneInfo("Europe/Moscow")).date() + timedelta(days=3)).isoformat()
    [there] = [
        loan
        for reader in sandbox.koha_patrons(kind="overdue", limit=20)
        for loan in reader["loans"]
        if loan["refusal"] is None
        and (loan["overdue"] if code == "overdue" else loan["due"] >= later)
    ][:1]
    loan = Loan(loan_id=str(there["checkout_id"]), patron_id="", due=date.today())
    assert circulation.renewal_check(loan).allowed
    sandbox.koha_settings(**setting)
    assert circulation.renewal_check(loan).code == code
    renewal = circulation.renew(loan)
    assert (renewal.renewed, renewal.code) == (False, code)


def test_basic_authentication_switched_off(sandbox, connect):
    sandbox.koha_settings(basic_auth=False)
    [problem] = connect().check()
    assert "RESTBasicAuth" in problem
    assert connect("oauth2").check() == []
