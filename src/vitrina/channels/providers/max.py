"""MAX Bot API: ``Authorization: <token>`` without "Bearer", millisecond timestamps, errors
as ``{"code", "message"}`` with the HTTP status. An uploaded picture is processed for a
moment; until then sending answers ``attachment.not.ready`` and the message is retried."""

import hmac
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vitrina.channels.networks import Kind, SecretKind

from .base import Provider, loads, same_text
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
    AccountPost,
    Address,
    ConnectionReport,
    DayStats,
    DirectMessage,
    InboundEvent,
    Limits,
    Messaging,
    Payload,
    PostStats,
    Published,
    Receiving,
    ReplyTarget,
    SecretSpec,
    SentMessage,
    WebhookResult,
)

# The update types Vitrina asks for: readers' messages for the inbox, and the dialog events
# of reader services (the bot started through a link, stopped, a button pressed).
UPDATE_TYPES = ("message_created", "bot_started", "bot_stopped", "message_callback")
NOT_DELIVERABLE = "Читатель остановил бота MAX или ещё не открывал диалог с ним."

CODES = {
    "chat.denied": "MAX запретил действие: бот не администратор канала или читатель закрыл диалог.",
    "chat.not.found": "Канал MAX не найден: проверьте его идентификатор.",
    "not.found": "MAX не нашёл объект запроса.",
    "proto.payload": "MAX отклонил содержимое сообщения.",
    "attachment.invalid": "MAX не принял вложение.",
    "attachment.not.ready": "Фото ещё обрабатывается в MAX: публикация будет повторена.",
}


def max_error(status: int, body: dict) -> ProviderError:
    code = body.get("code", "") if isinstance(body, dict) else ""
    message = body.get("message", "") if isinstance(body, dict) else ""
    if status == 401:
        return AuthExpired(
            "Ключ бота MAX недействителен: подключите канал заново.",
            code=code,
            network="max",
            detail=message,
        )
    if status == 429:
        return RateLimited(1.0, f"MAX: {message}", code=code, network="max", detail=message)
    if status >= 500 or code == "attachment.not.ready":
        return Transient(
            CODES.get(code, f"MAX: {message}"),
            code=code or status,
            network="max",
            detail=message,
            summary=CODES.get(code, "Сервер MAX временно не отвечает."),
        )
    text = CODES.get(code, f"MAX отказал: {message}")
    if code == "proto.payload" and message:
        text = f"{text} ({message})"
    summary = CODES.get(code, f"MAX отказал (код {code or status}).")
    return Rejected(code or status, text, network="max", detail=message, summary=summary)


