"""VK: form-encoded calls to ``/method/<name>`` with ``v=5.199``.

Posting, photo upload, polls and statistics need a *user* token of a community admin (VK ID
OAuth); messages, comments and Bots Long Poll need the *community* token. ``guid`` makes a
repeated ``wall.post`` return the first post instead of a second one.

The module is longer than most (about 840 lines) because VK's API is the widest Vitrina uses —
two kinds of token, uploads and polls, statistics, Long Poll and the Callback API, and the
community's private dialogs with readers (keyboards, callback events, consent); it stays
one module, as every network's provider is, so that the network's facts and its calls are
read in one place.
"""

import hmac
import json
import logging
import re
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vitrina.channels.networks import Kind, SecretKind

from .base import Provider, loads, same_text, stable_id
from .errors import AuthExpired, ProviderError, RateLimited, Rejected, Transient, Undeliverable
from .inbound import Malformed, json_object, moment, read_all, read_events
from .oauth import VkIdOAuth
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
    ProviderAccount,
    Published,
    Receiving,
    ReplyTarget,
    SecretSpec,
    SentMessage,
    WebhookResult,
)

VERSION = "5.199"

# What a librarian reads when VK refuses something for good.
REJECTIONS = {
    3: "ВКонтакте не знает такого метода.",
    7: "Нет прав на это действие: проверьте, что вы администратор сообщества.",
    14: "ВКонтакте просит ввести капчу: откройте сообщество в браузере и повторите позже.",
    15: "Доступ запрещён: у ключа нет нужных прав (возможно, нужен ключ другого типа).",
    100: "ВКонтакте отклонил параметры запроса.",
    203: "Нет доступа к сообществу: ключ выдан не его администратором.",
    210: "Нет доступа к записи на стене.",
    212: "Нет доступа к комментариям записи.",
    213: "Комментарии к записи закрыты.",
    214: "ВКонтакте запретил публикацию на стене сообщества.",
    219: "Недавно опубликована рекламная запись — ВКонтакте временно не даёт публиковать.",
    222: "В этом сообществе запрещены ссылки в записях.",
    250: "Нет доступа к опросу.",
    251: "Опрос не найден.",
    900: "Читатель добавил сообщество в чёрный список: писать ему нельзя.",
    901: "Читатель не разрешил сообществу писать ему сообщения.",
    902: "Читатель ограничил круг тех, кто может писать ему сообщения.",
    911: "ВКонтакте не принял кнопки сообщения.",
    914: "Сообщение слишком длинное: ВКонтакте принимает до 9000 знаков.",
    950: "Читатель давно не писал сообществу: ВКонтакте не даёт написать ему первым.",
    985: "В настройках сообщества ВКонтакте выключены сообщения от сообщества.",
    987: "Читатель ещё не принял запрос на переписку с сообществом.",
    988: "Запрос на переписку с читателем ещё не принят.",
}
# A reader who cannot be written to: permanent for this reader, never retried.
UNDELIVERABLE = {900, 901, 902, 950, 987, 988}
# stats.get counts a community's days from Moscow midnight, as VK's own statistics show
# them; the days asked for and the days answered are both read in that zone, so that a
# day's figures land on the day Vitrina stores (its days are Moscow's too).
STATS_ZONE = ZoneInfo("Europe/Moscow")
DAILY_POSTS = 50  # wall.post accepts this many posts a day on one community's wall
DAILY_CAP = f"Достигнут дневной лимит публикаций сообщества ({DAILY_POSTS} в сутки)"
AUTH = {
    5: "Ключ доступа ВКонтакте недействителен или истёк: подключите канал заново.",
    17: "ВКонтакте требует подтвердить вход: подключите канал заново через VK ID.",
    27: "Ключ сообщества не подходит для этого действия: нужен ключ администратора (VK ID).",
}
RATE = {6: 1.0, 9: 60.0, 29: 3600.0}
# The Callback API events Vitrina asks for: messages and comments for the inbox, and the
# dialog events of reader services (messages allowed or denied, callback buttons).
CALLBACK_EVENTS = (
    "message_new",
    "wall_reply_new",
    "message_allow",
    "message_deny",
    "message_event",
)
# Inline keyboards hold 6 rows of buttons at most; a label takes 40 characters.
KEYBOARD_ROWS, LABEL = 6, 40
TRANSIENT = {1: "Неизвестная ошибка ВКонтакте", 10: "Внутренняя ошибка сервера ВКонтакте"}

