"""OAuth emulation: VK ID (authorisation code with PKCE, refresh tokens, one-hour access
tokens) under ``/vkid`` and OK (authorisation code) under ``/ok/connect`` and
``/ok/oauth/token.do``. The consent page shows one «Разрешить» button; tests skip it with
``sandbox_auto=1``."""

import base64
import hashlib
import html
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from .common import Json, read_params, world_of
from .state import derive

VK_TTL = 3600.0
OK_TTL = 1800.0
OK_LONG_TTL = 30 * 86400.0
CODE_TTL = 600.0

PAGE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/sandbox/style.css"></head>
<body><main class="consent"><h1>{title}</h1>
<p>Приложение <b>{client}</b> запрашивает доступ: {scope}.</p>
<p>Вход как <b>{user}</b> (песочница Витрины, настоящие данные не передаются).</p>
<form method="post" action="{action}">{fields}
<button type="submit" name="decision" value="allow">Разрешить</button>
<button type="submit" name="decision" value="deny">Отмена</button>
</form></main></body></html>"""


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def oauth_error(error: str, description: str, status: int = 400) -> Json:
    return Json({"error": error, "error_description": description}, status_code=status)


def _consent(request: Request, params: dict, network: str, title: str, action: str):
    world = world_of(request)
    if not params.get("redirect_uri", "").startswith(("http://", "https://")):
        return HTMLResponse("<h1>redirect_uri is invalid</h1>", status_code=400)
    default_user = {"vk": "547852393", "ok": "561588730013"}[network]
    user = params.get("sandbox_user") or default_user
    if params.get("sandbox_auto") == "1" or params.get("decision") in ("allow", "deny"):
        separator = "&" if "?" in params["redirect_uri"] else "?"
        if params.get("decision") == "deny":
            query = {"error": "access_denied", "state": params.get("state", "")}
            return RedirectResponse(params["redirect_uri"] + separator + urlencode(query), 302)
        code = derive(world.seed, "code", network, world.next_id(), length=40)
        world.codes[code] = {
            "network": network,
            "user": user,
            "client_id": params.get("client_id", ""),
            "redirect_uri": params["redirect_uri"],
            "challenge": params.get("code_challenge", ""),
            "scope": params.get("scope", ""),
            "expires": world.now() + CODE_TTL,
        }
        query = {"code": code, "state": params.get("state", "")}
        if network == "vk":
            query.update(device_id=derive(world.seed, "device", user, length=24), type="code_v2")
        return RedirectResponse(params["redirect_uri"] + separator + urlencode(query), 302)
    fields = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
        if k != "decision"
    )
    page = PAGE.format(
        title=title,
        client=html.escape(params.get("client_id", "")),
        scope=html.escape(params.get("scope", "") or "стена, статистика"),
        user=html.escape(user),
        action=action,
        fields=fields,
    )
    return HTMLResponse(page)


async def vk_authorize(request: Request):
    params, _ = await read_params(request)
    if request.method == "GET" and params.get("code_challenge_method", "S256") != "S256":
        return HTMLResponse("<h1>code_challenge_method must be S256</h1>", status_code=400)
    if request.method == "GET" and not params.get("code_challenge"):
        return HTMLResponse("<h1>code_challenge is required</h1>", status_code=400)
    return _consent(request, params, "vk", "Вход через VK ID", "/vkid/authorize")


def _token_body(token, state: str = "", **extra) -> dict:
    return {
        "access_token": token.value,
        "refresh_token": token.refresh,
        "token_type": "Bearer",
        "expires_in": int(VK_TTL),
        "user_id": int(token.subject),
        "state": state,
        "scope": token.scope,
        **extra,
    }


async def vk_token(request: Request):
    world = world_of(request)
    params, _ = await read_params(request)
    grant = params.get("grant_type")
    if grant == "authorization_code":
        code = world.codes.pop(params.get("code", ""), None)
        if code is None or code["network"] != "vk" or code["expires"] < world.now():
            return oauth_error("invalid_grant", "code is invalid or expired")
        if params.get("client_id") != code["client_id"]:
            return oauth_error("invalid_client", "client_id does not match the code")
        if params.get("redirect_uri") != code["redirect_uri"]:
            return oauth_error("invalid_grant", "redirect_uri does not match the code")
        if challenge_of(params.get("code_verifier", "")) != code["challenge"]:
            return oauth_error("invalid_grant", "code_verifier is invalid")
        token = world.issue_user_token("vk", code["user"], VK_TTL, code["scope"])
        return Json(
            _token_body(token, params.get("state", ""), id_token=derive(world.seed, token.value))
        )
    if grant == "refresh_token":
        for token in list(world.tokens.values()):
            if (
                token.network == "vk"
                and token.refresh
                and token.refresh == params.get("refresh_token")
            ):
                token.refresh = None
                fresh = world.issue_user_token("vk", token.subject, VK_TTL, token.scope)
                return Json(_token_body(fresh, params.get("state", "")))
        return oauth_error("invalid_grant", "refresh_token is invalid or used")
    return oauth_error("unsupported_grant_type", "grant_type is not supported")


async def ok_authorize(request: Request):
    params, _ = await read_params(request)
    return _consent(
        request, params, "ok", "Вход через Одноклассники", "/ok/connect/oauth/authorize"
    )


async def ok_token(request: Request):
    world = world_of(request)
    params, _ = await read_params(request)
    app = world.ok_app
    if params.get("client_id") != app["client_id"] or params.get("client_secret") != app["secret"]:
        return oauth_error("invalid_client", "client_id or client_secret is invalid")
    grant = params.get("grant_type")
    if grant == "authorization_code":
        code = world.codes.pop(params.get("code", ""), None)
        if code is None or code["network"] != "ok" or code["expires"] < world.now():
            return oauth_error("invalid_grant", "code is invalid or expired")
        if params.get("redirect_uri") != code["redirect_uri"]:
            return oauth_error("invalid_grant", "redirect_uri does not match the code")
        scope = code["scope"].replace(",", ";")
        ttl = OK_LONG_TTL if "LONG_ACCESS_TOKEN" in scope else OK_TTL
        token = world.issue_user_token("ok", code["user"], ttl, scope)
    elif grant == "refresh_token":
        found = [
            t
            for t in world.tokens.values()
            if t.network == "ok" and t.refresh and t.refresh == params.get("refresh_token")
        ]
        if not found:
            return oauth_error("invalid_grant", "refresh_token is invalid")
        ttl = OK_LONG_TTL if "LONG_ACCESS_TOKEN" in found[0].scope else OK_TTL
        token = world.issue_user_token("ok", found[0].subject, ttl, found[0].scope)
        token.refresh = found[0].refresh
        found[0].refresh = None
    else:
        return oauth_error("unsupported_grant_type", "grant_type is not supported")
    return Json(
        {
            "access_token": token.value,
            "token_type": "session",
            "refresh_token": token.refresh,
            "expires_in": str(int(token.expires_at - world.now())),
        }
    )


routes = [
    Route("/vkid/authorize", vk_authorize, methods=["GET", "POST"]),
    Route("/vkid/oauth2/auth", vk_token, methods=["POST"]),
    Route("/ok/connect/oauth/authorize", ok_authorize, methods=["GET", "POST"]),
    Route("/ok/oauth/token.do", ok_token, methods=["POST"]),
]
