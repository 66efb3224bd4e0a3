"""VK ID with PKCE and OK authorisation codes, against the sandbox's OAuth servers."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from vitrina.channels.providers.errors import AuthExpired
from vitrina.channels.providers.oauth import OkOAuth, VkIdOAuth, new_state, pkce_pair
from vitrina.channels.providers.types import Payload

REDIRECT = "http://127.0.0.1:8000/channels/oauth/callback/"


def follow(url: str) -> dict:
    response = httpx.get(url + "&sandbox_auto=1")
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_vk_id_code_flow_with_pkce_and_refresh(sandbox):
    oauth = VkIdOAuth(sandbox.url + "/vkid", "51800001", REDIRECT)
    verifier, challenge = pkce_pair()
    state = new_state()
    answer = follow(oauth.authorize_url(state, challenge))
    assert answer["state"] == state
    with pytest.raises(AuthExpired):
        oauth.exchange(answer["code"], "a-wrong-verifier-" + "x" * 40, answer["device_id"])
    answer = follow(oauth.authorize_url(state, challenge))
    tokens = oauth.exchange(answer["code"], verifier, answer["device_id"], state)
    assert tokens.user_id == "547852393"
    assert tokens.refresh_token and tokens.expires_within(3601) and not tokens.expires_within(3000)

    provider = sandbox.provider("vk")
    account = sandbox.account("vk:medlib42", tokens={"user": tokens.access_token})
    assert provider.publish(account, Payload(text="Через VK ID")).external_id

    sandbox.advance(3700)  # VK ID tokens live an hour
    with pytest.raises(AuthExpired):
        provider.publish(account, Payload(text="Ключ истёк"))
    fresh = oauth.refresh(tokens.refresh_token, tokens.device_id)
    account.tokens["user"] = fresh.access_token
    assert provider.publish(account, Payload(text="После обновления ключа")).external_id
    with pytest.raises(AuthExpired):
        oauth.refresh(tokens.refresh_token, tokens.device_id)  # a refresh token works once


def test_vk_id_consent_page_without_auto_approval(sandbox):
    oauth = VkIdOAuth(sandbox.url + "/vkid", "51800001", REDIRECT)
    page = httpx.get(oauth.authorize_url("s", pkce_pair()[1]))
    assert "Разрешить" in page.text and "<script" not in page.text


def test_ok_code_flow(sandbox):
    app = sandbox.http.get("/sandbox/control/apps").json()["ok"]
    oauth = OkOAuth(
        sandbox.url + "/ok/connect", sandbox.url + "/ok", app["client_id"], app["secret"], REDIRECT
    )
    answer = follow(oauth.authorize_url("st"))
    tokens = oauth.exchange(answer["code"])
    assert tokens.access_token and tokens.expires_within(31 * 86400)
    account = sandbox.account(
        "ok:group/70000001234567", tokens={"access_token": tokens.access_token}
    )
    assert sandbox.provider("ok").publish(account, Payload(text="Через OAuth ОК")).external_id
    refreshed = oauth.refresh(tokens.refresh_token)
    assert refreshed.access_token != tokens.access_token
