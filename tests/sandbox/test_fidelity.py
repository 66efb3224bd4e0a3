"""The sandbox driven by widely used clients — vk_api for VK, python-telegram-bot for
Telegram — to show it speaks the networks' protocols.

vk_api has VK's address built in; a requests session that sends ``api.vk.ru/method/...``
to the sandbox is the only adjustment. Everything else (response parsing, error objects,
the photo upload, Bots Long Poll) is vk_api's own code.
"""

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import vk_api
from vk_api.bot_longpoll import VkBotEventType, VkBotLongPoll
from vk_api.upload import VkUpload

PREFIXES = ("https://api.vk.ru/method/", "https://api.vk.com/method/")


class SandboxSession(requests.Session):
    def __init__(self, sandbox_url: str):
        super().__init__()
        self.sandbox_url = sandbox_url

    def request(self, method, url, *args, **kwargs):
        for prefix in PREFIXES:
            if url.startswith(prefix):
                url = f"{self.sandbox_url}/vk/method/{url[len(prefix) :]}"
        return super().request(method, url, *args, **kwargs)


def client(sandbox, token):
    session = vk_api.VkApi(token=token, api_version="5.199", session=SandboxSession(sandbox.url))
    return session, session.get_api()


def test_vk_api_posts_with_an_uploaded_photo(sandbox):
    medlib = sandbox.accounts()["vk:medlib42"]
    session, api = client(sandbox, medlib["tokens"]["user"])
    group_id = medlib["external_id"]
    photo = VkUpload(session).photo_wall([io.BytesIO(b"\xff\xd8\xff\xe0jpeg")], group_id=group_id)[
        0
    ]
    attachment = f"photo{photo['owner_id']}_{photo['id']}"
    post = api.wall.post(
        owner_id=-group_id, from_group=1, message="Новые поступления", attachments=attachment
    )
    wall = api.wall.get(owner_id=-group_id, count=1)
    assert wall["items"][0]["id"] == post["post_id"]
    assert wall["items"][0]["attachments"][0]["photo"]["id"] == photo["id"]
    members = api.groups.getById(group_id=group_id, fields="members_count")
    assert members["groups"][0]["members_count"] >= 490  # the registry's figure, and growing


def test_vk_api_sees_vk_errors(sandbox):
    medlib = sandbox.accounts()["vk:medlib42"]
    _, api = client(sandbox, medlib["tokens"]["community"])
    with pytest.raises(vk_api.exceptions.ApiError) as caught:
        api.wall.post(owner_id=-medlib["external_id"], message="Ключом сообщества нельзя")
    assert caught.value.code == 27


def test_vk_api_bots_long_poll(sandbox):
    medlib = sandbox.accounts()["vk:medlib42"]
    session, api = client(sandbox, medlib["tokens"]["community"])
    longpoll = VkBotLongPoll(session, medlib["external_id"], wait=1)
    sandbox.reader_writes("vk:medlib42", "Когда откроется читальный зал?", reader_id=4242)
    events = longpoll.check()
    assert events[0].type == VkBotEventType.MESSAGE_NEW
    assert events[0].obj.message["text"] == "Когда откроется читальный зал?"
    answer = api.messages.send(peer_id=4242, random_id=1, message="В 10:00")
    assert isinstance(answer, int)


# python-telegram-bot warns about its own future RetryAfter type when it raises one.
@pytest.mark.filterwarnings("ignore:Deprecated since version v22.2")
def test_python_telegram_bot_against_the_sandbox(sandbox):
    """python-telegram-bot parses every answer into its own objects: the shapes must hold."""
    import asyncio

    import telegram
    from telegram.error import BadRequest, Conflict, RetryAfter

    account = sandbox.accounts()["telegram:medlib42_news"]
    chat = account["external_id"]

    async def scenario():
        bot = telegram.Bot(account["tokens"]["bot"], base_url=f"{sandbox.url}/telegram/bot")
        async with bot:
            me = await bot.get_me()
            assert me.is_bot and me.username.endswith("_bot")
            message = await bot.send_message(chat, "Новые поступления недели")
            assert message.chat.id == chat and message.text == "Новые поступления недели"
            photo = await bot.send_photo(chat, b"\xff\xd8\xff\xe0jpeg", caption="Обложка")
            assert photo.photo[-1].width > photo.photo[0].width and photo.caption == "Обложка"
            poll = await bot.send_poll(chat, "Что почитать?", ["Детектив", "Классика"])
            assert [o.text for o in poll.poll.options] == ["Детектив", "Классика"]
            with pytest.raises(BadRequest, match=r"(?i)message is too long"):
                await bot.send_message(chat, "я" * 4097)
            with pytest.raises(RetryAfter):
                for number in range(5):
                    await bot.send_message(chat, f"Быстро {number}")
            assert await bot.get_chat_member_count(chat) > 600
            sandbox.reader_writes("telegram:medlib42_news", "Продлите, пожалуйста", reader_id=55)
            updates = await bot.get_updates(timeout=1)
            assert updates[-1].message.text == "Продлите, пожалуйста"
            assert updates[-1].message.from_user.id == 55
            await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="abc")
            with pytest.raises(Conflict):
                await bot.get_updates()
            await bot.delete_webhook()
            assert await bot.delete_message(chat, message.message_id)

    # Its own thread and loop: another test (the browser's) may hold this thread's loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()
