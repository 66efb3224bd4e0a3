"""Telegram Bot API: ``/bot<token>/<method>``; the bot must be an admin of the channel.

A caption takes 1024 characters: a longer text goes out as the photo(s) first and the text
as a message right after. The Bot API gives no channel statistics beyond the subscriber
count and no way to list a channel's posts, so a post whose answer was lost cannot be
checked — ``find_published`` says so instead of guessing.
"""

import hmac
import json
import re
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vitrina.channels.networks import Kind, SecretKind

from .base import Provider, loads
from .errors import (
    AuthExpired,
    ProviderError,
    RateLimited,
    Rejected,
    Transient,
    Undeliverable,
    Unverifiable,
)
from .inbound import Malformed, json_object, moment, read_all, read_events
from .registry import register
from .types import (
    Address,
    ConnectionReport,
    DayStats,
    DirectMessage,
    InboundEvent,
    Limits,
    Messaging,
    Payload,
    ProviderAccount,
    Published,
    Receiving,
    ReplyTarget,
    SecretSpec,
    SentMessage,
    WebhookResult,
)

# The updates Vitrina asks for: readers' messages and comments for the inbox, and the
# dialog events of reader services (buttons pressed, the bot blocked or unblocked).
ALLOWED_UPDATES = ["message", "channel_post", "callback_query", "my_chat_member"]
# A deep link's payload: up to 64 of these characters (Telegram's own rule).
START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NOT_DELIVERABLE = "Читатель заблокировал бота Telegram или ещё не начинал с ним диалог."

DESCRIPTIONS = {
    "message is too long": "Текст длиннее 4096 знаков — Telegram его не примет.",
    "message caption is too long": "Подпись к фото длиннее 1024 знаков.",
    "chat not found": "Канал не найден: проверьте идентификатор канала.",
    "message text is empty": "Пустое сообщение.",
    "wrong file identifier": "Telegram не принял файл фотографии.",
    "poll": "Telegram отклонил опрос: вопрос до 300 знаков, от 2 до 12 вариантов до 100 знаков.",
    "can't initiate conversation": "Читатель ещё не писал боту — бот не может написать первым.",
    "message to delete not found": "Сообщение для удаления не найдено.",
    "webhook is active": "Для бота включён вебхук: получение обновлений опросом недоступно.",
    "group chat was upgraded": "Группа стала супергруппой: обновите идентификатор чата.",
    "bad webhook": "Telegram не принял адрес вебхука: нужен публичный адрес https://, "
    "доступный из интернета (VITRINA_SITE_URL).",
    "secret token": "Telegram не принял секрет вебхука.",
}
LOST_BOT = ("kicked", "not a member", "not enough rights", "have no rights", "deactivated")


def tg_error(body: dict, status: int) -> ProviderError:
    code = int(body.get("error_code", status))
    description = body.get("description", "")
    parameters = body.get("parameters") or {}
    if code == 429:
        retry = float(parameters.get("retry_after", 1))
        return RateLimited(
            retry, f"Telegram: {description}", code=code, network="telegram", detail=description
        )
    if code == 401 or (code == 403 and any(t in description for t in LOST_BOT)):
        return AuthExpired(
            "Бот Telegram потерял доступ к каналу (ключ отозван или бот не администратор): "
            "подключите канал заново.",
            code=code,
            network="telegram",
            detail=description,
        )
    if code >= 500:
        return Transient(
            f"Telegram: {description}",
            code=code,
            network="telegram",
            detail=description,
            summary="Сервер Telegram временно не отвечает.",
        )
    lowered = description.lower()
    known = next((text for key, text in DESCRIPTIONS.items() if key in lowered), None)
    message = known or f"Telegram отказал: {description}"
    if parameters.get("migrate_to_chat_id"):
        message = f"{message} Новый идентификатор: {parameters['migrate_to_chat_id']}."
    summary = message if known else f"Telegram отказал (код {code})."
    return Rejected(code, message, network="telegram", detail=description, summary=summary)


