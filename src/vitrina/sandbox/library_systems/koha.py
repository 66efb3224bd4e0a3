"""Koha's REST API emulated under ``/koha/api/v1``, after Koha's own OpenAPI specification
(``api/v1/swagger``): patrons, password validation, checkouts with renewals, items and
biblios, HTTP Basic and OAuth2 client credentials, paging headers, ``q=`` and ``_match``.

Error bodies are Koha's: ``{"error": ...}`` (``error_code`` where Koha sends one), 401
without valid credentials, 403 with ``required_permissions`` when the staff account lacks
a permission, 403 ``Renewal not authorized (<code>)`` when a renewal is refused. Faults of
network ``koha`` apply (``sandbox/faults.py``); ``error="garbage"`` answers a broken page.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import functools
import json
import operator
import secrets
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..common import Json, apply_faults, lost_answer, world_of
from .koha_data import BOOKS, LIBRARY_ID, RENEWALS_ALLOWED, Checkout, KohaData, Patron, Refused

PREFIX = "/koha/api/v1"
TOKEN_TTL = 3600
DEFAULT_PER_PAGE = 20  # RESTdefaultPageSize
CHECKOUT_EMBEDS = {"booking", "issuer", "item", "item.biblio", "library", "patron", "renewals"}
OLD_CHECKOUT_EMBEDS = {"issuer", "renewals"}
MARCXML = "application/marcxml+xml"

# x-koha-authorization of each operation, as its 403 names them back.
PERMISSIONS = {
    "patrons.list": {"borrowers": "1"},
    "patrons.get": {"borrowers": "edit_borrowers"},
    "auth.password": {"borrowers": "1"},
    "checkouts.list": {"circulate": "circulate_remaining_permissions"},
    "checkouts.get": {"circulate": "circulate_remaining_permissions"},
    "checkouts.allows_renewal": {"circulate": "circulate_remaining_permissions"},
    "checkouts.renewal": {"circulate": "circulate_remaining_permissions"},
    "items.list": {"catalogue": "1"},
    "biblios.list": {"catalogue": "1"},
    "biblios.get": {"catalogue": "1"},
}
# The query parameters each operation declares; any other is refused, as Koha refuses it.
LISTING = {"_match", "_order_by", "_page", "_per_page", "q"}
PATRON_FIELDS = {
    "patron_id", "cardnumber", "surname", "firstname", "middle_name", "title", "other_name",
    "initials", "address", "city", "postal_code", "country", "email", "phone", "mobile",
    "date_of_birth", "library_id", "category_id", "date_enrolled", "expiry_date",
    "restricted", "gender", "userid", "lang", "login_attempts", "updated_on", "last_seen",
}  # fmt: skip
QUERY = {
    "patrons.list": LISTING | PATRON_FIELDS,
    "checkouts.list": LISTING | {"patron_id", "checked_in"},
    "checkouts.renewal": {"seen"},
    "items.list": LISTING | {"external_id"},
    "biblios.list": LISTING,
}


def koha_of(request: Request) -> KohaData:
    return world_of(request).koha.ensure()


def error(status: int, message: str, code: str | None = None, **extra) -> Json:
    body = {"error": message, **extra}
    if code:
        body["error_code"] = code
    return Json(body, status_code=status)


def not_found(what: str) -> Json:
    return error(404, f"{what} not found", "not_found")


def internal_error() -> Json:
    return error(500, "Something went wrong, check Koha logs for details.", "internal_server_error")


def invalid(path: str, message: str) -> Json:
    """The OpenAPI validator's answer to a request outside the specification."""
    return Json({"errors": [{"message": message, "path": path}], "status": 400}, 400)


# Authentication and authorisation


def staff_user(request: Request, koha: KohaData) -> tuple[str | None, Response | None]:
    header = request.headers.get("authorization", "")
    if header.startswith("Basic "):
        if not koha.basic_auth:
            return None, error(401, "Basic authentication disabled")
        try:
            login, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, error(401, "Authentication failure.")
        user = koha.users.get(login)
        if user is None or not secrets.compare_digest(user["password"], password):
            # Koha raises an authorisation failure here, hence 403 and not 401.
            return None, error(403, "Invalid password", required_permissions=None)
        return login, None
    if header.startswith("Bearer "):
        token = koha.tokens.get(header[7:].strip())
        if token is None or token["expires_at"] <= koha.clock():
            return None, error(401, "Authentication failure.")
        return token["user"], None
    return None, error(401, "Authentication failure.")


