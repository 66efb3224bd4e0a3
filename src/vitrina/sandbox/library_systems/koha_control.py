"""Control of the emulated Koha under ``/sandbox/control/koha``: generate its data, find
patrons with their loans, return or renew a loan as at the desk, read the credentials."""

from __future__ import annotations

import json
import time

from starlette.requests import Request
from starlette.routing import Route

from ..common import Json, world_of
from .koha import PREFIX, checkout_json
from .koha_data import BOOKS, Checkout, KohaData, Patron, Refused

KINDS = ("debarred", "locked", "password_expired", "overdue", "on_hold", "too_many", "renewable")
MAX_PATRONS = 200_000
MAX_LOANS = 1_000_000


async def _json(request: Request) -> dict:
    body = await request.body()
    if not body:
        return {}
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


def title_of(checkout: Checkout) -> str:
    title, _, author, *_ = BOOKS[checkout.biblio_id - 1]
    return f"{author.split(',')[0]}. {title}"


def loan_json(koha: KohaData, checkout: Checkout) -> dict:
    refusal = koha.renewal_refusal(checkout)
    return {
        "checkout_id": checkout.checkout_id,
        "item_id": checkout.item_id,
        "barcode": checkout.barcode,
        "title": title_of(checkout),
        "due_date": checkout.due_date.isoformat(timespec="seconds"),
        "due": checkout.due_date.date().isoformat(),
        "renewals": checkout.renewals_count,
        "on_hold": checkout.on_hold,
        "overdue": checkout.checkin_date is None and checkout.due_date < koha.now(),
        "returned": checkout.checkin_date is not None,
        "refusal": refusal or None,
    }


def patron_json(koha: KohaData, patron: Patron) -> dict:
    return {
        "patron_id": patron.patron_id,
        "card": patron.cardnumber,
        "surname": patron.surname,
        "firstname": patron.firstname,
        "userid": patron.userid,
        "password": patron.password,
        "debarred": patron.debarred,
        "locked": patron.locked,
        "password_expired": patron.password_expired,
        "loans": [loan_json(koha, c) for c in koha.patron_loans(patron.patron_id)],
        "returned": len(koha.old_by_patron.get(patron.patron_id, [])),
    }


def of_kind(koha: KohaData, patron: Patron, kind: str) -> bool:
    if kind in ("debarred", "locked", "password_expired"):
        return getattr(patron, kind)
    if patron.debarred or patron.locked or patron.password_expired:
        return False
    loans = koha.patron_loans(patron.patron_id)
    now = koha.now()
    if kind == "overdue":
        return any(c.due_date < now for c in loans)
    if kind == "on_hold":
        return any(koha.renewal_refusal(c) == "on_reserve" for c in loans)
    if kind == "too_many":
        return any(koha.renewal_refusal(c) == "too_many" for c in loans)
    return any(not koha.renewal_refusal(c) for c in loans)


async def generate(request: Request):
    world = world_of(request)
    try:
        data = await _json(request)
        patrons = int(data.get("patrons", 300))
        loans = int(data.get("loans", patrons * 3))
        seed = int(data.get("seed", world.seed))
        zone = str(data.get("zone") or "Europe/Moscow")
        if not (0 <= patrons <= MAX_PATRONS and 0 <= loans <= MAX_LOANS):
            raise ValueError(f"at most {MAX_PATRONS} patrons and {MAX_LOANS} loans")
        started = time.perf_counter()
        world.koha.generate(seed, patrons, loans, zone=zone)
    except (TypeError, ValueError, KeyError) as exc:
        return Json({"error": str(exc) or "bad parameters"}, 400)
    koha = world.koha
    return Json(
        {
            "patrons": len(koha.patrons),
            "loans": len(koha.checkouts),
            "returned": len(koha.old_checkouts),
            "seed": seed,
            "zone": zone,
            "seconds": round(time.perf_counter() - started, 3),
        },
        201,
    )


