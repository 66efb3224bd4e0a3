"""Every error code of reference/networks.md becomes exactly one of the four errors.

VK and OK codes travel through the sandbox (fault injection answers with the code, the
provider maps it); Telegram and MAX errors are HTTP statuses with descriptions, tested both
through the sandbox and on the documented bodies.
"""

import pytest

from vitrina.channels.providers.errors import AuthExpired, RateLimited, Rejected, Transient
from vitrina.channels.providers.max import max_error
from vitrina.channels.providers.telegram import tg_error
from vitrina.channels.providers.types import Payload

VK = {
    1: Transient,
    5: AuthExpired,
    6: RateLimited,
    7: Rejected,
    9: RateLimited,
    10: Transient,
    14: Rejected,
    15: Rejected,
    17: AuthExpired,
    27: AuthExpired,
    29: RateLimited,
    100: Rejected,
    203: Rejected,
    210: Rejected,
    212: Rejected,
    213: Rejected,
    214: Rejected,
    219: Rejected,
    222: Rejected,
    250: Rejected,
    251: Rejected,
    901: Rejected,
    902: Rejected,
    914: Rejected,
}
OK = {
    1: Transient,
    2: Transient,
    3: Rejected,
    4: Rejected,
    7: Rejected,
    8: RateLimited,
    9: Rejected,
    10: AuthExpired,
    11: RateLimited,
    50: Rejected,
    100: Rejected,
    102: AuthExpired,
    103: AuthExpired,
    104: Rejected,
}
TELEGRAM = {
    400: Rejected,
    401: AuthExpired,
    403: AuthExpired,  # "bot was kicked from the channel chat"
    429: RateLimited,
    500: Transient,
    502: Transient,
}
MAX = {
    400: Transient,
    401: AuthExpired,
    403: Rejected,
    429: RateLimited,
    500: Transient,
    503: Transient,
}


@pytest.mark.parametrize(("code", "error"), VK.items())
def test_vk_codes(sandbox, code, error):
    provider, account = sandbox.provider("vk"), sandbox.account("vk:medlib42")
    sandbox.fault(network="vk", method="wall.post", error_rate=1, error=code, count=1)
    with pytest.raises(error) as caught:
        provider.publish(account, Payload(text="Проверка ошибок"))
    assert caught.value.code == code
    assert caught.value.message
    if error is Rejected:
        assert any("а" <= ch <= "я" for ch in caught.value.message.lower())


@pytest.mark.parametrize(("code", "error"), OK.items())
def test_ok_codes(sandbox, code, error):
    provider, account = sandbox.provider("ok"), sandbox.account("ok:group/70000001234567")
    sandbox.fault(network="ok", method="mediatopic.post", error_rate=1, error=code, count=1)
    with pytest.raises(error) as caught:
        provider.publish(account, Payload(text="Проверка ошибок"))
    assert caught.value.code == code


@pytest.mark.parametrize(("status", "error"), TELEGRAM.items())
def test_telegram_statuses(sandbox, status, error):
    provider, account = sandbox.provider("telegram"), sandbox.account("telegram:medlib42_news")
    sandbox.fault(network="telegram", method="sendMessage", error_rate=1, error=status, count=1)
    with pytest.raises(error):
        provider.publish(account, Payload(text="Проверка ошибок"))


@pytest.mark.parametrize(("status", "error"), MAX.items())
def test_max_statuses(sandbox, status, error):
    provider, account = sandbox.provider("max"), sandbox.account("max:medlib42")
    provider.attachment_retries = 0
    sandbox.fault(network="max", method="messages.send", error_rate=1, error=status, count=1)
    with pytest.raises(error):
        provider.publish(account, Payload(text="Проверка ошибок"))


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            },
            RateLimited,
        ),
        ({"error_code": 400, "description": "Bad Request: chat not found"}, Rejected),
        (
            {
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": -1001},
            },
            Rejected,
        ),
        (
            {
                "error_code": 403,
                "description": "Forbidden: bot can't initiate conversation with a user",
            },
            Rejected,
        ),
        (
            {
                "error_code": 403,
                "description": "Forbidden: bot is not a member of the channel chat",
            },
            AuthExpired,
        ),
        (
            {
                "error_code": 409,
                "description": "Conflict: can't use getUpdates method while webhook is active",
            },
            Rejected,
        ),
        ({"error_code": 401, "description": "Unauthorized"}, AuthExpired),
        ({"error_code": 502, "description": "Bad Gateway"}, Transient),
    ],
)
def test_telegram_documented_bodies(body, error):
    mapped = tg_error(body, body["error_code"])
    assert isinstance(mapped, error)
    if error is RateLimited:
        assert mapped.retry_after == 7
    if "migrate_to_chat_id" in body.get("parameters", {}):
        assert "-1001" in mapped.message


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (400, "attachment.not.ready", Transient),
        (400, "proto.payload", Rejected),
        (401, "verify.token", AuthExpired),
        (403, "chat.denied", Rejected),
        (404, "chat.not.found", Rejected),
        (429, "too.many.requests", RateLimited),
        (500, "internal.error", Transient),
    ],
)
def test_max_documented_bodies(status, code, error):
    assert isinstance(max_error(status, {"code": code, "message": "…"}), error)


def test_vk_error_6_from_the_network_carries_a_retry(sandbox):
    provider, account = sandbox.provider("vk"), sandbox.account("vk:medlib42")
    sandbox.fault(network="vk", method="wall.post", error_rate=1, error=6, count=1)
    with pytest.raises(RateLimited) as caught:
        provider.publish(account, Payload(text="x"))
    assert caught.value.retry_after > 0


def test_vk_rejections_speak_russian():
    from vitrina.channels.providers.vk import vk_error

    error = vk_error({"error_code": 222, "error_msg": "Hyperlinks are forbidden"})
    assert error.message == "В этом сообществе запрещены ссылки в записях."
    cap = vk_error(
        {
            "error_code": 214,
            "error_msg": "Access to adding post denied: a community "
            "can publish only 50 posts a day",
        }
    )
    assert cap.message == "Достигнут дневной лимит публикаций сообщества (50 в сутки)"
