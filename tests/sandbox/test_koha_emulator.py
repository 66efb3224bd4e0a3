"""The sandbox's emulated Koha: Koha's paths, bodies and status codes, its data, control
endpoints, saved state and the human page."""

import json
import time
from datetime import date, timedelta

import httpx
import pytest

from vitrina.sandbox.library_systems.koha_data import KohaData
from vitrina.sandbox.state import World

API = "/koha/api/v1"


@pytest.fixture
def koha(sandbox):
    credentials = sandbox.koha_credentials()
    client = httpx.Client(
        base_url=sandbox.url, auth=(credentials["username"], credentials["password"]), timeout=10
    )
    client.credentials = credentials
    yield client
    client.close()


def test_every_call_needs_credentials(sandbox):
    http = sandbox.http
    for method, path in [
        ("GET", "/patrons"),
        ("GET", "/patrons/1"),
        ("POST", "/auth/password/validation"),
        ("GET", "/checkouts"),
        ("GET", "/checkouts/1"),
        ("GET", "/checkouts/1/allows_renewal"),
        ("POST", "/checkouts/1/renewal"),
        ("GET", "/biblios"),
    ]:
        response = http.request(method, API + path)
        assert response.status_code == 401, path
        assert response.json() == {"error": "Authentication failure."}
    # Koha refuses a wrong Basic password as an authorisation failure: 403, not 401.
    wrong = http.get(API + "/patrons", auth=("vitrina", "nope"))
    assert (wrong.status_code, wrong.json()) == (
        403,
        {"error": "Invalid password", "required_permissions": None},
    )
    assert http.get(API + "/patrons", headers={"Authorization": "Bearer x"}).status_code == 401


def test_oauth2_client_credentials(sandbox):
    credentials = sandbox.koha_credentials()
    token_url = API + "/oauth/token"
    good = {
        "grant_type": "client_credentials",
        "client_id": credentials["client_id"],
        "client_secret": credentials["client_secret"],
    }
    answer = sandbox.http.post(token_url, data=good).json()
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 3600
    bearer = {"Authorization": f"Bearer {answer['access_token']}"}
    assert sandbox.http.get(API + "/patrons/1", headers=bearer).json()["cardnumber"] == "K0000001"
    refused = sandbox.http.post(token_url, data={**good, "client_secret": "x"})
    assert (refused.status_code, refused.json()) == (403, {"error": "unauthorized_client"})
    grant = sandbox.http.post(token_url, data={**good, "grant_type": "password"})
    assert grant.status_code == 400
    sandbox.advance(3601)
    assert sandbox.http.get(API + "/patrons/1", headers=bearer).status_code == 401


def test_a_missing_permission(sandbox):
    limited = sandbox.koha_credentials()["limited"]
    auth = (limited["username"], limited["password"])
    response = sandbox.http.get(API + "/checkouts", auth=auth)
    assert response.status_code == 403
    assert response.json() == {
        "error": "Authorization failure. Missing required permission(s).",
        "required_permissions": {"circulate": "circulate_remaining_permissions"},
    }
    assert sandbox.http.get(API + "/biblios", auth=auth).status_code == 200


def test_a_query_parameter_koha_does_not_declare(koha):
    response = koha.get(API + "/checkouts", params={"borrowernumber": 1, "_page": 1})
    assert (response.status_code, response.json()) == (
        400,
        [{"path": "/query/borrowernumber", "message": "Malformed query string"}],
    )
    assert koha.get(API + "/checkouts/1/allows_renewal", params={"x": 1}).status_code == 400
    assert koha.post(API + "/checkouts/1/renewal", params={"seen": 0}).status_code != 400


