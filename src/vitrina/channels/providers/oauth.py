"""OAuth flows of the networks: VK ID (authorisation code with PKCE S256) and OK.

Pure of Django: a provider's ``oauth_flow()`` builds its flow from settings; the views keep
``state`` and what ``start`` returns in the session, and store the resulting ``TokenSet``.
Every flow answers the same three calls (``OAuthFlow``), so connecting a channel needs no
knowledge of which network it is.
"""

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

from .errors import AuthExpired, Rejected, Transient


@dataclass
class TokenSet:
    access_token: str
    refresh_token: str = ""
    expires_at: float | None = None  # unix time
    user_id: str = ""
    scope: str = ""
    device_id: str = ""
    raw: dict = field(default_factory=dict)

    def expires_within(self, seconds: float) -> bool:
        return self.expires_at is not None and self.expires_at - time.time() < seconds


class OAuthFlow:
    """What connecting through a network's authorisation page takes."""

    def start(self, state: str) -> tuple[str, dict]:
        """The address to send the person to, and what to keep until they come back."""
        raise NotImplementedError

    def finish(self, query: dict, pending: dict) -> "TokenSet":
        """Exchange the answer (the callback's query) for tokens."""
        raise NotImplementedError

    def renew(self, grant: dict) -> "TokenSet":
        """New tokens from a stored refresh grant (``refresh_token`` and what came with it)."""
        raise NotImplementedError


def pkce_pair() -> tuple[str, str]:
    """A fresh code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_state() -> str:
    return secrets.token_urlsafe(24)


def _post(client: httpx.Client, url: str, data: dict, network: str) -> dict:
    try:
        response = client.post(url, data=data)
    except httpx.HTTPError as exc:
        raise Transient(f"Сервер авторизации не ответил: {exc}", network=network) from exc
    try:
        body = response.json()
    except ValueError:
        raise Transient(f"Непонятный ответ авторизации (HTTP {response.status_code})") from None
    if "error" in body:
        message = body.get("error_description") or body["error"]
        if body["error"] in ("invalid_grant", "invalid_token", "access_denied"):
            raise AuthExpired(
                f"Авторизация не удалась: {message}", code=body["error"], network=network
            )
        raise Rejected(body["error"], f"Авторизация отклонена: {message}", network=network)
    if response.status_code >= 500:
        raise Transient(f"Сервер авторизации ответил {response.status_code}", network=network)
    return body


class VkIdOAuth(OAuthFlow):
    """VK ID: ``/authorize`` then ``/oauth2/auth`` for the code and for refreshing."""

    scope = "wall groups photos stats offline"

    def __init__(self, base_url: str, client_id: str, redirect_uri: str, client=None):
        self.base_url, self.client_id, self.redirect_uri = (
            base_url.rstrip("/"),
            client_id,
            redirect_uri,
        )
        self.client = client or httpx.Client(timeout=15)

    def authorize_url(
        self, state: str, code_challenge: str, scope: str | None = None, **extra
    ) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            "scope": scope or self.scope,
            **extra,
        }
        return f"{self.base_url}/authorize?{urlencode(query)}"

    def _tokens(self, body: dict, device_id: str) -> TokenSet:
        return TokenSet(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_at=time.time() + int(body["expires_in"]) if body.get("expires_in") else None,
            user_id=str(body.get("user_id", "")),
            scope=body.get("scope", ""),
            device_id=device_id,
            raw=body,
        )

    def exchange(self, code: str, code_verifier: str, device_id: str, state: str = "") -> TokenSet:
        body = _post(
            self.client,
            f"{self.base_url}/oauth2/auth",
            {
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": code_verifier,
                "client_id": self.client_id,
                "device_id": device_id,
                "redirect_uri": self.redirect_uri,
                "state": state,
            },
            "vk",
        )
        return self._tokens(body, device_id)

    def refresh(self, refresh_token: str, device_id: str, state: str = "") -> TokenSet:
        body = _post(
            self.client,
            f"{self.base_url}/oauth2/auth",
            {
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": self.client_id,
                "device_id": device_id,
                "state": state or new_state(),
            },
            "vk",
        )
        return self._tokens(body, device_id)

    def start(self, state: str) -> tuple[str, dict]:
        verifier, challenge = pkce_pair()
        return self.authorize_url(state, challenge), {"verifier": verifier}

    def finish(self, query: dict, pending: dict) -> TokenSet:
        return self.exchange(
            query.get("code", ""),
            pending["verifier"],
            query.get("device_id", ""),
            query.get("state", ""),
        )

    def renew(self, grant: dict) -> TokenSet:
        return self.refresh(grant["refresh_token"], grant.get("device_id", ""))


class OkOAuth(OAuthFlow):
    """OK: ``connect.ok.ru/oauth/authorize`` and ``api.ok.ru/oauth/token.do``."""

    scope = "VALUABLE_ACCESS;GROUP_CONTENT;LONG_ACCESS_TOKEN"

    def __init__(
        self,
        oauth_url: str,
        api_url: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        client=None,
    ):
        self.oauth_url, self.api_url = oauth_url.rstrip("/"), api_url.rstrip("/")
        self.client_id, self.client_secret, self.redirect_uri = (
            client_id,
            client_secret,
            redirect_uri,
        )
        self.client = client or httpx.Client(timeout=15)

    def authorize_url(self, state: str, scope: str | None = None, **extra) -> str:
        query = {
            "client_id": self.client_id,
            "scope": scope or self.scope,
            "response_type": "code",
            "redirect_uri": self.redirect_uri,
            "layout": "w",
            "state": state,
            **extra,
        }
        return f"{self.oauth_url}/oauth/authorize?{urlencode(query)}"

    def _tokens(self, body: dict) -> TokenSet:
        expires = int(body.get("expires_in", 0) or 0)
        return TokenSet(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token") or "",
            expires_at=time.time() + expires if expires else None,
            raw=body,
        )

    def exchange(self, code: str) -> TokenSet:
        body = _post(
            self.client,
            f"{self.api_url}/oauth/token.do",
            {
                "code": code,
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "redirect_uri": self.redirect_uri,
                "grant_type": "authorization_code",
            },
            "ok",
        )
        return self._tokens(body)

    def refresh(self, refresh_token: str) -> TokenSet:
        body = _post(
            self.client,
            f"{self.api_url}/oauth/token.do",
            {
                "refresh_token": refresh_token,
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "grant_type": "refresh_token",
            },
            "ok",
        )
        return self._tokens(body)

    def start(self, state: str) -> tuple[str, dict]:
        return self.authorize_url(state), {}

    def finish(self, query: dict, pending: dict) -> TokenSet:
        return self.exchange(query.get("code", ""))

    def renew(self, grant: dict) -> TokenSet:
        return self.refresh(grant["refresh_token"])