def authorise(request: Request, koha: KohaData, method: str) -> Response | None:
    login, refusal = staff_user(request, koha)
    if refusal is not None:
        return refusal
    needed = PERMISSIONS[method]
    if not set(needed) <= koha.users[login]["permissions"]:
        return error(
            403,
            "Authorization failure. Missing required permission(s).",
            required_permissions=needed,
        )
    unknown = sorted(set(request.query_params) - QUERY.get(method, set()))
    if unknown:
        return Json(
            [{"path": f"/query/{name}", "message": "Malformed query string"} for name in unknown],
            status_code=400,
        )
    return None


def endpoint(handler, method: str):
    """Faults, then credentials and permission, then the handler; a dropped answer is done
    and lost on its way back."""

    async def run(request: Request):
        koha = koha_of(request)
        decision = await apply_faults(request, "koha", method)
        if decision.action == "timeout":
            return lost_answer()
        if decision.action == "error":
            return fault_answer(decision.fault.error)
        refusal = authorise(request, koha, method)
        if refusal is not None:
            return refusal
        try:
            response = await handler(request, koha)
        except Invalid as problem:
            response = invalid(problem.path, problem.message)
        if decision.action == "drop":
            return lost_answer()
        return response

    return run


def fault_answer(code) -> Response:
    if code == "garbage":
        return HTMLResponse(
            "<html><head><title>Koha</title></head><body><h1>Сайт на обслуживании</h1>"
            "<p>Koha is under maintenance.</p></body></html>"
        )
    if code == "json":
        return Response(b'{"checkout_id": ', media_type="application/json")
    try:
        status = int(code or 500)
    except (TypeError, ValueError):
        status = 500
    if status == 503:
        return error(503, "System is under maintenance.")
    if status == 500:
        return internal_error()
    return error(status, f"HTTP {status}")


class Invalid(Exception):
    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.path, self.message = path, message


# Parameters, paging, filters