@register
class MaxProvider(Provider):
    network = "max"
    title = "MAX"
    default_url = "https://platform-api2.max.ru"
    settings_name = "MAX_API_URL"
    limits = Limits(
        text=4000,
        caption=None,
        media=10,
        polls=False,
        comments=False,
        account_stats=True,
        account_visits=False,
        no_visits="MAX даёт только число подписчиков и просмотры сообщений, без посещений.",
        notes=("В MAX нет опросов.", "Статистика: подписчики и просмотры сообщений канала."),
    )
    kinds = (Kind.CHANNEL, Kind.GROUP, Kind.BOT)
    recommended_kind = Kind.CHANNEL
    kind_notes = {
        Kind.CHANNEL: _(
            "A MAX channel is a feed of news: only the library writes, readers subscribe. "
            "An organisation needs a verified profile on business.max.ru first."
        ),
        Kind.GROUP: _("A MAX group is a chat where every member writes."),
        Kind.BOT: _(
            "A MAX bot answers readers in private messages: renewals, reminders, questions."
        ),
    }
    secrets = (
        SecretSpec(
            SecretKind.BOT_TOKEN,
            "bot",
            enterable=True,
            help=_(
                "From the MAX platform for partners. The bot must be an administrator of the "
                "channel."
            ),
        ),
        SecretSpec(SecretKind.WEBHOOK_SECRET, "webhook_secret"),
    )
    address = Address(hosts=frozenset({"max.ru"}), example="https://max.ru/…")
    receiving = Receiving(
        webhooks=True,
        webhook_help=_(
            "With the webhook, Vitrina subscribes the bot to the address above with a new "
            "secret (POST /subscriptions); MAX then sends each message at once. Back to "
            "polling, Vitrina removes the subscription."
        ),
    )
    messaging = Messaging(
        can_write_first=True,
        reader_default=True,
        buttons=True,
        findable=True,
        text=4000,
        dialog_rate=2.0,
        note="Бот MAX пишет только читателю, который сам открыл диалог с ботом (кнопкой "
        "«Начать» или по ссылке); остановив бота, читатель запрещает ему писать.",
    )
    pace_rate = "chat_rps"
    learns_external_id = True
    attachment_retries = 20
    attachment_pause = 0.15

    @classmethod
    def default_rates(cls) -> dict:
        # 2 messages a second into one chat; about 30 requests a second overall (unverified).
        return {"chat_rps": 1.8, "bot_rps": 27.0}

    @classmethod
    def dialog_link(cls, account, payload: str) -> str:
        """``max.ru/<bot>?start=<payload>``: the payload comes back in ``bot_started``."""
        name = account.extra.get("bot") or account.extra.get("username")
        if not name:
            return ""
        query = f"?{urlencode({'start': payload})}" if payload else ""
        return f"https://max.ru/{name}{query}"

    def call(self, account, method: str, path: str, *, write=False, chat=None, **kwargs):
        token = account.tokens.get("bot")
        if not token:
            raise AuthExpired("Нет ключа бота MAX.", code="no_bot_token", network="max")
        if chat is not None:
            self.throttle(token, chat, rate=self.rates["chat_rps"], burst=1)
        self.throttle(token, rate=self.rates["bot_rps"], burst=20)
        headers = {"Authorization": token}
        response = self.send(
            method, f"{self.base_url}{path}", headers=headers, write=write, **kwargs
        )
        body = loads(response, self.network)
        if response.status_code >= 400:
            raise max_error(response.status_code, body)
        return body

    def upload(self, account, photo) -> dict:
        target = self.call(account, "POST", "/uploads", params={"type": "image"})
        files = {"data": (photo.filename, photo.content, photo.content_type)}
        response = self.send("POST", target["url"], files=files)
        body = loads(response, self.network)
        if response.status_code >= 400:
            raise max_error(response.status_code, body)
        return {
            "type": "image",
            "payload": body if "token" not in body else {"token": body["token"]},
        }

    def publish(self, account, payload: Payload) -> Published:
        self.check_payload(payload)
        text = payload.text
        if payload.link and payload.link not in text:
            text = f"{text}\n\n{payload.link}".strip()
        if len(text) > self.limits.text:
            raise Rejected("text_too_long", "Текст длиннее 4000 знаков — MAX его не примет.")
        attachments = [self.upload(account, photo) for photo in payload.photos]
        body = {"text": text, "attachments": attachments, "notify": True}
        chat = str(account.external_id)
        for attempt in range(self.attachment_retries + 1):
            try:
                result = self.call(
                    account,
                    "POST",
                    "/messages",
                    write=True,
                    chat=chat,
                    params={"chat_id": chat},
                    json=body,
                )
                break
            except Transient as exc:
                if exc.code != "attachment.not.ready" or attempt == self.attachment_retries:
                    raise
                time.sleep(self.attachment_pause * (1 + attempt // 5))
        message = result["message"]
        return Published(message["body"]["mid"], message.get("url", ""), raw=result)

    def recent(self, account, count=100) -> list[dict]:
        result = self.call(
            account, "GET", "/messages", params={"chat_id": account.external_id, "count": count}
        )
        return result.get("messages", [])

    def list_recent_posts(self, account, since) -> list[AccountPost]:
        """``GET /messages`` (100 at most, newest first) from ``since``; each next page ends
        (``to``) just before the oldest message of the last one."""
        found, page_end = [], None
        start = int(since.timestamp() * 1000)
        while True:
            params = {"chat_id": account.external_id, "count": 100, "from": start}
            if page_end is not None:
                params["to"] = page_end
            messages = self.call(account, "GET", "/messages", params=params).get("messages", [])
            for message in messages:
                if message["timestamp"] >= start:
                    found.append(
                        AccountPost(
                            message["body"]["mid"],
                            datetime.fromtimestamp(message["timestamp"] / 1000, UTC),
                            message["body"].get("text", ""),
                        )
                    )
            if len(messages) < 100:
                return found
            oldest = min(message["timestamp"] for message in messages)
            if oldest < start:
                return found
            page_end = oldest - 1

    def find_published(self, account, payload, since=None):
        for message in self.recent(account, 50):
            if since and message["timestamp"] < since.timestamp() * 1000 - 60000:
                continue
            if same_text(message["body"].get("text", ""), payload.text):
                when = datetime.fromtimestamp(message["timestamp"] / 1000, UTC)
                return Published(
                    message["body"]["mid"], message.get("url", ""), message, published_at=when
                )
        return None

    def delete(self, account, external_id):
        self.call(account, "DELETE", "/messages", params={"message_id": external_id})

    def fetch_account_stats(self, account, day_from, day_to):
        """Subscribers today and, per day, the views of the messages published that day;
        days are Vitrina's (the ones its collection stores), not UTC's or the server's."""
        chat = self.call(account, "GET", f"/chats/{account.external_id}")
        views: dict[date, int] = {}
        for message in self.recent(account):
            moment = datetime.fromtimestamp(message["timestamp"] / 1000, UTC)
            day = timezone.localdate(moment)
            if day_from <= day <= day_to:
                views[day] = views.get(day, 0) + message.get("stat", {}).get("views", 0)
        today = timezone.localdate()
        if day_from <= today <= day_to:
            views.setdefault(today, 0)
        return [
            DayStats(
                day=day,
                views=value,
                followers=chat.get("participants_count") if day == today else None,
            )
            for day, value in sorted(views.items())
        ]

    def fetch_post_stats(self, account, external_ids):
        """The messages asked for by id (``message_ids``, 100 a call), however old."""
        stats = []
        for start in range(0, len(external_ids), 100):
            chunk = external_ids[start : start + 100]
            result = self.call(
                account,
                "GET",
                "/messages",
                params={
                    "chat_id": account.external_id,
                    "message_ids": ",".join(chunk),
                    "count": len(chunk),
                },
            )
            stats += [
                PostStats(m["body"]["mid"], views=m.get("stat", {}).get("views"))
                for m in result.get("messages", [])
                if m["body"]["mid"] in chunk
            ]
        return stats

    def fetch_updates(self, account, cursor, timeout: float = 0):
        params = {"timeout": int(timeout), "types": ",".join(UPDATE_TYPES)}
        if cursor:
            params["marker"] = cursor
        result = self.call(account, "GET", "/updates", params=params, timeout=timeout + 10)
        events = read_events(self.event, result.get("updates", []), network=self.network)
        marker = result.get("marker")
        return events, str(marker) if marker is not None else (cursor or "")

    @staticmethod
    def event(update: dict) -> InboundEvent | None:
        kind = update.get("update_type")
        if kind in ("bot_started", "bot_stopped"):
            user = str(update["user"]["user_id"])
            started = kind == "bot_started"
            raw = {"dialog": str(update.get("chat_id", "")), "event": update}
            if started:
                raw["start"] = str(update.get("payload") or "")
            return InboundEvent(
                kind="dialog_started" if started else "dialog_stopped",
                external_id=f"{'s' if started else 'x'}{user}_{update['timestamp']}",
                thread=user,
                text="",
                author_id=user,
                author_name=update["user"].get("name", ""),
                created_at=moment(update["timestamp"], per_second=1000),
                raw=raw,
            )
        if kind == "message_callback":
            callback = update["callback"]
            user = str(callback["user"]["user_id"])
            return InboundEvent(
                kind="button",
                external_id=f"b{callback['callback_id']}",
                thread=user,
                text=str(callback.get("payload") or ""),
                author_id=user,
                author_name=callback["user"].get("name", ""),
                created_at=moment(update["timestamp"], per_second=1000),
                raw={"event_id": str(callback["callback_id"]), "event": update},
            )
        if kind != "message_created":
            return None
        message = update["message"]
        sender = message.get("sender", {})
        return InboundEvent(
            kind="message",
            external_id=message["body"]["mid"],
            thread=str(sender.get("user_id", "")),
            text=message["body"].get("text", ""),
            author_id=str(sender.get("user_id", "")),
            author_name=sender.get("name", ""),
            created_at=moment(message["timestamp"], per_second=1000),
            raw=update,
        )

    def parse_webhook(self, account, headers, body: bytes) -> WebhookResult:
        secret = account.tokens.get("webhook_secret", "")
        given = headers.get("X-Max-Bot-Api-Secret", "")
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

    def webhook_register(self, account, url: str, secret: str) -> None:
        body = {"url": url, "secret": secret, "update_types": list(UPDATE_TYPES)}
        self.call(account, "POST", "/subscriptions", json=body)

    def webhook_unregister(self, account, url: str) -> None:
        self.call(account, "DELETE", "/subscriptions", params={"url": url})

    def reply(self, account, target: ReplyTarget, text: str) -> str:
        if target.kind != "message":
            raise Rejected("comments_unsupported", "В MAX бот не может отвечать на комментарии.")
        result = self.call(
            account,
            "POST",
            "/messages",
            write=True,
            chat=target.thread,
            params={"user_id": target.thread},
            json={"text": text},
        )
        return result["message"]["body"]["mid"]

    # Private dialogs with readers

    @staticmethod
    def keyboard(buttons) -> dict:
        rows = []
        for button in buttons:
            if button.kind == "link":
                rows.append([{"type": "link", "text": button.label[:128], "url": button.url}])
            else:
                cell = {"type": "callback", "text": button.label[:128], "payload": button.payload}
                rows.append([cell])
        return {"type": "inline_keyboard", "payload": {"buttons": rows}}

    def send_direct(self, account, message: DirectMessage) -> SentMessage:
        """``POST /messages?user_id=`` with an ``inline_keyboard`` attachment; at most two
        messages a second go into one dialog."""
        if len(message.text) > self.messaging.text:
            raise Rejected("text_too_long", "Текст длиннее 4000 знаков — MAX его не примет.")
        body = {"text": message.text, "notify": True}
        if message.buttons:
            body["attachments"] = [self.keyboard(message.buttons)]
        try:
            result = self.call(
                account,
                "POST",
                "/messages",
                write=True,
                chat=message.user_id,
                params={"user_id": message.user_id},
                json=body,
            )
        except Rejected as error:
            if error.code == "chat.denied" or error.code == 403:
                raise Undeliverable(
                    error.code, NOT_DELIVERABLE, network="max", detail=error.detail
                ) from error
            raise
        sent = result["message"]
        return SentMessage(sent["body"]["mid"], moment(sent["timestamp"], per_second=1000))

    def dialog_chat(self, account, user_id: str, pages: int = 20) -> str | None:
        """The chat id of the bot's dialog with the reader (not the reader's id): MAX lists
        the bot's dialogs in ``GET /chats``, latest activity first."""
        marker = None
        for _page in range(pages):
            params = {"count": 100, **({"marker": marker} if marker is not None else {})}
            result = self.call(account, "GET", "/chats", params=params)
            for chat in result.get("chats", []):
                person = chat.get("dialog_with_user") or {}
                if chat.get("type") == "dialog" and str(person.get("user_id")) == str(user_id):
                    return str(chat["chat_id"])
            marker = result.get("marker")
            if marker is None:
                return None
        return None

    def find_direct(self, account, message: DirectMessage) -> SentMessage | None:
        """The dialog's messages of the last day: one from the bot with the same text and
        buttons is the one whose answer was lost. Where the dialog itself cannot be found,
        nothing can be told (``Unverifiable``) rather than risk a second message."""
        chat = self.dialog_chat(account, message.user_id)
        if chat is None:
            raise Unverifiable(
                "MAX не показал диалог с читателем: нельзя проверить, ушло ли сообщение.",
                network="max",
            )
        since = int((datetime.now(UTC) - timedelta(days=1)).timestamp() * 1000)
        params = {"chat_id": chat, "count": 100, "from": since}
        found = self.call(account, "GET", "/messages", params=params).get("messages", [])
        wanted = [(b.label[:128], b.payload, b.url) for b in message.buttons]
        for item in found:
            if not (item.get("sender") or {}).get("is_bot"):
                continue
            body = item.get("body") or {}
            if same_text(body.get("text", ""), message.text) and _buttons(body) == wanted:
                return SentMessage(body["mid"], moment(item["timestamp"], per_second=1000))
        return None

    def answer_button(self, account, event: InboundEvent, text: str = "") -> None:
        """``POST /answers?callback_id=``: the button stops waiting; ``text`` shows as a
        notification."""
        self.call(
            account,
            "POST",
            "/answers",
            params={"callback_id": event.raw.get("event_id", "")},
            json={"notification": text},
        )

    def check_connection(self, account) -> ConnectionReport:
        report = ConnectionReport()
        try:
            me = self.call(account, "GET", "/me")
            chat = self.call(account, "GET", f"/chats/{account.external_id}")
            report.name = chat.get("title", "")
            report.followers = chat.get("participants_count")
            report.details = {"bot": me.get("username"), "id": str(chat["chat_id"])}
            report.can_post = report.can_read_stats = report.can_message = True
        except AuthExpired as exc:
            report.auth_failed = True
            report.problems.append(exc.message)
        except Rejected as exc:
            report.problems.append(exc.message)
        return report


def _buttons(body: dict) -> list[tuple]:
    """A message's buttons as (label, payload, address), to compare with what was sent."""
    found = []
    for attachment in body.get("attachments") or []:
        if attachment.get("type") != "inline_keyboard":
            continue
        for row in (attachment.get("payload") or {}).get("buttons") or []:
            for button in row:
                found.append(
                    (button.get("text", ""), button.get("payload", ""), button.get("url", ""))
                )
    return found
