"""The human page at ``/sandbox/``: what each emulated network holds, in Russian, so a
librarian sees her post «appear on VK» while she learns the product offline."""

import html
import zoneinfo
from datetime import UTC, datetime

from django.utils import translation
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from vitrina.core import timeplace

from .common import world_of
from .control import profile_url
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
    dialogs = sorted(account.dialogs.items(), key=lambda item: -item[1][-1]["date"])[:10]
    if dialogs:
        parts.append("<h3>Личные сообщения</h3>")
    for _, messages in dialogs:
        for message in messages[-3:]:
            who = (
                f"{message['first_name']} {message['last_name']}"
                if message.get("incoming")
                else "Библиотека"
            )
            css = "in" if message.get("incoming") else "out"
            parts.append(
                f'<p class="msg {css}">{when(message["date"], zone)} <b>{esc(who)}</b>: '
                f"{esc(message['text'])}</p>"
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
        '<a href="/sandbox/koha/">Koha: читатели и выдачи</a></nav>'
        f"{zone_form(zone, network)}"
        f"</header><main>{body}</main></body></html>"
    )
    return HTMLResponse(page)


async def style(request: Request):
    return Response(STYLE, media_type="text/css")
