"""The human page at ``/sandbox/``: what each emulated network holds, in Russian, so a
librarian sees her post «appear on VK» while she learns the product offline."""

import html
import zoneinfo
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.utils import translation
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from vitrina.core import timeplace

from .common import world_of
from .control import dialog_act, profile_url
from .networks import emulator, emulators

# A wall is read by anyone, so its times always say their zone; ``?zone=`` shows the walls
# on a library's clock, as a reader there sees them.
DEFAULT_ZONE = "Europe/Moscow"

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f3f4f6;color:#1f2937}
header{background:#1e3a5f;color:#fff;padding:12px 24px}header a{color:#cfe0ff}
main{max-width:980px;margin:0 auto;padding:16px}
nav a{margin-right:12px}
section.account{background:#fff;border-radius:8px;padding:16px;margin:16px 0;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
.net{display:inline-block;font-size:12px;padding:2px 8px;border-radius:10px;background:#e5e7eb}
.vk{background:#dbeafe}.ok{background:#ffedd5}.telegram{background:#e0f2fe}.max{background:#ede9fe}
article{border-top:1px solid #e5e7eb;padding:8px 0}
.figures{color:#6b7280;font-size:13px}.muted{color:#6b7280}
.comment{margin-left:16px;font-size:14px}.msg{font-size:14px;margin:4px 0}
.in{color:#065f46}.out{color:#1e40af}
.consent{background:#fff;max-width:480px;margin:64px auto;padding:24px;border-radius:8px}
button{padding:8px 16px;margin-right:8px}
form.zone{margin-top:8px}form.zone button{padding:2px 10px}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 6px;
border-top:1px solid #e5e7eb;vertical-align:top}form.inline{display:inline}
form.inline button{padding:2px 8px;margin:2px}.notice{background:#ecfdf5;padding:8px 12px}
.bubble{border-radius:8px;padding:8px 12px;margin:8px 0;max-width:70%}
.bubble.in{background:#ecfdf5;margin-right:auto}.bubble.out{background:#eff6ff;margin-left:auto}
.keys form,.keys a{display:inline-block;margin:4px 4px 0 0}
.keys button,.keys a{padding:4px 10px;border:1px solid #93c5fd;border-radius:6px;background:#fff;
color:#1e40af;text-decoration:none;font-size:14px}
form.act{margin:8px 0}form.act input[type=text]{padding:6px;width:60%}
.error{color:#b91c1c}
"""


def when(moment: float, zone: str) -> str:
    with translation.override("ru"):
        return timeplace.format_at_place(datetime.fromtimestamp(moment, UTC), zone, label=True)


def zone_asked(request: Request) -> str:
    zone = request.query_params.get("zone", "")
    return zone if zone in zoneinfo.available_timezones() else DEFAULT_ZONE


def zone_form(zone: str, network: str | None) -> str:
    """A plain GET form (no script): the zone the walls are shown in."""
    with translation.override("ru"):
        options = "".join(
            f'<option value="{name}"{" selected" if name == zone else ""}>'
            f"{esc(timeplace.zone_name(name))}</option>"
            for name in timeplace.RUSSIA
        )
    keep = f'<input type="hidden" name="network" value="{esc(network)}">' if network else ""
    return (
        f'<form method="get" class="zone">{keep}<label>Время показано '
        f'<select name="zone">{options}</select></label> <button type="submit">Показать</button>'
        "</form>"
    )


def esc(value) -> str:
    return html.escape(str(value))


def render_account(world, account, zone: str = DEFAULT_ZONE) -> str:
    world.catch_up(account)
    now = world.now()
    posts = [p for p in reversed(account.live_posts()) if p.date <= now][:20]
    url = profile_url(account)
    parts = [
        f'<section class="account" id="{esc(account.key)}">',
        f'<span class="net {account.network}">{emulator(account.network).title}</span>',
        f"<h2>{esc(account.name)}</h2>",
        f'<p class="muted">{esc(url)} · id {account.external_id} · '
        f"подписчиков: {world.members(account)} · записей: {len(account.live_posts())}</p>",
        "<h3>Записи</h3>" if posts else '<p class="muted">Записей пока нет.</p>',
    ]
    for post in posts:
        figures = world.figures(account, post)
        extras = []
        if post.photos:
            extras.append(f"фото: {len(post.photos)}")
        if post.poll:
            extras.append(f"опрос «{esc(post.poll.get('question', ''))}»")
        if post.link:
            extras.append(f"ссылка {esc(post.link)}")
        parts.append(
            f'<article id="{esc(account.key)}-{post.id}">'
            f"<div class=muted>{when(post.date, zone)}"
            f"{' · ' + ' · '.join(extras) if extras else ''}</div>"
            f"<p>{esc(post.text) or '<i>без текста</i>'}</p>"
            f'<div class="figures">просмотры {figures["views"]} · нравится {figures["likes"]}'
            f" · репосты {figures['reposts']} · комментарии {figures['comments']}</div>"
        )
        for comment in post.comments[-5:]:
            author = f"{comment['first_name']} {comment['last_name']}".strip()
            parts.append(f'<div class="comment"><b>{esc(author)}</b>: {esc(comment["text"])}</div>')
        parts.append("</article>")
    dialogs = sorted(
        ((key, messages) for key, messages in account.dialogs.items() if messages),
        key=lambda item: -item[1][-1]["date"],
    )[:10]
    if dialogs or account.dialog_state:
        query = urlencode({"account": account.key})
        parts.append(
            f'<h3>Личные сообщения</h3><p><a href="/sandbox/dialogs?{query}">'
            f"Все диалоги с читателями ({len(account.dialog_state)})</a></p>"
        )
    for reader, messages in dialogs:
        for message in messages[-3:]:
            who = (
                f"{message.get('first_name', '')} {message.get('last_name', '')}"
                if message.get("incoming")
                else "Библиотека"
            )
            css = "in" if message.get("incoming") else "out"
            parts.append(
                f'<p class="msg {css}">{when(message["date"], zone)} <b>{esc(who)}</b>: '
                f"{esc(message['text'])}</p>"
            )
        parts.append(
            f'<p class="msg"><a href="{dialog_url(account, reader)}">Открыть диалог</a></p>'
        )
    parts.append("</section>")
    return "".join(parts)


async def index(request: Request):
    world = world_of(request)
    network = request.query_params.get("network")
    zone = zone_asked(request)
    accounts = [a for a in world.accounts.values() if network in (None, a.network)]
    nav = " ".join(
        f'<a href="?network={e.network}&amp;zone={zone}">{e.title}</a>' for e in emulators()
    )
    body = "".join(render_account(world, a, zone) for a in accounts)
    page = (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        "<title>Песочница соцсетей — Витрина</title>"
        '<link rel="stylesheet" href="/sandbox/style.css"></head><body>'
        "<header><h1>Песочница соцсетей</h1><p>Здесь видно, что «опубликовалось» во ВКонтакте, "
        "Одноклассниках, Telegram и MAX. Это учебная копия: настоящие соцсети не затрагиваются. "
        f"Время песочницы: {when(world.now(), zone)}.</p>"
        f'<nav><a href="/sandbox/?zone={zone}">Все</a> {nav} '
        '<a href="/sandbox/irbis/">ИРБИС64</a> '
        '<a href="/sandbox/koha/">Koha: читатели и выдачи</a></nav>'
        f"{zone_form(zone, network)}"
        f"</header><main>{body}</main></body></html>"
    )
    return HTMLResponse(page)


PAGE_HEAD = (
    '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
    "<title>{title} — песочница соцсетей</title>"
    '<link rel="stylesheet" href="/sandbox/style.css"></head><body>'
    '<header><h1>{title}</h1><p><a href="/sandbox/">← Песочница соцсетей</a></p></header><main>'
)
STATES = {
    (True, False): "может писать читателю",
    (False, True): "читатель запретил сообщения",
    (False, False): "читатель ещё не писал",
}
# What each network calls the reader's acts, for the buttons of the dialog page.
STOP_WORDS = {"vk": "Запретить сообщения от сообщества", "telegram": "Заблокировать бота"}


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html_page = PAGE_HEAD.format(title=esc(title)) + body + "</main></body></html>"
    return HTMLResponse(html_page, status_code=status)


def dialog_url(account, reader) -> str:
    return "/sandbox/dialog?" + urlencode({"account": account.key, "reader": reader})


def act_form(account, reader, action: str, label: str, fields: str = "") -> str:
    """A plain POST form (no script) for one act of the reader."""
    return (
        f'<form method="post" action="/sandbox/dialog" class="act">'
        f'<input type="hidden" name="account" value="{esc(account.key)}">'
        f'<input type="hidden" name="reader" value="{esc(reader)}">'
        f'<input type="hidden" name="action" value="{action}">{fields}'
        f'<button type="submit">{esc(label)}</button></form>'
    )


async def dialogs(request: Request):
    """The account's dialogs with readers, latest first, and a form to open a new one."""
    world = world_of(request)
    account = world.accounts.get(request.query_params.get("account", ""))
    if account is None:
        return page("Нет такого аккаунта", '<p class="error">Аккаунт не найден.</p>', 404)
    zone = zone_asked(request)
    keys = sorted(
        account.dialog_state,
        key=lambda key: -(account.dialogs.get(key) or [{"date": 0}])[-1]["date"],
    )
    rows = []
    for key in keys[:200]:
        state = account.dialog_state[key]
        messages = account.dialogs.get(key) or []
        last = messages[-1] if messages else None
        rows.append(
            f'<tr><td><a href="{dialog_url(account, key)}">{esc(state["first_name"])} '
            f"{esc(state['last_name'])}</a></td><td>{esc(key)}</td>"
            f"<td>{STATES.get((state['allowed'], state['stopped']), '')}</td>"
            f"<td>{esc(last['text'][:80]) if last else '—'}</td>"
            f"<td>{when(last['date'], zone) if last else ''}</td></tr>"
        )
    more = (
        f'<p class="muted">Показаны 200 последних из {len(keys)} диалогов.</p>'
        if len(keys) > 200
        else ""
    )
    table = (
        "<table><tr><th>Читатель</th><th>id</th><th>Состояние</th><th>Последнее сообщение</th>"
        f"<th>Когда</th></tr>{''.join(rows)}</table>{more}"
        if rows
        else '<p class="muted">Диалогов пока нет.</p>'
    )
    start = (
        '<h3>Открыть диалог как читатель</h3><form method="get" action="/sandbox/start" '
        f'class="act"><input type="hidden" name="account" value="{esc(account.key)}">'
        '<label>Код из ссылки (необязательно) <input type="text" name="start"></label> '
        '<button type="submit">Перейти</button></form>'
    )
    title = f"Диалоги: {account.name}"
    return page(title, f'<section class="account">{table}{start}</section>')


async def start(request: Request):
    """Where a deep link leads in the demo: the reader says who they are and opens the
    dialog with the link's payload."""
    world = world_of(request)
    account = world.accounts.get(request.query_params.get("account", ""))
    if account is None:
        return page("Нет такого аккаунта", '<p class="error">Аккаунт не найден.</p>', 404)
    payload = request.query_params.get("start", "")[:256]
    fields = (
        f'<input type="hidden" name="payload" value="{esc(payload)}">'
        '<p><label>Ваш id в сети (любое число) <input type="text" name="reader" '
        'value="100500" inputmode="numeric"></label></p>'
        '<p><label>Имя <input type="text" name="first_name" value="Анна"></label> '
        '<label>Фамилия <input type="text" name="last_name" value="Кузнецова"></label></p>'
    )
    form = (
        '<form method="post" action="/sandbox/dialog" class="act">'
        f'<input type="hidden" name="account" value="{esc(account.key)}">'
        f'<input type="hidden" name="action" value="start">{fields}'
        '<button type="submit">Начать диалог</button></form>'
    )
    code = f" с кодом «{esc(payload)}»" if payload else ""
    body = (
        f'<section class="account"><p>Вы открыли ссылку на диалог с «{esc(account.name)}»'
        f"{code}. В настоящей сети вас узнают сами; здесь укажите, каким читателем "
        f"вы будете.</p>{form}</section>"
    )
    return page(f"Диалог с {account.name}", body)


def render_dialog(world, account, reader: str, zone: str, problem: str = "") -> str:
    state = account.dialog_state.get(reader) or {}
    parts = [
        '<section class="account">',
        f'<p class="error">{esc(problem)}</p>' if problem else "",
        f"<p><b>{esc(state.get('first_name', ''))} {esc(state.get('last_name', ''))}</b> "
        f"(id {esc(reader)}) · "
        f"{STATES.get((bool(state.get('allowed')), bool(state.get('stopped'))), '')}</p>",
    ]
    messages = account.dialogs.get(reader) or []
    if not messages:
        parts.append('<p class="muted">Сообщений пока нет.</p>')
    for message in messages[-100:]:
        incoming = message.get("incoming")
        who = "Вы" if incoming else esc(account.name)
        parts.append(
            f'<div class="bubble {"in" if incoming else "out"}"><div class="muted">{who} · '
            f"{when(message['date'], zone)}</div><div>{esc(message['text'])}</div>"
        )
        keys = []
        for button in message.get("buttons") or []:
            if button.get("url"):
                keys.append(
                    f'<a href="{esc(button["url"])}" rel="noopener">{esc(button["label"])} ↗</a>'
                )
            elif button.get("payload"):
                keys.append(
                    act_form(
                        account,
                        reader,
                        "press",
                        button["label"],
                        f'<input type="hidden" name="payload" value="{esc(button["payload"])}">'
                        f'<input type="hidden" name="message_id" value="{message["id"]}">',
                    )
                )
        if keys:
            parts.append(f'<div class="keys">{"".join(keys)}</div>')
        parts.append("</div>")
    parts.append(
        act_form(
            account,
            reader,
            "write",
            "Отправить",
            '<input type="text" name="text" placeholder="Сообщение библиотеке" required> ',
        )
    )
    parts.append(
        act_form(
            account,
            reader,
            "start",
            "Открыть по ссылке",
            '<input type="text" name="payload" placeholder="код из ссылки"> ',
        )
    )
    if account.network == "vk":
        parts.append(
            act_form(
                account,
                reader,
                "allow",
                "Разрешить сообщения от сообщества",
                '<input type="text" name="payload" placeholder="ключ (необязательно)"> ',
            )
        )
    stop = STOP_WORDS.get(account.network, "Остановить бота")
    parts.append(act_form(account, reader, "deny" if account.network == "vk" else "stop", stop))
    parts.append("</section>")
    return "".join(parts)


def _reader(value) -> str | None:
    value = str(value or "").strip()
    return value if value.isdigit() and 0 < int(value) < 10**15 else None


async def dialog(request: Request):
    """A reader's dialog with the account: its messages with their buttons, and forms to
    write, open the deep link, press a button, deny messages or stop the bot."""
    world = world_of(request)
    zone = zone_asked(request)
    if request.method == "POST":
        form = await request.form()
        data = {key: str(value) for key, value in form.items()}
    else:
        data = dict(request.query_params)
    account = world.accounts.get(data.get("account", ""))
    if account is None:
        return page("Нет такого аккаунта", '<p class="error">Аккаунт не найден.</p>', 404)
    reader = _reader(data.get("reader"))
    title = f"Диалог с {account.name}"
    if reader is None:
        problem = "Укажите id читателя — целое положительное число."
        return page(title, f'<p class="error">{problem}</p>', 400)
    if request.method == "GET":
        if reader not in account.dialog_state:
            body = (
                '<section class="account"><p class="muted">Этот читатель ещё не открывал '
                "диалог.</p>" + act_form(account, reader, "start", "Начать диалог") + "</section>"
            )
            return page(title, body)
        return page(title, render_dialog(world, account, reader, zone))
    data["reader_id"] = int(reader)
    answer, status = dialog_act(world, account, int(reader), data)
    if status >= 400:
        problems = {
            "text is required to write": "Напишите текст сообщения.",
            "the reader's dialog has no button with this payload": "Такой кнопки в диалоге нет.",
        }
        problem = problems.get(answer.get("error"), "Действие не выполнено.")
        return page(title, render_dialog(world, account, reader, zone, problem), 400)
    return RedirectResponse(dialog_url(account, reader), status_code=303)


async def style(request: Request):
    return Response(STYLE, media_type="text/css")
