"""The human page of the emulated Koha at ``/sandbox/koha/``: readers and their loans, with
«Вернуть» and «Продлить на кафедре» as plain forms, so a librarian in the demo can return a
book at the desk and see that no reminder about it follows."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from ..common import world_of
from ..pages import esc
from .koha_control import title_of
from .koha_data import RENEWALS_ALLOWED, Refused

SHOWN = 50

REFUSALS = {
    "too_many": "продлений больше не осталось",
    "on_reserve": "на книгу есть бронь другого читателя",
    "restriction": "у читателя ограничение, продлевать нельзя",
    "onsite_checkout": "выдана в читальный зал",
    "no_checkout": "книга уже возвращена",
    "too_soon": "продлевать ещё рано",
}


def _date(moment) -> str:
    return moment.strftime("%d.%m.%Y")


def _form(action: str, checkout_id: int, card: str, label: str) -> str:
    return (
        f'<form method="post" action="/sandbox/koha/{action}" class="inline">'
        f'<input type="hidden" name="checkout_id" value="{checkout_id}">'
        f'<input type="hidden" name="card" value="{esc(card)}">'
        f'<button type="submit">{label}</button></form>'
    )


async def page(request: Request):
    koha = world_of(request).koha.ensure()
    card = request.query_params.get("card", "").strip()
    if card:
        patron = koha.by_card.get(card) or koha.by_card.get(card.upper())
        patrons = [patron] if patron else []
    else:
        patrons = list(koha.patrons.values())[:SHOWN]
    notice = ""
    done = request.query_params.get("done", "")
    if done == "returned":
        notice = "Книга возвращена. Напоминание о ней читателю больше не придёт."
    elif done == "renewed":
        notice = "Книга продлена, новый срок виден в списке."
    elif done == "refused":
        reason = REFUSALS.get(request.query_params.get("code", ""), "Koha отказала")
        notice = f"Продлить нельзя: {esc(reason)}."
    elif done == "missing":
        notice = "Такой выдачи уже нет."
    now = koha.now()
    parts = []
    for patron in patrons:
        loans = koha.patron_loans(patron.patron_id)
        marks = []
        if patron.debarred:
            marks.append("ограничение")
        if patron.locked:
            marks.append("вход заблокирован")
        if patron.password_expired:
            marks.append("пароль устарел")
        parts.append(
            f'<section class="account" id="{esc(patron.cardnumber)}">'
            f"<h2>{esc(patron.surname)} {esc(patron.firstname)}</h2>"
            f'<p class="muted">билет {esc(patron.cardnumber)} · пароль {esc(patron.password)}'
            f"{' · ' + ', '.join(marks) if marks else ''}</p>"
        )
        if not loans:
            parts.append('<p class="muted">Книг на руках нет.</p></section>')
            continue
        parts.append("<table><tr><th>Книга</th><th>Вернуть до</th><th>Продлений</th><th></th></tr>")
        for checkout in loans:
            state = []
            if checkout.due_date < now:
                state.append("просрочена")
            refusal = koha.renewal_refusal(checkout)
            if refusal in ("on_reserve", "too_many"):
                state.append(REFUSALS[refusal])
            parts.append(
                f"<tr><td>{esc(title_of(checkout))}"
                f'<div class="muted">{esc(checkout.barcode)}'
                f"{' · ' + ', '.join(state) if state else ''}</div></td>"
                f"<td>{_date(checkout.due_date)}</td>"
                f"<td>{checkout.renewals_count} из {RENEWALS_ALLOWED}</td>"
                f"<td>{_form('return', checkout.checkout_id, patron.cardnumber, 'Вернуть')}"
                f"{_form('renew', checkout.checkout_id, patron.cardnumber, 'Продлить на кафедре')}"
                "</td></tr>"
            )
        parts.append("</table></section>")
    if not patrons:
        parts.append('<p class="muted">Читателя с таким билетом нет.</p>')
    html = (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        "<title>Koha — песочница Витрины</title>"
        '<link rel="stylesheet" href="/sandbox/style.css"></head><body>'
        "<header><h1>Koha: выдачи читателям</h1><p>Учебная копия библиотечной системы: "
        f"читателей {len(koha.patrons)}, книг на руках {len(koha.checkouts)}. Здесь можно "
        "вернуть книгу или продлить её, как на кафедре выдачи.</p>"
        '<nav><a href="/sandbox/">Соцсети</a> <a href="/sandbox/koha/">Первые читатели</a></nav>'
        '<form method="get" class="zone"><label>Номер билета '
        f'<input name="card" value="{esc(card)}" placeholder="K0000001"></label> '
        '<button type="submit">Найти</button></form></header><main>'
        f"{f'<p class=notice>{notice}</p>' if notice else ''}{''.join(parts)}</main></body></html>"
    )
    return HTMLResponse(html)


async def act(request: Request):
    koha = world_of(request).koha.ensure()
    form = await request.form()
    card = str(form.get("card") or "")
    action = request.path_params["action"]
    query = {"card": card} if card else {}
    try:
        checkout_id = int(str(form.get("checkout_id") or ""))
        if action == "return":
            koha.check_in(checkout_id)
            query["done"] = "returned"
        else:
            koha.renew(checkout_id)
            query["done"] = "renewed"
    except (ValueError, KeyError):
        query["done"] = "missing"
    except Refused as refusal:
        query.update(done="refused", code=refusal.code)
    return RedirectResponse(f"/sandbox/koha/?{urlencode(query)}", status_code=303)


routes = [
    Route("/sandbox/koha/", page, methods=["GET"]),
    Route("/sandbox/koha/{action:str}", act, methods=["POST"]),
]