logger = logging.getLogger(__name__)


def vk_error(error: dict) -> ProviderError:
    """The one error a VK error object becomes."""
    code = int(error.get("error_code", 1))
    text = error.get("error_msg", "")
    known = {"code": code, "network": "vk", "detail": text}
    if code in RATE:
        return RateLimited(RATE[code], f"ВКонтакте: {text}", **known)
    if code in AUTH:
        return AuthExpired(AUTH[code], **known)
    if code in TRANSIENT:
        return Transient(TRANSIENT[code], **known)
    if code in UNDELIVERABLE:
        return Undeliverable(code, REJECTIONS[code], network="vk", detail=text)
    if code == 214 and "50 posts" in text:
        return Rejected(code, DAILY_CAP, network="vk", detail=text)
    summary = REJECTIONS.get(code, f"ВКонтакте отказал (код {code}).")
    message = REJECTIONS.get(code, f"ВКонтакте отказал: {text} (код {code})")
    if code == 100 and text:
        message = f"{message} ({text})"
    return Rejected(code, message, network="vk", detail=text, summary=summary)


@register
class VkProvider(Provider):
    network = "vk"
    title = "ВКонтакте"
    default_url = "https://api.vk.com"
    settings_name = "VK_API_URL"
    limits = Limits(
        text=16384,
        caption=None,
        media=10,
        polls=True,
        poll_question=255,
        poll_options=10,
        poll_option_length=100,
        daily_posts=DAILY_POSTS,
        notes=(
            "Публикация и статистика — ключом администратора (VK ID), сообщения и "
            "комментарии — ключом сообщества.",
            f"Не больше {DAILY_POSTS} записей в сутки в одном сообществе.",
        ),
    )
    kinds = (Kind.PROFILE, Kind.GROUP, Kind.PUBLIC_PAGE)
    community_kind = "community"
    recommended_kind = Kind.PUBLIC_PAGE
    official_page_required = True
    official_mark = "«Госорганизация»"
    kind_notes = {
        Kind.PROFILE: _(
            "A personal profile in VK belongs to a person: friends instead of subscribers, "
            "a limit of 10,000 friends, no statistics and no community messages. VK's rules "
            "forbid keeping an institution as a person's profile."
        ),
        Kind.GROUP: _(
            "A VK group suits a club or a circle: members may post on its wall, it may be "
            "closed. Today it differs little from a public page."
        ),
        Kind.PUBLIC_PAGE: _(
            "A VK public page suits the library's official page: open to everyone, the "
            "library speaks, readers subscribe, comment and write messages."
        ),
    }
    secrets = (
        SecretSpec(
            SecretKind.COMMUNITY_TOKEN,
            "community",
            enterable=True,
            help=_(
                "Needed for messages to the community and for receiving comments (Long Poll). "
                "Created in the community's settings: Work with API → Access tokens."
            ),
        ),
        SecretSpec(
            SecretKind.USER_TOKEN,
            "user",
            enterable=True,
            help=_(
                "Needed for posting and for statistics: VK accepts these only with the token "
                "of a community administrator."
            ),
        ),
        SecretSpec(SecretKind.WEBHOOK_SECRET, "webhook_secret"),
    )
    address = Address(
        hosts=frozenset({"vk.com", "vk.ru", "vkontakte.ru"}),
        example="https://vk.com/medlib42",
        id_pattern=re.compile(r"^/(?:id|club|public)(\d+)$"),
    )
    receiving = Receiving(
        webhooks=True,
        confirmation=True,
        # Long Poll keeps working next to the Callback API.
        polling_beside_webhook=True,
        webhook_help=_(
            "With the webhook, Vitrina adds the address above as the community's Callback API "
            "server with the community token, for incoming messages and new wall comments, "
            "and VK confirms it. If VK refuses, add the server yourself in the community's "
            "settings (Manage → Work with API → Callback API): paste the address, copy the "
            "confirmation code VK shows into the field below, then paste the secret key shown "
            "here after saving and press Confirm in VK."
        ),
        manual_setup="Добавьте адрес и секрет в настройках сообщества ВКонтакте: «Управление» → "
        "«Работа с API» → «Callback API», включите события «Входящее сообщение», "
        "«Новый комментарий на стене», «Разрешение на получение сообщений», «Запрет на "
        "получение сообщений» и «Действие с сообщением» и нажмите «Подтвердить».",
        manual_removal="Удалите сервер в настройках сообщества («Callback API»).",
    )
    messaging = Messaging(
        can_write_first=True,
        reader_default=True,
        buttons=True,
        findable=True,
        text=9000,
        dialog_rate=1.0,
        note="Сообщество может написать только читателю, который сам написал ему или "
        "разрешил сообщения от сообщества; запрет сообщений читатель может дать в любой момент.",
    )
    pace_rate = "user_rps"  # wall.post goes with the administrator's token
    learns_external_id = True
    oauth_label = _("Connect with VK ID")

    @classmethod
    def default_rates(cls) -> dict:
        # VK allows 3/s per user token and 20/s per community token; stay under both.
        return {"user_rps": 2.7, "community_rps": 18.0}

    @classmethod
    def account_id(cls, external_id: str, name: str) -> str:
        # VK takes a screen name until the connection check learns the number.
        return external_id or name

    @classmethod
    def post_link(cls, account: ProviderAccount, external_id: str) -> str:
        if not account.external_id.lstrip("-").isdigit():
            return ""
        return f"https://vk.com/wall{cls.owner_id(account)}_{external_id}"

    @classmethod
    def dialog_link(cls, account: ProviderAccount, payload: str) -> str:
        """``vk.me/<screen name>?ref=<payload>``: the reader's first message in the dialog
        carries the ``ref`` back (``dialog_started``)."""
        name = account.extra.get("username") or (
            f"club{account.external_id}" if account.external_id.isdigit() else ""
        )
        if not name:
            return ""
        query = f"?{urlencode({'ref': payload})}" if payload else ""
        return f"https://vk.me/{name}{query}"

    @classmethod
    def oauth_flow(cls, redirect_uri: str) -> VkIdOAuth:
        return VkIdOAuth(settings.VK_OAUTH_URL, settings.VK_ID_CLIENT_ID, redirect_uri)

    # Calls

    def call(self, method: str, token: str, kind: str, *, write: bool = False, **params):
        rate = self.rates["user_rps"] if kind == "user" else self.rates["community_rps"]
        self.throttle(token, rate=rate, burst=2 if kind == "user" else 10)
        data = {k: v for k, v in params.items() if v is not None}
        data.update(v=VERSION, access_token=token)
        response = self.send("POST", f"{self.base_url}/method/{method}", data=data, write=write)
        body = loads(response, self.network)
        if "error" in body:
            raise vk_error(body["error"])
        return body["response"]

    def user(self, account: ProviderAccount, method: str, **params):
        token = account.tokens.get("user")
        if not token:
            raise AuthExpired(
                "Нет ключа администратора ВКонтакте: подключите канал через VK ID.",
                code="no_user_token",
                network="vk",
            )
        return self.call(method, token, "user", **params)

    def community(self, account: ProviderAccount, method: str, **params):
        token = account.tokens.get("community")
        if not token:
            raise AuthExpired(
                "Нет ключа сообщества ВКонтакте: добавьте его в настройках канала.",
                code="no_community_token",
                network="vk",
            )
        return self.call(method, token, "community", **params)

    @staticmethod
    def owner_id(account: ProviderAccount) -> int:
        try:
            number = int(account.external_id)
        except ValueError:
            # A channel whose id was never filled in (or was changed by hand) is not a crash.
            raise Rejected(
                "no_external_id",
                "У канала не указан числовой id сообщества или страницы ВКонтакте: "
                "укажите его в настройках канала.",
                network="vk",
            ) from None
        return number if account.kind == "profile" else -abs(number)

    def post_url(self, account, post_id) -> str:
        return f"https://vk.com/wall{self.owner_id(account)}_{post_id}"

    # Publishing

    def upload_photo(self, account: ProviderAccount, photo) -> str:
        group = {} if account.kind == "profile" else {"group_id": account.external_id}
        server = self.user(account, "photos.getWallUploadServer", **group)
        files = {"photo": (photo.filename, photo.content, photo.content_type)}
        uploaded = loads(self.send("POST", server["upload_url"], files=files), self.network)
        if uploaded.get("photo") in (None, "", "[]"):
            raise Rejected("upload", "ВКонтакте не принял файл фотографии.", network="vk")
        saved = self.user(
            account,
            "photos.saveWallPhoto",
            photo=uploaded["photo"],
            server=uploaded["server"],
            hash=uploaded["hash"],
            caption=photo.alt or None,
            **group,
        )
        return f"photo{saved[0]['owner_id']}_{saved[0]['id']}"

    def create_poll(self, account: ProviderAccount, poll) -> str:
        created = self.user(
            account,
            "polls.create",
            question=poll.question,
            is_anonymous=int(poll.anonymous),
            is_multiple=int(poll.multiple),
            end_date=int(poll.end_date.timestamp()) if poll.end_date else None,
            owner_id=self.owner_id(account),
            add_answers=json.dumps(poll.answers, ensure_ascii=False),
        )
        return f"poll{created['owner_id']}_{created['id']}"

    def publish(self, account: ProviderAccount, payload: Payload) -> Published:
        self.check_payload(payload)
        attachments = [self.upload_photo(account, photo) for photo in payload.photos]
        if payload.poll:
            attachments.append(self.create_poll(account, payload.poll))
        if payload.link:
            attachments.append(payload.link)
        if len(attachments) > self.limits.media:
            raise Rejected("too_many_attachments", "Не больше 10 вложений в записи ВКонтакте.")
        result = self.user(
            account,
            "wall.post",
            write=True,
            owner_id=self.owner_id(account),
            from_group=None if account.kind == "profile" else 1,
            message=payload.text or None,
            attachments=",".join(attachments) or None,
            guid=payload.marker,
        )
        post_id = str(result["post_id"])
        return Published(post_id, self.post_url(account, post_id), raw=result)

    def list_recent_posts(self, account, since) -> list[AccountPost]:
        """``wall.get`` page by page (100 a call) until the posts are older than ``since``."""
        if not account.tokens.get("user"):
            return []  # a channel connected with a community key only cannot read its wall
        found, offset = [], 0
        while True:
            page = self.user(
                account, "wall.get", owner_id=self.owner_id(account), count=100, offset=offset
            )
            items = page.get("items", [])
            for item in items:
                published = datetime.fromtimestamp(item["date"], UTC)
                if published >= since:
                    found.append(AccountPost(str(item["id"]), published, item.get("text", "")))
            offset += len(items)
            # A pinned post heads the wall whatever its age: judge the age by the rest.
            dates = [item["date"] for item in items if not item.get("is_pinned")]
            if (
                not items
                or offset >= page.get("count", 0)
                or (dates and datetime.fromtimestamp(min(dates), UTC) < since)
            ):
                return found

    def find_published(self, account, payload, since=None):
        """Recent wall posts with the same text (a retry with the same ``guid`` is safe too)."""
        wall = self.user(account, "wall.get", owner_id=self.owner_id(account), count=100)
        for item in wall["items"]:
            if since and item["date"] < since.timestamp() - 60:
                break
            if same_text(item.get("text", ""), payload.text):
                post_id = str(item["id"])
                when = datetime.fromtimestamp(item["date"], UTC)
                return Published(post_id, self.post_url(account, post_id), item, published_at=when)
        return None

    def delete(self, account, external_id):
        self.user(account, "wall.delete", owner_id=self.owner_id(account), post_id=external_id)

    # Figures

    def fetch_account_stats(self, account, day_from: date, day_to: date) -> list[DayStats]:
        if account.kind == "profile":
            raise Rejected(
                "stats_unavailable",
                "ВКонтакте даёт статистику только сообществам, не личным страницам.",
                network="vk",
            )
        start = datetime.combine(day_from, datetime.min.time(), STATS_ZONE)
        end = datetime.combine(day_to + timedelta(days=1), datetime.min.time(), STATS_ZONE)
        periods = self.user(
            account,
            "stats.get",
            group_id=account.external_id,
            timestamp_from=int(start.timestamp()),
            timestamp_to=int(end.timestamp()),
            interval="day",
        )
        followers = self.followers(account)
        days = []
        for period in sorted(periods, key=lambda p: p["period_from"]):
            visitors = period.get("visitors", {})
            reach = period.get("reach", {})
            activity = period.get("activity", {})
            day = datetime.fromtimestamp(period["period_from"], STATS_ZONE).date()
            days.append(
                DayStats(
                    day=day,
                    views=visitors.get("views"),
                    visitors=visitors.get("visitors"),
                    reach=reach.get("reach"),
                    likes=activity.get("likes"),
                    comments=activity.get("comments"),
                    reposts=activity.get("copies"),
                    subscribed=activity.get("subscribed"),
                    unsubscribed=activity.get("unsubscribed"),
                )
            )
        if days:
            days[-1].followers = followers  # VK tells only today's count
        return days

    def followers(self, account) -> int | None:
        token = account.tokens.get("user") or account.tokens.get("community")
        kind = "user" if account.tokens.get("user") else "community"
        groups = self.call(
            "groups.getById", token, kind, group_id=account.external_id, fields="members_count"
        )
        return groups["groups"][0].get("members_count")

    def fetch_post_stats(self, account, external_ids) -> list[PostStats]:
        owner = self.owner_id(account)
        stats = {}
        for start in range(0, len(external_ids), 30):
            chunk = external_ids[start : start + 30]
            posts = self.user(
                account, "wall.getById", posts=",".join(f"{owner}_{i}" for i in chunk)
            )
            for item in posts.get("items", posts) if isinstance(posts, dict) else posts:
                stats[str(item["id"])] = PostStats(
                    external_id=str(item["id"]),
                    views=item.get("views", {}).get("count"),
                    likes=item.get("likes", {}).get("count"),
                    comments=item.get("comments", {}).get("count"),
                    reposts=item.get("reposts", {}).get("count"),
                )
            if account.kind != "profile":
                reach = self.user(
                    account, "stats.getPostReach", owner_id=owner, post_ids=",".join(chunk)
                )
                for item in reach:
                    if str(item["post_id"]) in stats:
                        stats[str(item["post_id"])].reach = item.get("reach_total")
        return [stats[i] for i in map(str, external_ids) if i in stats]

    # Readers

    def fetch_updates(self, account, cursor, timeout: float = 0):
        """Bots Long Poll. The cursor keeps server, key and ts between calls."""
        state = json.loads(cursor) if cursor else self.long_poll_server(account)
        for _attempt in range(3):
            params = {
                "act": "a_check",
                "key": state["key"],
                "ts": state["ts"],
                "wait": int(timeout),
            }
            response = self.send(
                "GET", state["server"], params=params, timeout=max(10.0, timeout + 10)
            )
            body = loads(response, self.network)
            failed = body.get("failed")
            if failed == 1:
                state["ts"] = body["ts"]
            elif failed in (2, 3):
                fresh = self.long_poll_server(account)
                state.update(key=fresh["key"], server=fresh["server"])
                if failed == 3:
                    state["ts"] = fresh["ts"]
            else:
                state["ts"] = body["ts"]
                events = read_events(self.event, body.get("updates", []), network=self.network)
                return events, json.dumps(state)
        raise Transient("Long Poll ВКонтакте не отдаёт события", network="vk")

    def long_poll_server(self, account) -> dict:
        """A Long Poll server, once the community's Long Poll gives the events Vitrina reads
        (the same as the Callback API's); a key without the right to change the settings
        keeps those the community has."""
        try:
            self.community(
                account,
                "groups.setLongPollSettings",
                group_id=account.external_id,
                enabled=1,
                api_version=VERSION,
                **dict.fromkeys(CALLBACK_EVENTS, 1),
            )
        except Rejected as error:
            logger.warning("vk: Long Poll settings of %s unchanged: %s", account.external_id, error)
        server = self.community(account, "groups.getLongPollServer", group_id=account.external_id)
        return {"server": server["server"], "key": server["key"], "ts": server["ts"]}

    @staticmethod
    def event(update: dict) -> InboundEvent | list[InboundEvent] | None:
        obj = update.get("object", {})
        kind = update.get("type")
        if kind == "message_new":
            message = obj.get("message", obj)
            event = InboundEvent(
                kind="message",
                external_id=f"m{message['id']}",
                thread=str(message["peer_id"]),
                text=message.get("text", ""),
                author_id=str(message["from_id"]),
                created_at=moment(message["date"]),
                raw=update,
            )
            if not message.get("ref"):
                return event
            # The first message after vk.me/…?ref=… opens the dialog with that payload.
            started = InboundEvent(
                kind="dialog_started",
                external_id=f"s{message['id']}",
                thread=event.thread,
                text="",
                author_id=event.author_id,
                created_at=event.created_at,
                raw={"start": str(message["ref"]), "event": update},
            )
            return [started, event]
        if kind in ("message_allow", "message_deny"):
            user = str(obj["user_id"])
            allowed = kind == "message_allow"
            return InboundEvent(
                kind="dialog_allowed" if allowed else "dialog_stopped",
                external_id=f"{'a' if allowed else 'd'}{user}_{update.get('event_id', '')}",
                thread=user,
                text="",
                author_id=user,
                raw={"key": str(obj.get("key") or ""), "event": update}
                if allowed
                else {"event": update},
            )
        if kind == "message_event":
            payload = obj.get("payload")
            if isinstance(payload, dict):
                payload = payload.get("cmd", json.dumps(payload, ensure_ascii=False))
            return InboundEvent(
                kind="button",
                external_id=f"b{obj['event_id']}",
                thread=str(obj.get("peer_id") or obj["user_id"]),
                text="" if payload is None else str(payload),
                author_id=str(obj["user_id"]),
                raw={"event_id": str(obj["event_id"]), "event": update},
            )
        if update.get("type") == "wall_reply_new":
            return InboundEvent(
                kind="comment",
                external_id=f"c{obj['post_id']}_{obj['id']}",
                thread=str(obj["post_id"]),
                text=obj.get("text", ""),
                author_id=str(obj["from_id"]),
                created_at=moment(obj["date"]),
                reply_to=str(obj["parents_stack"][-1]) if obj.get("parents_stack") else None,
                raw=dict(update, reply_comment_id=obj["id"]),
            )
        return None

    def parse_webhook(self, account, headers, body: bytes) -> WebhookResult:
        # VK puts its secret inside the body: only a JSON object can be checked at all.
        data = json_object(body)
        if data is None:
            return WebhookResult([], 400, "bad request")
        if str(data.get("group_id")) != str(account.external_id):
            return WebhookResult([], 403, "wrong group")
        if data.get("type") == "confirmation":
            return WebhookResult([], 200, account.extra.get("confirmation_code", ""))
        secret = account.tokens.get("webhook_secret", "")
        given = str(data.get("secret", ""))
        # Without a stored secret nothing can be verified, so nothing is accepted.
        if not secret or not hmac.compare_digest(secret, given):
            return WebhookResult([], 403, "bad secret")
        try:
            events = read_all(self.event, data)
        except Malformed as error:
            # VK repeats every event not answered "ok": a broken one would come forever.
            logger.warning("vk: a webhook event skipped: %s", error)
            return WebhookResult([], 200, "ok")
        return WebhookResult(events, 200, "ok")

    def reply(self, account, target: ReplyTarget, text: str) -> str:
        if target.kind == "message":
            if len(text) > 9000:
                raise Rejected(914, REJECTIONS[914], network="vk")
            message_id = self.community(
                account,
                "messages.send",
                write=True,
                peer_id=target.thread,
                random_id=stable_id(target.thread, target.reply_to, text),
                message=text,
            )
            return str(message_id)
        reply_to = target.extra.get("reply_comment_id")
        result = self.community(
            account,
            "wall.createComment",
            write=True,
            owner_id=self.owner_id(account),
            post_id=target.thread,
            from_group=account.external_id,
            message=text,
            reply_to_comment=reply_to,
        )
        return str(result["comment_id"])

    # Private dialogs with readers

    @staticmethod
    def keyboard(buttons) -> str | None:
        """An inline keyboard: callback buttons send ``{"cmd": payload}`` back in
        ``message_event``; link buttons open their address."""
        if not buttons:
            return None
        per_row = 1 if len(buttons) <= KEYBOARD_ROWS else 2
        if len(buttons) > KEYBOARD_ROWS * per_row:
            raise Rejected(
                "too_many_buttons", "Не больше 12 кнопок под сообщением ВКонтакте.", network="vk"
            )
        cells = []
        for button in buttons:
            label = button.label if len(button.label) <= LABEL else button.label[: LABEL - 1] + "…"
            if button.kind == "link":
                action = {"type": "open_link", "link": button.url, "label": label}
            else:
                payload = json.dumps({"cmd": button.payload}, ensure_ascii=False)
                if len(payload) > 255:
                    raise Rejected(
                        "button_payload",
                        "Данные кнопки длиннее, чем принимает ВКонтакте.",
                        network="vk",
                    )
                action = {"type": "callback", "label": label, "payload": payload}
            cells.append({"action": action})
        rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
        return json.dumps({"inline": True, "buttons": rows}, ensure_ascii=False)

    def send_direct(self, account, message: DirectMessage) -> SentMessage:
        """``messages.send`` with ``random_id`` from the key: VK keeps the first message sent
        with a random_id and answers a repeat with its id instead of sending a second one, so
        a retry after a lost answer never doubles the message."""
        if len(message.text) > self.messaging.text:
            raise Rejected(914, REJECTIONS[914], network="vk")
        message_id = self.community(
            account,
            "messages.send",
            write=True,
            peer_id=message.user_id,
            random_id=stable_id(message.key),
            message=message.text,
            keyboard=self.keyboard(message.buttons),
            dont_parse_links=1,
        )
        return SentMessage(str(message_id), datetime.now(UTC))

    def find_direct(self, account, message: DirectMessage) -> SentMessage | None:
        """The dialog's recent messages (``messages.getHistory``) hold the outgoing one with
        the key's ``random_id`` if it went out."""
        wanted = stable_id(message.key)
        history = self.community(account, "messages.getHistory", peer_id=message.user_id, count=100)
        for item in history.get("items", []):
            if item.get("out") and item.get("random_id") == wanted:
                return SentMessage(str(item["id"]), datetime.fromtimestamp(item["date"], UTC))
        return None

    def answer_button(self, account, event: InboundEvent, text: str = "") -> None:
        """``messages.sendMessageEventAnswer``: the button stops spinning; ``text`` shows as
        a snackbar (90 characters at most)."""
        data = {"type": "show_snackbar", "text": text[:90]} if text else None
        self.community(
            account,
            "messages.sendMessageEventAnswer",
            event_id=event.raw.get("event_id", ""),
            user_id=event.author_id,
            peer_id=event.thread,
            event_data=json.dumps(data, ensure_ascii=False) if data else None,
        )

    def user_names(self, account, user_ids) -> dict[str, str]:
        """``users.get`` for up to 1000 ids a call. Communities' ids (negative) and deleted or
        blocked pages get no name."""
        token_kind = "community" if account.tokens.get("community") else "user"
        ids = [i for i in dict.fromkeys(map(str, user_ids)) if i.isdigit()]
        names = {}
        for start in range(0, len(ids), 1000):
            people = self.call(
                "users.get",
                account.tokens.get(token_kind, ""),
                token_kind,
                user_ids=",".join(ids[start : start + 1000]),
            )
            for person in people:
                if person.get("deactivated"):
                    continue
                name = f"{person.get('first_name', '')} {person.get('last_name', '')}".strip()
                if name:
                    names[str(person["id"])] = name
        return names

    def confirmation_code(self, account) -> str:
        result = self.community(
            account, "groups.getCallbackConfirmationCode", group_id=account.external_id
        )
        return result["code"]

    def webhook_register(self, account, url: str, secret: str) -> None:
        """Add the address as the community's Callback API server for messages and comments.

        VK checks a new server at once by asking it for the confirmation code, so the code
        must be stored before this is called.
        """
        self.webhook_unregister(account, url)
        server = self.community(
            account,
            "groups.addCallbackServer",
            group_id=account.external_id,
            url=url,
            title="Витрина",
            secret_key=secret,
        )
        self.community(
            account,
            "groups.setCallbackSettings",
            group_id=account.external_id,
            server_id=server["server_id"],
            api_version=VERSION,
            **dict.fromkeys(CALLBACK_EVENTS, 1),
        )

    def webhook_unregister(self, account, url: str) -> None:
        servers = self.community(account, "groups.getCallbackServers", group_id=account.external_id)
        for server in servers.get("items", []):
            if server.get("url") == url:
                self.community(
                    account,
                    "groups.deleteCallbackServer",
                    group_id=account.external_id,
                    server_id=server["id"],
                )

    # Connection

    def check_connection(self, account) -> ConnectionReport:
        report = ConnectionReport()
        if account.tokens.get("user") and account.kind == "profile":
            try:
                self.user(account, "wall.get", owner_id=account.external_id, count=1)
                report.can_post = True
                report.details["id"] = account.external_id
            except AuthExpired as exc:
                report.auth_failed = True
                report.problems.append(exc.message)
            except Rejected as exc:
                report.problems.append(exc.message)
        elif account.tokens.get("user"):
            try:
                group = self.group(account, "user")
                report.name = group.get("name", "")
                report.followers = group.get("members_count")
                report.details["id"] = str(group["id"])
                report.can_post = bool(group.get("is_admin"))
                if not report.can_post:
                    report.problems.append(
                        "Ключ VK ID выдан пользователю, который не администратор сообщества."
                    )
                today = int(time.time())
                self.call(
                    "stats.get",
                    account.tokens["user"],
                    "user",
                    group_id=group["id"],
                    timestamp_from=today - 86400,
                    timestamp_to=today,
                )
                report.can_read_stats = True
            except AuthExpired as exc:
                report.auth_failed = True
                report.problems.append(exc.message)
            except Rejected as exc:
                report.problems.append(exc.message)
        else:
            report.missing_tokens.append("user")
            report.problems.append(
                "Нет ключа администратора (VK ID): публикация и статистика недоступны. "
                "Подключите ВКонтакте через VK ID."
            )
        if account.kind == "profile":
            return report
        if account.tokens.get("community"):
            try:
                group = self.group(account, "community")
                report.name = report.name or group.get("name", "")
                report.followers = report.followers or group.get("members_count")
                report.details.setdefault("id", str(group["id"]))
                report.can_message = True
            except AuthExpired as exc:
                report.auth_failed = True
                report.problems.append(exc.message)
            except Rejected as exc:
                report.problems.append(exc.message)
        else:
            report.missing_tokens.append("community")
            report.problems.append(
                "Нет ключа сообщества: сообщения и комментарии читателей не будут приходить. "
                "Создайте ключ в настройках сообщества («Работа с API») и вставьте его."
            )
        return report

    def group(self, account, kind: str) -> dict:
        token = account.tokens[kind]
        result = self.call(
            "groups.getById", token, kind, group_id=account.external_id, fields="members_count"
        )
        return result["groups"][0]


def group_from_url(url: str) -> str:
    """``https://vk.com/medlib42`` → ``medlib42`` (a screen name or ``club123``)."""
    return urlsplit(url if "//" in url else f"https://{url}").path.strip("/").split("/")[0]