async def patrons(request: Request):
    koha = world_of(request).koha.ensure()
    params = request.query_params
    card = params.get("card", "").strip()
    kind = params.get("kind", "")
    if kind and kind not in KINDS:
        return Json({"error": f"kind must be one of {', '.join(KINDS)}"}, 400)
    try:
        limit = max(1, min(int(params.get("limit", 50)), 1000))
    except ValueError:
        return Json({"error": "limit must be a number"}, 400)
    if card:
        patron = koha.by_card.get(card) or koha.by_card.get(card.upper())
        found = [patron] if patron else []
    else:
        found = []
        for patron in koha.patrons.values():
            if not kind or of_kind(koha, patron, kind):
                found.append(patron)
                if len(found) >= limit:
                    break
    return Json({"count": len(found), "patrons": [patron_json(koha, p) for p in found]})


async def give_back(request: Request):
    koha = world_of(request).koha.ensure()
    try:
        data = await _json(request)
        checkout = koha.check_in(int(data.get("checkout_id")))
    except (TypeError, ValueError):
        return Json({"error": "checkout_id must be a number"}, 400)
    except KeyError:
        return Json({"error": "no current checkout with this id"}, 404)
    return Json(checkout_json(koha, checkout))


async def renew(request: Request):
    """A renewal at the desk: Koha's own rules, the same as through the API."""
    koha = world_of(request).koha.ensure()
    try:
        data = await _json(request)
        checkout = koha.renew(int(data.get("checkout_id")))
    except (TypeError, ValueError):
        return Json({"error": "checkout_id must be a number"}, 400)
    except KeyError:
        return Json({"error": "no checkout with this id"}, 404)
    except Refused as refusal:
        return Json({"error": "renewal refused", "code": refusal.code}, 409)
    return Json(checkout_json(koha, checkout))


def credentials_json(request: Request, koha: KohaData) -> dict:
    (client_id, client), (kiosk_id, kiosk) = list(koha.clients.items())[:2]
    return {
        "url": str(request.base_url).rstrip("/") + PREFIX.removesuffix("/api/v1"),
        "username": "vitrina",
        "password": koha.users["vitrina"]["password"],
        "client_id": client_id,
        "client_secret": client["secret"],
        # A staff account allowed the catalogue only, to see a missing permission.
        "limited": {
            "username": "opac-kiosk",
            "password": koha.users["opac-kiosk"]["password"],
            "client_id": kiosk_id,
            "client_secret": kiosk["secret"],
        },
    }


async def credentials(request: Request):
    return Json(credentials_json(request, world_of(request).koha))


SETTINGS = {
    "old_embeds": bool,
    "basic_auth": bool,
    "overdues_block": str,
    "no_renewal_before": int,
}


async def settings(request: Request):
    """Koha's switches: ``old_embeds`` answers like Koha before 24.05 (no ``item`` embed
    on checkouts), ``basic_auth`` is RESTBasicAuth, ``overdues_block`` is
    OverduesBlockRenewing (``allow``, ``block``, ``blockitem``), ``no_renewal_before`` the
    days before due a loan may first be renewed; ``expire_tokens`` ends every OAuth2 token."""
    koha = world_of(request).koha
    try:
        data = await _json(request)
        unknown = set(data) - set(SETTINGS) - {"expire_tokens"}
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        values = {name: SETTINGS[name](data[name]) for name in SETTINGS if name in data}
        if values.get("overdues_block", "allow") not in ("allow", "block", "blockitem"):
            raise ValueError("overdues_block must be allow, block or blockitem")
    except (TypeError, ValueError) as exc:
        return Json({"error": str(exc)}, 400)
    for name, value in values.items():
        setattr(koha, name, value)
    if data.get("expire_tokens"):
        koha.tokens.clear()
    return Json({**{name: getattr(koha, name) for name in SETTINGS}, "tokens": len(koha.tokens)})


routes = [
    Route("/sandbox/control/koha/generate", generate, methods=["POST"]),
    Route("/sandbox/control/koha/patrons", patrons, methods=["GET"]),
    Route("/sandbox/control/koha/return", give_back, methods=["POST"]),
    Route("/sandbox/control/koha/renew", renew, methods=["POST"]),
    Route("/sandbox/control/koha/credentials", credentials, methods=["GET"]),
    Route("/sandbox/control/koha/settings", settings, methods=["POST"]),
]