@register
class TelegramProvider(Provider):
    network = "telegram"
    title = "Telegram"
    default_url = "https://api.telegram.org"
    settings_name = "TELEGRAM_API_URL"
    limits = Limits(
        text=4096,
        caption=1024,
        media=10,
        polls=True,
        poll_question=300,
        poll_options=12,
        poll_option_length=100,
        post_stats=False,
        account_visits=False,
        no_visits="Bot API Telegram не даёт статистики канала, кроме числа подписчиков.",
        subscriber_reach=True,
        verifiable=False,
        reads_posts=False,  # the Bot API cannot read a channel's history
        notes=(
            "Bot API не даёт статистики канала: доступно только число подписчиков.",
            "Нельзя проверить, вышла ли публикация, если ответ Telegram потерялся.",
        ),
    )

    kinds = (Kind.CHANNEL, Kind.GROUP, Kind.BOT)
    recommended_kind = Kind.CHANNEL
    kind_notes = {
        Kind.CHANNEL: _(
            "A Telegram channel is a feed of news: only the library writes, readers "
            "subscribe. Keep it for public news: since 1 June 2025 state and municipal "
            "institutions may not use foreign messengers to talk with citizens."
        ),
        Kind.GROUP: _("A Telegram group is a chat where every member writes."),
        Kind.BOT: _("A Telegram bot answers readers one by one in private messages."),
    }
    secrets = (
        SecretSpec(
            SecretKind.BOT_TOKEN,
            "bot",
            enterable=True,
            help=_("From @BotFather. The bot must be an administrator of the channel."),
        ),
        SecretSpec(SecretKind.WEBHOOK_SECRET, "webhook_secret"),
    )
    address = Address(hosts=frozenset({"t.me", "telegram.me"}), example="https://t.me/…")
    receiving = Receiving(
        webhooks=True,
        webhook_help=_(
            "With the webhook, Vitrina gives Telegram the address above and a new secret "
            "(setWebhook); Telegram then sends each message at once. Back to polling, Vitrina "
            "removes the webhook (deleteWebhook): messages Telegram still holds come with the "
            "next poll."
        ),
    )
    messaging = Messaging(
        can_write_first=True,
        reader_default=False,
        foreign=True,
        buttons=True,
        findable=False,
        text=4096,
        dialog_rate=1.0,
        note="Telegram — иностранный мессенджер: государственным и муниципальным библиотекам "
        "закон (41-ФЗ) не позволяет переписываться в нём с читателями, поэтому напоминания "
        "через Telegram выключены, пока библиотека сама их не включит. Бот пишет только "
        "читателю, который сам начал с ним диалог; если ответ Telegram потерялся, проверить "
        "доставку нельзя.",
    )
    pace_rate = "chat_rps"

    @classmethod
    def dialog_link(cls, account, payload: str) -> str:
        """``t.me/<bot>?start=<payload>``: the bot gets «/start PAYLOAD». A payload other
        than 1–64 of ``A-Z a-z 0-9 _ -`` has no link."""
        name = account.extra.get("bot") or account.extra.get("username")
        if not name or (payload and not START_PAYLOAD.match(payload)):
            return ""
        return f"https://t.me/{name}?start={payload}" if payload else f"https://t.me/{name}"

    @classmethod
    def default_rates(cls) -> dict:
        # About one message a second into a chat and 30 a second per bot.
        return {"chat_rps": 0.95, "bot_rps": 27.0}

    @classmethod
    def account_id(cls, external_id: str, name: str) -> str:
        # A public channel is addressed by its @name until its numeric id is known.
        return external_id or (f"@{name}" if name else "")

    @classmethod
    def post_link(cls, account: ProviderAccount, external_id: str) -> str:
        # Only a public channel's posts have an address anyone can open.
        name = account.extra.get("username")
        return f"https://t.me/{name}/{external_id}" if name else ""

    def call(self, account, method: str, *, write=False, files=None, chat=None, **params):
        token = account.tokens.get("bot")
        if not token:
            raise AuthExpired("Нет ключа бота Telegram.", code="no_bot_token", network="telegram")
        if chat is not None:
            self.throttle(token, chat, rate=self.rates["chat_rps"], burst=2)
        self.throttle(token, rate=self.rates["bot_rps"], burst=20)
        params = {k: v for k, v in params.items() if v is not None}
        url = f"{self.base_url}/bot{token}/{method}"
        if files:
            data = {
                k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                for k, v in params.items()
            }
            response = self.send("POST", url, data=data, files=files, write=write)
        else:
            extra = {"timeout": params["timeout"] + 10} if method == "getUpdates" else {}
            response = self.send("POST", url, json=params, write=write, **extra)
        body = loads(response, self.network)
        if not body.get("ok"):
            raise tg_error(body, response.status_code)
        return body["result"]

    def post_url(self, account, message_id) -> str:
        username = account.extra.get("username")
        if username:
            return f"https://t.me/{username}/{message_id}"
        chat = str(account.external_id).removeprefix("-100")
        return f"https://t.me/c/{chat}/{message_id}"

    def publish(self, account, payload: Payload) -> Published:
        self.check_payload(payload)
        text = payload.text
        if payload.link and payload.link not in text:
            text = f"{text}\n\n{payload.link}".strip()
        if len(text) > self.limits.text:
            raise Rejected("text_too_long", DESCRIPTIONS["message is too long"], network="telegram")
        messages: list[dict] = []
        try:
            main = self._send_parts(account, payload, text, messages)
        except ProviderError as error:
            if not messages:
                raise
            # Part of the post is already in the channel: retrying would repeat it.
            raise Transient(
                f"Часть публикации уже в канале ({len(messages)} сообщ.), остальное не ушло: "
                f"{error.message}",
                outcome_unknown=True,
                code=error.code,
                network="telegram",
            ) from error
        ids = [str(m["message_id"]) for m in messages]
        main_id = str(main["message_id"])
        return Published(
            main_id,
            self.post_url(account, main_id),
            raw={"messages": messages},
            related_ids=[i for i in ids if i != main_id],
        )

    def _send_parts(self, account, payload: Payload, text: str, messages: list) -> dict:
        """Send the post's messages in order, appending each to ``messages``; returns the
        one that stands for the post (the text, or the first message)."""
        chat = account.external_id
        caption = text if len(text) <= self.limits.caption else ""
        main = None
        if len(payload.photos) == 1:
            photo = payload.photos[0]
            messages.append(
                self.call(
                    account,
                    "sendPhoto",
                    write=True,
                    chat=chat,
                    files={"photo": (photo.filename, photo.content, photo.content_type)},
                    chat_id=chat,
                    caption=caption or None,
                )
            )
        elif payload.photos:
            media = [
                {"type": "photo", "media": f"attach://photo{i}"} for i in range(len(payload.photos))
            ]
            if caption:
                media[0]["caption"] = caption
            files = {
                f"photo{i}": (p.filename, p.content, p.content_type)
                for i, p in enumerate(payload.photos)
            }
            messages.extend(
                self.call(
                    account,
                    "sendMediaGroup",
                    write=True,
                    chat=chat,
                    files=files,
                    chat_id=chat,
                    media=media,
                )
            )
        if text and not (payload.photos and caption):
            main = self.call(account, "sendMessage", write=True, chat=chat, chat_id=chat, text=text)
            messages.append(main)
        if payload.poll:
            poll = payload.poll
            messages.append(
                self.call(
                    account,
                    "sendPoll",
                    write=True,
                    chat=chat,
                    chat_id=chat,
                    question=poll.question,
                    options=[{"text": a} for a in poll.answers],
                    is_anonymous=True,
                    allows_multiple_answers=poll.multiple,
                    close_date=int(poll.end_date.timestamp()) if poll.end_date else None,
                )
            )
        return main or messages[0]

    def find_published(self, account, payload, since=None):
        raise Unverifiable(
            "Telegram не позволяет проверить, вышла ли публикация: посмотрите канал и "
            "отметьте результат вручную.",
            network="telegram",
        )

    def delete(self, account, external_id):
        self.call(
            account, "deleteMessage", chat_id=account.external_id, message_id=int(external_id)
        )

    def followers(self, account) -> int:
        return int(self.call(account, "getChatMemberCount", chat_id=account.external_id))

    def fetch_account_stats(self, account, day_from, day_to):
        """Only today's subscriber count: the Bot API has no channel statistics. Today is
        Vitrina's day (the one its collection stores), not the server's calendar."""
        today = timezone.localdate()
        if not day_from <= today <= day_to:
            return []
        return [DayStats(day=today, followers=self.followers(account))]

    def fetch_post_stats(self, account, external_ids):
        return []

    def fetch_updates(self, account, cursor, timeout: float = 0):
        offset = int(cursor) if cursor else None
        updates = self.call(
            account,
            "getUpdates",
            offset=offset,
            timeout=int(timeout),
            allowed_updates=ALLOWED_UPDATES,
        )
        events = read_events(self.event, updates, network=self.network)
        new_cursor = str(updates[-1]["update_id"] + 1) if updates else (cursor or "")
        return events, new_cursor

    @staticmethod
    def dialog_event(update: dict) -> InboundEvent | None:
        """A pressed button (``callback_query``), or the bot blocked or unblocked in a
        private chat (``my_chat_member``)."""
        query = update.get("callback_query")
        if query is not None:
            user = str(query["from"]["id"])
            author = query["from"]
            name = " ".join(filter(None, [author.get("first_name"), author.get("last_name")]))
            return InboundEvent(
                kind="button",
                external_id=f"b{query['id']}",
                thread=user,
                text=str(query.get("data") or ""),
                author_id=user,
                author_name=name,
                raw={"event_id": str(query["id"]), "event": update},
            )
        member = update.get("my_chat_member")
        if member is None or member["chat"]["type"] != "private":
            return None
        user = str(member["chat"]["id"])
        status = member["new_chat_member"]["status"]
        if status not in ("kicked", "member"):
            return None
        blocked = status == "kicked"
        return InboundEvent(
            kind="dialog_stopped" if blocked else "dialog_allowed",
            external_id=f"{'k' if blocked else 'u'}{user}_{update['update_id']}",
            thread=user,
            text="",
            author_id=user,
            created_at=moment(member["date"]),
            raw={"event": update} if blocked else {"key": "", "event": update},
        )

    @staticmethod
    def event(update: dict) -> InboundEvent | None:
        if "callback_query" in update or "my_chat_member" in update:
            return TelegramProvider.dialog_event(update)
        message = update.get("message")
        if message is not None and not isinstance(message, dict):
            raise Malformed("the message is not an object")
        if not message or "text" not in message:
            return None
        author = message.get("from", {})
        name = " ".join(filter(None, [author.get("first_name"), author.get("last_name")]))
        common = {
            "text": message["text"],
            "author_id": str(author.get("id", "")),
            "author_name": name,
            "created_at": moment(message["date"]),
        }
        origin = (message.get("reply_to_message") or {}).get("forward_origin") or {}
        command, _, payload = message["text"].partition(" ")
        if message["chat"]["type"] == "private" and command == "/start":
            # A deep link (t.me/<bot>?start=…) or the Start button opens the dialog.
            return InboundEvent(
                kind="dialog_started",
                external_id=f"s{message['chat']['id']}_{message['message_id']}",
                thread=str(message["chat"]["id"]),
                raw={"start": payload.strip(), "event": update},
                **dict(common, text=""),
            )
        if message["chat"]["type"] == "private":
            return InboundEvent(
                kind="message",
                external_id=f"m{message['chat']['id']}_{message['message_id']}",
                thread=str(message["chat"]["id"]),
                raw=dict(update, reply_message_id=message["message_id"]),
                **common,
            )
        if origin.get("type") == "channel":
            return InboundEvent(
                kind="comment",
                external_id=f"c{message['chat']['id']}_{message['message_id']}",
                thread=str(origin["message_id"]),
                raw=dict(
                    update,
                    reply_chat_id=message["chat"]["id"],
                    reply_message_id=message["message_id"],
                ),
                **common,
            )
        return None

    def parse_webhook(self, account, headers, body: bytes) -> WebhookResult:
        secret = account.tokens.get("webhook_secret", "")
        given = headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        # Without a stored secret nothing can be verified, so nothing is accepted.
        if not secret or not hmac.compare_digest(secret, given):
            return WebhookResult([], 403, "bad secret")
        update = json_object(body)
        if update is None:
            return WebhookResult([], 400, "bad request")
        try:
            events = read_all(self.event, update)
        except Malformed:
            return WebhookResult([], 400, "bad request")
        return WebhookResult(events, 200, "ok")

    def reply(self, account, target: ReplyTarget, text: str) -> str:
        if len(text) > self.limits.text:
            raise Rejected("text_too_long", DESCRIPTIONS["message is too long"], network="telegram")
        chat = target.extra.get("reply_chat_id", target.thread)
        reply = target.extra.get("reply_message_id")
        message = self.call(
            account,
            "sendMessage",
            write=True,
            chat=chat,
            chat_id=chat,
            text=text,
            reply_parameters={"message_id": reply, "allow_sending_without_reply": True}
            if reply
            else None,
        )
        return str(message["message_id"])

    # Private dialogs with readers

    @staticmethod
    def keyboard(buttons) -> dict | None:
        if not buttons:
            return None
        rows = []
        for button in buttons:
            if button.kind == "link":
                rows.append([{"text": button.label, "url": button.url}])
                continue
            if not 1 <= len(button.payload.encode()) <= 64:
                raise Rejected(
                    "button_payload",
                    "Данные кнопки длиннее 64 байт — Telegram их не примет.",
                    network="telegram",
                )
            rows.append([{"text": button.label, "callback_data": button.payload}])
        return {"inline_keyboard": rows}

    def send_direct(self, account, message: DirectMessage) -> SentMessage:
        """``sendMessage`` into the reader's private chat (its id is the reader's), with an
        inline keyboard. Telegram has no idempotency key and no way to read a chat back: a
        lost answer stays unknown (``find_direct`` says so)."""
        if len(message.text) > self.limits.text:
            raise Rejected("text_too_long", DESCRIPTIONS["message is too long"], network="telegram")
        try:
            sent = self.call(
                account,
                "sendMessage",
                write=True,
                chat=message.user_id,
                chat_id=message.user_id,
                text=message.text,
                reply_markup=self.keyboard(message.buttons),
            )
        except (AuthExpired, Rejected) as error:
            # 403 in a private chat: blocked by the reader, never started, or deactivated.
            if error.code == 403:
                raise Undeliverable(
                    403, NOT_DELIVERABLE, network="telegram", detail=error.detail
                ) from error
            raise
        return SentMessage(str(sent["message_id"]), datetime.fromtimestamp(sent["date"], UTC))

    def find_direct(self, account, message: DirectMessage) -> SentMessage | None:
        raise Unverifiable(
            "Telegram не позволяет проверить, дошло ли сообщение читателю, если ответ "
            "потерялся: повторная отправка может его задвоить.",
            network="telegram",
        )

    def answer_button(self, account, event: InboundEvent, text: str = "") -> None:
        """``answerCallbackQuery``: the button stops spinning; ``text`` shows on top."""
        self.call(
            account,
            "answerCallbackQuery",
            callback_query_id=event.raw.get("event_id", ""),
            text=text[:200] or None,
        )

    def webhook_register(self, account, url: str, secret: str) -> None:
        self.call(
            account, "setWebhook", url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
        )

    def webhook_unregister(self, account, url: str) -> None:
        # Updates not delivered yet stay with Telegram and come to getUpdates instead.
        self.call(account, "deleteWebhook", drop_pending_updates=False)

    def check_connection(self, account) -> ConnectionReport:
        report = ConnectionReport()
        try:
            me = self.call(account, "getMe")
            chat = self.call(account, "getChat", chat_id=account.external_id)
            report.name = chat.get("title", "")
            report.followers = self.followers(account)
            report.details = {
                "bot": me.get("username"),
                "username": chat.get("username"),
                "id": str(chat["id"]),
            }
            report.can_post = report.can_message = True
        except AuthExpired as exc:
            report.auth_failed = True
            report.problems.append(exc.message)
        except Rejected as exc:
            report.problems.append(exc.message)
        report.details["note"] = gettext(
            "Telegram gives no statistics of a channel: reports will show only the number "
            "of subscribers."
        )
        return report