def test_patrons_by_card_and_the_match_koha_defaults_to(koha):
    exact = koha.get(API + "/patrons", params={"cardnumber": "K0000001", "_match": "exact"})
    [patron] = exact.json()
    assert patron["patron_id"] == 1 and patron["userid"] == "k0000001"
    assert {"surname", "firstname", "expiry_date", "restricted", "library_id"} <= set(patron)
    # Koha's default _match is "contains": a card finds every card it is part of.
    contains = koha.get(API + "/patrons", params={"cardnumber": "K000001"}).json()
    assert len(contains) > 1
    assert koha.get(API + "/patrons/99999").json() == {
        "error": "Patron not found",
        "error_code": "not_found",
    }
    found = koha.get(API + "/patrons", params={"q": json.dumps({"cardnumber": "K0000002"})})
    assert [p["cardnumber"] for p in found.json()] == ["K0000002"]
    assert koha.get(API + "/patrons", params={"q": "{"}).status_code == 400


def test_paging_headers(koha):
    response = koha.get(API + "/checkouts", params={"_page": 2, "_per_page": 50})
    assert response.status_code == 200
    assert len(response.json()) == 50
    assert response.headers["X-Total-Count"] == "900"
    assert response.headers["X-Base-Total-Count"] == "900"
    link = response.headers["Link"]
    assert (
        'rel="first"' in link and "_page=1&" in link and '_page=3&_per_page=50>; rel="next"' in link
    )
    assert '_page=18&_per_page=50>; rel="last"' in link
    assert [c["checkout_id"] for c in response.json()] == list(range(51, 101))
    everything = koha.get(API + "/checkouts", params={"_per_page": -1})
    assert len(everything.json()) == 900
    assert len(koha.get(API + "/checkouts").json()) == 20  # RESTdefaultPageSize
    assert koha.get(API + "/checkouts", params={"_page": 0}).status_code == 400