def page_of(request: Request, items: list, fmt) -> Response:
    """Koha's paging: ``_page``/``_per_page`` (−1 for everything), ``X-Total-Count``,
    ``X-Base-Total-Count`` and a ``Link`` header of first, prev, next and last."""
    params = request.query_params
    try:
        page = int(params.get("_page", 1))
        per_page = int(params.get("_per_page", DEFAULT_PER_PAGE))
    except ValueError as exc:
        raise Invalid("/_page", "Expected integer - got string.") from exc
    if page < 1:
        raise Invalid("/_page", "1 < minimum(1)")
    total = len(items)
    if per_page == -1:
        chunk, per_page, last = items, max(total, 1), 1
    else:
        if per_page < 1:
            raise Invalid("/_per_page", "Expected integer >= 1 or -1")
        chunk = items[(page - 1) * per_page : page * per_page]
        last = max(1, -(-total // per_page))
    links = []
    base = {k: v for k, v in params.items() if k not in ("_page", "_per_page")}

    def link(number, rel):
        query = urlencode({**base, "_page": number, "_per_page": per_page})
        links.append(f'<{request.url.path}?{query}>; rel="{rel}"')

    link(1, "first")
    if page > 1:
        link(page - 1, "prev")
    if page < last:
        link(page + 1, "next")
    link(last, "last")
    headers = {
        "X-Total-Count": str(total),
        "X-Base-Total-Count": str(total),
        "Link": ", ".join(links),
    }
    return Json([fmt(item) for item in chunk], headers=headers)


def query_of(request: Request) -> dict:
    raw = request.query_params.get("q")
    if not raw:
        return {}
    try:
        query = json.loads(raw)
    except ValueError as exc:
        raise Invalid("/q", "Malformed query string") from exc
    if not isinstance(query, dict):
        raise Invalid("/q", "Malformed query string")
    return query


COMPARE = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "!=": operator.ne,
}


def matches(value, condition, match: str = "exact") -> bool:
    """One field against a ``q`` condition: a value, a list (any of), ``-like``, ``-in``."""
    if isinstance(condition, list):
        return any(matches(value, item) for item in condition)
    if isinstance(condition, dict):
        for name, operand in condition.items():
            if name == "-like":
                pattern = str(operand).lower()
                text = str(value or "").lower()
                core = pattern.strip("%")
                if pattern.startswith("%") and pattern.endswith("%"):
                    ok = core in text
                elif pattern.endswith("%"):
                    ok = text.startswith(core)
                elif pattern.startswith("%"):
                    ok = text.endswith(core)
                else:
                    ok = text == core
                if not ok:
                    return False
            elif name == "-in":
                if not any(matches(value, item) for item in operand):
                    return False
            elif name in ("=", "-eq"):
                if not matches(value, operand):
                    return False
            elif name in COMPARE:
                try:
                    left, right = (value, type(value)(operand)) if value is not None else (0, 0)
                except (TypeError, ValueError) as exc:
                    raise Invalid("/q", f"Cannot compare with {operand!r}") from exc
                if value is None or not COMPARE[name](left, right):
                    return False
            else:
                raise Invalid("/q", f"Unsupported operator {name}")
        return True
    if match == "contains" and isinstance(value, str):
        return str(condition).lower() in value.lower()
    if match == "starts_with" and isinstance(value, str):
        return value.lower().startswith(str(condition).lower())
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return value == int(condition)
        except (TypeError, ValueError):
            return False
    return str(value) == str(condition)


def embeds_of(request: Request, allowed: set[str]) -> set[str]:
    header = request.headers.get("x-koha-embed", "")
    asked = {part.strip() for part in header.split(",") if part.strip()}
    unknown = asked - allowed
    if unknown:
        raise Invalid("/x-koha-embed", f"Not in enum list: {', '.join(sorted(allowed))}.")
    return asked


# Representations (``to_api`` of Koha's objects)


def rfc3339(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


def patron_json(koha: KohaData, patron: Patron) -> dict:
    return {
        "patron_id": patron.patron_id,
        "cardnumber": patron.cardnumber,
        "surname": patron.surname,
        "firstname": patron.firstname,
        "middle_name": None,
        "title": None,
        "other_name": None,
        "initials": None,
        "gender": patron.gender,
        "date_of_birth": patron.date_of_birth.isoformat(),
        "library_id": LIBRARY_ID,
        "category_id": "PT",
        "date_enrolled": patron.date_enrolled.isoformat(),
        "expiry_date": patron.expiry_date.isoformat(),
        "date_renewed": None,
        "restricted": patron.debarred,
        "userid": patron.userid,
        "email": None,
        "phone": None,
        "mobile": None,
        "address": None,
        "city": "Медногорск",
        "country": "Россия",
        "lang": "ru-RU",
        "privacy": 1,
        "login_attempts": -1 if patron.locked else 0,
        "anonymized": False,
        "autorenew_checkouts": True,
        "protected": False,
        "updated_on": rfc3339(koha.now()),
    }


@functools.cache
def biblio_json(biblio_id: int) -> dict:
    """The record as the JSON of ``/biblios`` (the same object each time: never changed)."""
    title, subtitle, author, publisher, place, year, pages, isbn = BOOKS[biblio_id - 1]
    return {
        "biblio_id": biblio_id,
        "title": title,
        "subtitle": subtitle or None,
        "author": author,
        "part_number": None,
        "part_name": None,
        "publication_year": year,
        "copyright_date": year,
        "isbn": isbn,
        "pages": pages,
        "place": place,
        "publisher": publisher,
        "edition_statement": None,
        "item_type": "BK",
        "framework_id": "",
    }


def item_json(checkout: Checkout, *, biblio: bool = False) -> dict:
    body = {
        "item_id": checkout.item_id,
        "biblio_id": checkout.biblio_id,
        "external_id": checkout.barcode,
        "callnumber": f"84(2Рос=Рус){checkout.biblio_id}",
        "home_library_id": LIBRARY_ID,
        "holding_library_id": LIBRARY_ID,
        "item_type_id": "BK",
        "checkouts_count": 1 + checkout.renewals_count,
        "renewals_count": checkout.renewals_count,
        "not_for_loan_status": 0,
        "damaged_status": 0,
        "lost_status": 0,
        "withdrawn": 0,
    }
    if biblio:
        body["biblio"] = biblio_json(checkout.biblio_id)
    return body


def checkout_json(koha: KohaData, checkout: Checkout, embeds: set[str] = frozenset()) -> dict:
    body = {
        "checkout_id": checkout.checkout_id,
        "patron_id": checkout.patron_id,
        "item_id": checkout.item_id,
        "booking_id": None,
        "due_date": rfc3339(checkout.due_date),
        "library_id": LIBRARY_ID,
        "issuer_id": None,
        "checkin_date": rfc3339(checkout.checkin_date),
        "checkin_library_id": LIBRARY_ID if checkout.checkin_date else None,
        "last_renewed_date": rfc3339(checkout.last_renewed_date),
        "renewals_count": checkout.renewals_count,
        "unseen_renewals": 0,
        "auto_renew": checkout.auto_renew,
        "auto_renew_error": None,
        "timestamp": rfc3339(checkout.last_renewed_date or checkout.checkout_date),
        "checkout_date": rfc3339(checkout.checkout_date),
        "onsite_checkout": checkout.onsite,
        "note": None,
        "note_date": None,
        "note_seen": None,
    }
    if "item" in embeds or "item.biblio" in embeds:
        body["item"] = item_json(checkout, biblio="item.biblio" in embeds)
    if "patron" in embeds:
        body["patron"] = patron_json(koha, koha.patrons[checkout.patron_id])
    if "library" in embeds:
        body["library"] = {"library_id": LIBRARY_ID, "name": "Центральная городская библиотека"}
    if "issuer" in embeds:
        body["issuer"] = None
    if "booking" in embeds:
        body["booking"] = None
    if "renewals" in embeds:
        body["renewals"] = [
            {
                "renewal_id": checkout.checkout_id * 100 + number,
                "checkout_id": checkout.checkout_id,
                "interface": "api",
                "renewer_id": None,
                "seen": False,
                "renewal_type": "Manual",
                "timestamp": rfc3339(moment),
            }
            for number, moment in enumerate(checkout.renewals, start=1)
        ]
    return body


# Routes


async def oauth_token(request: Request):
    koha = koha_of(request)
    decision = await apply_faults(request, "koha", "oauth.token")
    if decision.action == "timeout":
        return lost_answer()
    if decision.action == "error":
        return fault_answer(decision.fault.error)
    form = await request.form()
    if form.get("grant_type") != "client_credentials":
        return error(400, "Unimplemented grant type")
    client = koha.clients.get(str(form.get("client_id") or ""))
    if client is None or not secrets.compare_digest(
        client["secret"], str(form.get("client_secret") or "")
    ):
        return error(403, "unauthorized_client")
    token = secrets.token_urlsafe(24)
    koha.tokens[token] = {"user": client["user"], "expires_at": koha.clock() + TOKEN_TTL}
    if decision.action == "drop":
        return lost_answer()
    return Json({"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_TTL})


async def list_patrons(request: Request, koha: KohaData):
    params = request.query_params
    match = params.get("_match", "contains")
    if match not in ("contains", "exact", "starts_with", "ends_with"):
        raise Invalid("/_match", "Not in enum list: contains, exact, starts_with, ends_with.")
    query = query_of(request)
    fields = {
        name: params[name]
        for name in ("patron_id", "cardnumber", "surname", "firstname", "userid")
        if name in params
    }
    if not fields and not query:
        found = list(koha.patrons.values())
    elif match == "exact" and set(fields) == {"cardnumber"} and not query:
        patron = koha.by_card.get(fields["cardnumber"])
        found = [patron] if patron else []
    elif set(fields) == {"patron_id"} and not query:
        patron = koha.patron(fields["patron_id"])
        found = [patron] if patron else []
    else:
        found = []
        for patron in koha.patrons.values():
            data = {
                "patron_id": patron.patron_id,
                "cardnumber": patron.cardnumber,
                "surname": patron.surname,
                "firstname": patron.firstname,
                "userid": patron.userid,
            }
            if all(matches(data[k], v, match) for k, v in fields.items()) and all(
                k in data and matches(data[k], v) for k, v in query.items()
            ):
                found.append(patron)
    return page_of(request, found, lambda patron: patron_json(koha, patron))


async def get_patron(request: Request, koha: KohaData):
    patron = koha.patron(request.path_params["patron_id"])
    if patron is None:
        return not_found("Patron")
    return Json(patron_json(koha, patron))


async def validate_password(request: Request, koha: KohaData):
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        return invalid("/body", "Expected object - got null.")
    if not isinstance(body, dict) or "password" not in body:
        return invalid("/body/password", "Missing property.")
    extra = set(body) - {"identifier", "password", "userid"}
    if extra:
        return invalid("/body", f"Properties not allowed: {', '.join(sorted(extra))}.")
    identifier, userid = body.get("identifier"), body.get("userid")
    if identifier is None and userid is None:
        return error(400, "Validation failed")
    if identifier is not None and userid is not None:
        return error(400, "Bad request. Only one identifier attribute can be passed.")
    if userid is not None:
        patron = koha.by_userid.get(str(userid))
    else:
        patron = koha.by_userid.get(str(identifier)) or koha.by_card.get(str(identifier))
    password = str(body.get("password") or "")
    # checkpw: a locked account is never checked; a wrong password counts as an attempt.
    if patron is None or patron.locked or not secrets.compare_digest(patron.password, password):
        return error(400, "Validation failed")
    if patron.password_expired:
        return error(400, "Password expired", "password_expired")
    return Json(
        {"cardnumber": patron.cardnumber, "patron_id": patron.patron_id, "userid": patron.userid},
        status_code=201,
    )


async def list_checkouts(request: Request, koha: KohaData):
    params = request.query_params
    embeds = embeds_of(request, OLD_CHECKOUT_EMBEDS if koha.old_embeds else CHECKOUT_EMBEDS)
    checked_in = params.get("checked_in", "").lower() in ("true", "1")
    query = query_of(request)
    patron_id = params.get("patron_id") or query.get("patron_id")
    if patron_id is not None:
        try:
            number = int(patron_id)
        except (TypeError, ValueError):
            return invalid("/patron_id", "Expected integer - got string.")
        found = koha.patron_loans(number, returned=checked_in)
    elif checked_in:
        found = list(koha.old_checkouts.values())
    else:
        ids = koha.current_ids()
        after = query.get("checkout_id")
        if isinstance(after, dict) and set(after) == {">"}:
            # Paging by the last id seen, the way a sync reads a busy library: cut the
            # sorted ids instead of testing 100,000 checkouts.
            try:
                ids = ids[bisect.bisect_right(ids, int(after[">"])) :]
            except (TypeError, ValueError):
                return invalid("/q", "Cannot compare with a non-number")
            query = {k: v for k, v in query.items() if k != "checkout_id"}
        found = _Lazy(ids, koha.checkouts)
    if query:
        query = {k: v for k, v in query.items() if k != "patron_id"}
        if query:
            found = [
                c
                for c in found
                if all(matches(checkout_json(koha, c).get(k), v) for k, v in query.items())
            ]
    return page_of(request, found, lambda checkout: checkout_json(koha, checkout, embeds))


class _Lazy:
    """Current checkouts in id order, sliced without building 100,000 objects per page."""

    def __init__(self, ids, checkouts):
        self.ids, self.checkouts = ids, checkouts

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.checkouts[i] for i in self.ids[index]]
        return self.checkouts[self.ids[index]]

    def __iter__(self):
        return (self.checkouts[i] for i in self.ids)


async def get_checkout(request: Request, koha: KohaData):
    embeds = embeds_of(request, OLD_CHECKOUT_EMBEDS if koha.old_embeds else CHECKOUT_EMBEDS)
    checkout = koha.checkout(request.path_params["checkout_id"])
    if checkout is None:
        return not_found("Checkout")
    return Json(checkout_json(koha, checkout, embeds))


async def allows_renewal(request: Request, koha: KohaData):
    checkout = koha.checkouts.get(_number(request.path_params["checkout_id"]))
    if checkout is None:
        return not_found("Checkout")
    code = koha.renewal_refusal(checkout)
    return Json(
        {
            "allows_renewal": not code,
            "max_renewals": RENEWALS_ALLOWED,
            "current_renewals": checkout.renewals_count,
            "unseen_renewals": 0,
            "error": code or None,
        }
    )


async def renew(request: Request, koha: KohaData):
    checkout_id = _number(request.path_params["checkout_id"])
    if checkout_id not in koha.checkouts:
        return not_found("Checkout")
    try:
        checkout = koha.renew(checkout_id)
    except Refused as refusal:
        return error(403, f"Renewal not authorized ({refusal.code})")
    return Json(
        checkout_json(koha, checkout),
        status_code=201,
        headers={"Location": str(request.url.path)},
    )


async def list_items(request: Request, koha: KohaData):
    embeds = embeds_of(request, {"biblio", "+strings"})
    query = query_of(request)
    wanted = query.get("item_id")
    if wanted is None:
        raise Invalid("/q", "The emulated Koha lists items by item_id only")
    if isinstance(wanted, dict):
        wanted = wanted.get("-in", [])
    ids = wanted if isinstance(wanted, list) else [wanted]
    by_item = {}
    for number in map(_number, ids):
        # Each item went out once and is numbered as its checkout is.
        checkout = koha.checkouts.get(number) or koha.old_checkouts.get(number)
        if checkout is not None and checkout.item_id == number:
            by_item[number] = checkout
    items = [by_item[n] for n in sorted(by_item)]
    return page_of(request, items, lambda c: item_json(c, biblio="biblio" in embeds))


async def list_biblios(request: Request, koha: KohaData):
    if request.headers.get("accept", "application/json") not in ("application/json", "*/*"):
        return error(406, "Not acceptable")
    query = query_of(request)
    found = []
    for biblio_id in range(1, len(BOOKS) + 1):
        data = biblio_json(biblio_id)
        if all(k in data and matches(data[k], v) for k, v in query.items()):
            found.append(data)
    return page_of(request, found, lambda data: data)


async def get_biblio(request: Request, koha: KohaData):
    biblio_id = _number(request.path_params["biblio_id"])
    if not 1 <= biblio_id <= len(BOOKS):
        return not_found("Bibliographic record")
    accept = request.headers.get("accept", "")
    if accept == "application/json":
        return Json(biblio_json(biblio_id))
    if accept != MARCXML:
        return error(406, "Not acceptable", available=["application/json", MARCXML])
    return Response(marcxml(biblio_id).encode(), media_type=MARCXML)


def marcxml(biblio_id: int) -> str:
    title, subtitle, author, publisher, place, year, pages, isbn = BOOKS[biblio_id - 1]

    def esc(text) -> str:
        return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def field(tag, subfields, ind1=" ", ind2=" "):
        inner = "".join(
            f'<subfield code="{code}">{esc(value)}</subfield>' for code, value in subfields if value
        )
        return f'<datafield tag="{tag}" ind1="{ind1}" ind2="{ind2}">{inner}</datafield>'

    title_subfields = [("a", title + (" :" if subtitle else "")), ("b", subtitle)]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<record xmlns="http://www.loc.gov/MARC21/slim">'
        "<leader>00000nam a22000007i 4500</leader>"
        f'<controlfield tag="001">{biblio_id}</controlfield>'
        f'<controlfield tag="008">230101s{year}    ru            000 1 rus d</controlfield>'
        + field("020", [("a", isbn)])
        + field("100", [("a", author)], "1")
        + field("245", title_subfields, "1", "0")
        + field("264", [("a", place + " :"), ("b", publisher + ","), ("c", str(year))], " ", "1")
        + field("300", [("a", pages)])
        + field("999", [("c", biblio_id), ("d", biblio_id)])
        + "</record>"
    )


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


routes = [
    Route(f"{PREFIX}/oauth/token", oauth_token, methods=["POST"]),
    Route(f"{PREFIX}/patrons", endpoint(list_patrons, "patrons.list"), methods=["GET"]),
    Route(
        f"{PREFIX}/patrons/{{patron_id}}",
        endpoint(get_patron, "patrons.get"),
        methods=["GET"],
    ),
    Route(
        f"{PREFIX}/auth/password/validation",
        endpoint(validate_password, "auth.password"),
        methods=["POST"],
    ),
    Route(
        f"{PREFIX}/checkouts",
        endpoint(list_checkouts, "checkouts.list"),
        methods=["GET"],
    ),
    Route(
        f"{PREFIX}/checkouts/{{checkout_id}}",
        endpoint(get_checkout, "checkouts.get"),
        methods=["GET"],
    ),
    Route(
        f"{PREFIX}/checkouts/{{checkout_id}}/allows_renewal",
        endpoint(allows_renewal, "checkouts.allows_renewal"),
        methods=["GET"],
    ),
    *(
        Route(
            f"{PREFIX}/checkouts/{{checkout_id}}/{name}",
            endpoint(renew, "checkouts.renewal"),
            methods=["POST"],
        )
        for name in ("renewal", "renewals")
    ),
    Route(f"{PREFIX}/items", endpoint(list_items, "items.list"), methods=["GET"]),
    Route(f"{PREFIX}/biblios", endpoint(list_biblios, "biblios.list"), methods=["GET"]),
    Route(
        f"{PREFIX}/biblios/{{biblio_id}}",
        endpoint(get_biblio, "biblios.get"),
        methods=["GET"],
    ),
]