def test_checkouts_follow_koha_s_definition(koha):
    response = koha.get(
        API + "/checkouts", params={"patron_id": 1}, headers={"x-koha-embed": "item.biblio"}
    )
    [checkout, *_] = response.json()
    assert {
        "checkout_id", "patron_id", "item_id", "due_date", "checkout_date", "renewals_count",
        "checkin_date", "last_renewed_date", "onsite_checkout", "auto_renew", "library_id",
    } <= set(checkout)  # fmt: skip
    assert checkout["due_date"].endswith("T23:59:00+03:00")
    assert checkout["item"]["biblio"]["title"]
    assert "item" not in koha.get(API + "/checkouts", params={"patron_id": 1}).json()[0]
    bad = koha.get(API + "/checkouts", headers={"x-koha-embed": "biblio"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "/x-koha-embed"
    assert koha.get(API + "/checkouts/999999").json()["error"] == "Checkout not found"


def test_a_renewal_moves_the_due_date_and_counts(sandbox, koha):
    [reader] = sandbox.koha_patrons(kind="renewable", limit=1)
    loan = next(one for one in reader["loans"] if one["refusal"] is None)
    url = f"{API}/checkouts/{loan['checkout_id']}"
    allowed = koha.get(url + "/allows_renewal").json()
    assert allowed == {
        "allows_renewal": True,
        "max_renewals": 3,
        "current_renewals": loan["renewals"],
        "unseen_renewals": 0,
        "error": None,
    }
    renewed = koha.post(url + "/renewal")
    assert renewed.status_code == 201
    body = renewed.json()
    assert body["renewals_count"] == loan["renewals"] + 1
    assert (
        body["due_date"][:10] == (date.fromisoformat(loan["due"]) + timedelta(days=14)).isoformat()
    )
    again = koha.get(url, headers={"x-koha-embed": "renewals"}).json()
    assert again["due_date"] == body["due_date"] and len(again["renewals"]) == 1
    # Renewing until the rules say no.
    while koha.post(url + "/renewal").status_code == 201:
        pass
    refused = koha.post(url + "/renewals")
    assert (refused.status_code, refused.json()) == (
        403,
        {"error": "Renewal not authorized (too_many)"},
    )


@pytest.mark.parametrize(
    ("kind", "code"),
    [("on_hold", "on_reserve"), ("too_many", "too_many"), ("debarred", "restriction")],
)
def test_refusals(sandbox, koha, kind, code):
    [reader] = sandbox.koha_patrons(kind=kind, limit=1)
    loan = next(one for one in reader["loans"] if one["refusal"] == code)
    url = f"{API}/checkouts/{loan['checkout_id']}"
    assert koha.get(url + "/allows_renewal").json()["error"] == code
    assert koha.post(url + "/renewal").json() == {"error": f"Renewal not authorized ({code})"}
    desk = sandbox.koha_renew(loan["checkout_id"])
    assert (desk.status_code, desk.json()["code"]) == (409, code)


def test_password_validation(sandbox, koha):
    url = API + "/auth/password/validation"
    ok = koha.post(url, json={"identifier": "K0000005", "password": "passK0000005"})
    assert (ok.status_code, ok.json()) == (
        201,
        {"cardnumber": "K0000005", "patron_id": 5, "userid": "k0000005"},
    )
    wrong = koha.post(url, json={"identifier": "K0000005", "password": "x"})
    assert (wrong.status_code, wrong.json()) == (400, {"error": "Validation failed"})
    [locked] = sandbox.koha_patrons(kind="locked", limit=1)
    answer = koha.post(url, json={"identifier": locked["card"], "password": locked["password"]})
    assert answer.json() == {"error": "Validation failed"}
    both = koha.post(url, json={"identifier": "a", "userid": "b", "password": "c"})
    assert both.json()["error"] == "Bad request. Only one identifier attribute can be passed."
    assert koha.post(url, json={"identifier": "K0000005"}).status_code == 400


def test_a_return_moves_the_loan_to_history(sandbox, koha):
    reader = sandbox.koha_patron("K0000004")
    loan = reader["loans"][0]
    sandbox.koha_return(loan["checkout_id"])
    current = koha.get(API + "/checkouts", params={"patron_id": 4}).json()
    assert loan["checkout_id"] not in [c["checkout_id"] for c in current]
    old = koha.get(API + "/checkouts", params={"patron_id": 4, "checked_in": "true"}).json()
    [back] = [c for c in old if c["checkout_id"] == loan["checkout_id"]]
    assert back["checkin_date"] is not None
    assert koha.post(f"{API}/checkouts/{loan['checkout_id']}/renewal").status_code == 404
    assert (
        sandbox.http.post(
            "/sandbox/control/koha/return", json={"checkout_id": loan["checkout_id"]}
        ).status_code
        == 404
    )
    total = koha.get(API + "/checkouts", params={"_per_page": 1}).headers["X-Total-Count"]
    assert total == "899"


def test_the_data_is_deterministic_and_varied(sandbox):
    first = sandbox.koha_patron("K0000011")
    sandbox.koha_generate(patrons=300, loans=900, seed=42)
    assert sandbox.koha_patron("K0000011") == first
    sandbox.koha_generate(patrons=300, loans=900, seed=43)
    assert sandbox.koha_patron("K0000011") != first
    for kind in ("debarred", "locked", "password_expired", "overdue", "on_hold", "too_many"):
        assert sandbox.koha_patrons(kind=kind, limit=1), kind
    assert (
        sandbox.http.post("/sandbox/control/koha/generate", json={"patrons": "many"}).status_code
        == 400
    )
    assert (
        sandbox.http.post("/sandbox/control/koha/generate", json={"zone": "Mars/Base"}).status_code
        == 400
    )


def test_a_large_library_is_made_and_read_fast(sandbox, koha):
    started = time.perf_counter()
    made = sandbox.koha_generate(patrons=20_000, loans=100_000, seed=3)
    # About a second and a half on an idle machine; the margin is for a busy one.
    assert time.perf_counter() - started < 15
    assert (made["patrons"], made["loans"]) == (20_000, 100_000)
    started = time.perf_counter()
    for number in range(1, 20_000, 1000):
        card = f"K{number:07d}"
        found = koha.get(API + "/patrons", params={"cardnumber": card, "_match": "exact"}).json()
        assert found[0]["cardnumber"] == card
        assert koha.get(API + "/checkouts", params={"patron_id": number}).status_code == 200
    last = koha.get(API + "/checkouts", params={"_page": 1000, "_per_page": 100})
    assert len(last.json()) == 100
    assert time.perf_counter() - started < 10


def test_faults_of_network_koha(sandbox, koha):
    sandbox.fault(network="koha", method="patrons.get", error_rate=1, count=1)
    failed = koha.get(API + "/patrons/1")
    assert failed.status_code == 500 and failed.json()["error_code"] == "internal_server_error"
    assert koha.get(API + "/patrons/1").status_code == 200
    sandbox.fault(network="koha", method="patrons.get", error_rate=1, error=503, count=1)
    assert koha.get(API + "/patrons/1").status_code == 503
    sandbox.fault(network="koha", method="patrons.get", error_rate=1, error="garbage", count=1)
    garbage = koha.get(API + "/patrons/1")
    assert garbage.status_code == 200 and garbage.text.startswith("<html>")
    sandbox.fault(
        network="koha", method="patrons.get", timeout_rate=1, timeout_seconds=0.2, count=1
    )
    assert koha.get(API + "/patrons/1").status_code == 504


def test_the_state_keeps_returns_and_renewals(tmp_path):
    world = World(seed=9)
    koha = world.koha.ensure()
    [renewed, returned] = list(koha.checkouts)[:2]
    due = koha.renew(renewed).due_date
    koha.check_in(returned)
    path = tmp_path / "state.json"
    world.save(path)
    assert path.stat().st_size < 100_000
    again = World.load(json.loads(path.read_text())).koha.ensure()
    assert again.checkouts[renewed].due_date == due
    assert again.checkouts[renewed].renewals_count == koha.checkouts[renewed].renewals_count
    assert returned not in again.checkouts and returned in again.old_checkouts
    assert again.anchor == koha.anchor


def test_a_world_is_made_without_generating_koha():
    started = time.perf_counter()
    world = World(seed=1)
    assert time.perf_counter() - started < 1
    assert not world.koha._ready
    assert isinstance(world.koha, KohaData)


def test_the_page_returns_and_renews_at_the_desk(sandbox):
    index = sandbox.http.get("/sandbox/")
    assert 'href="/sandbox/koha/"' in index.text
    page = sandbox.http.get("/sandbox/koha/")
    assert page.status_code == 200 and page.text.count('class="account"') == 50
    assert "<script" not in page.text
    reader = sandbox.koha_patron("K0000004")
    loan = reader["loans"][0]
    one = sandbox.http.get("/sandbox/koha/", params={"card": "K0000004"})
    assert one.text.count('class="account"') == 1 and loan["barcode"] in one.text
    renewed = sandbox.http.post(
        "/sandbox/koha/renew", data={"checkout_id": loan["checkout_id"], "card": "K0000004"}
    )
    assert renewed.status_code == 303 and "done=" in renewed.headers["location"]
    returned = sandbox.http.post(
        "/sandbox/koha/return",
        data={"checkout_id": loan["checkout_id"], "card": "K0000004"},
        follow_redirects=True,
    )
    assert "Книга возвращена" in returned.text and loan["barcode"] not in returned.text
    assert loan["checkout_id"] not in [
        one["checkout_id"] for one in sandbox.koha_patron("K0000004")["loans"]
    ]
    missing = sandbox.http.post(
        "/sandbox/koha/return", data={"checkout_id": "x"}, follow_redirects=True
    )
    assert "Такой выдачи уже нет" in missing.text
    nobody = sandbox.http.get("/sandbox/koha/", params={"card": "K9999999"})
    assert "Читателя с таким билетом нет" in nobody.text
