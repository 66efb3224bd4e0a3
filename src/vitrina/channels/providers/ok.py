"""Odnoklassniki: ``/fb.do`` with ``application_key``, ``format=json``, ``access_token`` and the
request signature ``sig``. Errors come in the ``invocation-error`` header and the body.
OK publishes no rate limits: Vitrina's are settings (``VITRINA_OK_RPS``)."""

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vitrina.channels.networks import Kind, SecretKind

from .base import Provider, loads, same_text
from .errors import AuthExpired, ProviderError, RateLimited, Rejected, Transient
from .oauth import OkOAuth
from .registry import register
from .types import (
    AccountPost,
    Address,
    ConnectionReport,
    DayStats,
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
    WebhookResult,
)

REJECTIONS = {
    3: "Одноклассники не знают такого метода.",
    4: "Одноклассники отклонили запрос как неверный.",
    7: "Действие заблокировано Одноклассниками.",
    9: "Одноклассники заблокировали запросы с адреса сервера.",
    50: "Вы не администратор этой группы в Одноклассниках.",
    100: "Одноклассники отклонили параметры запроса.",
    101: "Неизвестный ключ приложения Одноклассников: проверьте настройки.",
    104: "Неверная подпись запроса: проверьте секретный ключ приложения Одноклассников.",
}
AUTH = {
    10: "Нет прав на публикацию в группе: подключите Одноклассники заново и разрешите "
    "управление группой.",
    102: "Сессия Одноклассников истекла: подключите канал заново.",
    103: "Ключ доступа Одноклассников недействителен: подключите канал заново.",
}
RATE = {8: 1.0, 11: 3600.0}
TRANSIENT = {1: "Неизвестная ошибка Одноклассников", 2: "Сервис Одноклассников недоступен"}


def signature(params: dict, access_token: str, secret_key: str) -> str:
    """md5 of the sorted ``k=v`` pairs (without the token) and md5(token + app secret)."""
    joined = "".join(
        f"{k}={params[k]}"
        for k in sorted(params)
        if k not in ("sig", "access_token", "session_key")
    )
    session_secret = hashlib.md5((access_token + secret_key).encode()).hexdigest()  # noqa: S324
    return hashlib.md5((joined + session_secret).encode()).hexdigest().lower()  # noqa: S324


def ok_error(code: int, text: str) -> ProviderError:
    known = {"code": code, "network": "ok", "detail": text}
    if code in RATE:
        return RateLimited(RATE[code], f"Одноклассники: {text}", **known)
    if code in AUTH:
        return AuthExpired(AUTH[code], **known)
    if code in TRANSIENT:
        return Transient(TRANSIENT[code], **known)
    summary = REJECTIONS.get(code, f"Одноклассники отказали (код {code}).")
    message = REJECTIONS.get(code, f"Одноклассники отказали: {text} (код {code})")
    if code == 100 and text:
        message = f"{message} ({text})"
    return Rejected(code, message, network="ok", detail=text, summary=summary)


@register
class OkProvider(Provider):
    network = "ok"
    title = "Одноклассники"
    default_url = "https://api.ok.ru"
    settings_name = "OK_API_URL"
    limits = Limits(
        text=20000,
        caption=None,
        media=10,
        polls=True,
        poll_question=255,
        poll_options=20,
        poll_option_length=100,
        messages=False,
        account_stats_kinds=(Kind.GROUP,),
        no_account_stats="Одноклассники дают статистику только группам, не личным профилям.",
        # OK publishes no cap; the sandbox's 100 topics a day is unverified, so none is set.
        notes=("Сообщения группы через API не поддерживаются; комментарии — да.",),
    )
    kinds = (Kind.PROFILE, Kind.GROUP)
    community_kind = "group"
    recommended_kind = Kind.GROUP
    official_page_required = True
    kind_notes = {
        Kind.PROFILE: _(
            "A personal profile in Odnoklassniki belongs to a person: friends, not "
            "subscribers, and no statistics. An institution should not be kept as one."
        ),
        Kind.GROUP: _(
            "Odnoklassniki now has two kinds of communities: «Страницы» (an institution, a "
            "company, a place) and «Группы по интересам». For the library's official page "
            "choose a page of an institution; Vitrina connects either as a group."
        ),
    }
    secrets = (
        SecretSpec(
            SecretKind.USER_TOKEN,
            "access_token",
            enterable=True,
            help=_("A token with the GROUP_CONTENT permission of a group administrator."),
        ),
    )
    address = Address(
        hosts=frozenset({"ok.ru", "odnoklassniki.ru"}),
        example="https://ok.ru/group/…",
        id_pattern=re.compile(r"^/(?:profile|group)/(\d+)$"),
    )
    receiving = Receiving(
        polling_help=_(
            "Odnoklassniki does not send events to groups. Vitrina asks every few seconds for "
            "new comments under the group's latest topics and continues where it stopped "
            "after a restart. Messages to the group are not available through "
            "Odnoklassniki's API."
        ),
        no_webhooks="Одноклассники не присылают события группам: входящие получают только опросом.",
    )
    # Groups' messages answer readers only: a group cannot write first (a reminder).
    messaging = Messaging(
        can_write_first=False,
        note="В Одноклассниках группа может только отвечать читателям, которые написали ей "
        "сами: написать первой — например, напомнить о сроке возврата книги — она не может.",
    )
    pace_rate = "rps"
    oauth_label = _("Connect with Odnoklassniki")

    @classmethod
    def default_rates(cls) -> dict:
        return {"rps": 4.5}  # OK does not publish a limit: keep modest, configurable

    @classmethod
    def app_tokens(cls) -> dict[str, str]:
        # Every call is signed with the application's keys besides the user's token.
        return {
            "application_key": settings.OK_APPLICATION_KEY,
            "application_secret_key": settings.OK_CLIENT_SECRET,
        }

    @classmethod
    def post_link(cls, account: ProviderAccount, external_id: str) -> str:
        if not account.external_id:
            return ""
        place, part = ("profile", "statuses") if account.kind == "profile" else ("group", "topic")
        return f"https://ok.ru/{place}/{account.external_id}/{part}/{external_id}"

    @classmethod
    def oauth_flow(cls, redirect_uri: str) -> OkOAuth:
        return OkOAuth(
            settings.OK_OAUTH_URL,
            settings.OK_API_URL,
            settings.OK_CLIENT_ID,
            settings.OK_CLIENT_SECRET,
            redirect_uri,
        )

    def call(self, account, method: str, *, write=False, **params):
        tokens = account.tokens
        token = tokens.get("access_token")
        if not token:
            raise AuthExpired("Нет ключа доступа Одноклассников.", code="no_token", network="ok")
        self.throttle(token, rate=self.rates["rps"], burst=3)
        data = {k: str(v) for k, v in params.items() if v is not None}
        data.update(method=method, application_key=tokens.get("application_key", ""), format="json")
        data["sig"] = signature(data, token, tokens.get("application_secret_key", ""))
        data["access_token"] = token
        response = self.send("POST", f"{self.base_url}/fb.do", data=data, write=write)
        body = loads(response, self.network)
        header = response.headers.get("invocation-error")
        if header or (isinstance(body, dict) and "error_code" in body):
            code = int(header or body.get("error_code", 1))
            raise ok_error(code, body.get("error_msg", "") if isinstance(body, dict) else "")
        return body

    @staticmethod
    def is_group(account) -> bool:
        return account.kind != "profile"

    def scope(self, account) -> dict:
        key = "gid" if self.is_group(account) else "uid"
        return {key: account.external_id}

    def topic_url(self, account, topic_id) -> str:
        if self.is_group(account):
            return f"https://ok.ru/group/{account.external_id}/topic/{topic_id}"
        return f"https://ok.ru/profile/{account.external_id}/statuses/{topic_id}"

    def upload_photos(self, account, photos) -> list[dict]:
        target = self.call(
            account, "photosV2.getUploadUrl", count=len(photos), **self.scope(account)
        )
        files = {
            f"pic{i + 1}": (p.filename, p.content, p.content_type) for i, p in enumerate(photos)
        }
        uploaded = loads(self.send("POST", target["upload_url"], files=files), self.network)
        if "photos" not in uploaded:
            raise Rejected("upload", "Одноклассники не приняли фотографии.", network="ok")
        return [{"id": uploaded["photos"][pid]["token"]} for pid in target["photo_ids"]]

    def publish(self, account, payload: Payload) -> Published:
        self.check_payload(payload)
        media = []
        if payload.text:
            media.append({"type": "text", "text": payload.text})
        if payload.photos:
            media.append({"type": "photo", "list": self.upload_photos(account, payload.photos)})
        if payload.link:
            media.append({"type": "link", "url": payload.link})
        if payload.poll:
            media.append(
                {
                    "type": "poll",
                    "question": payload.poll.question,
                    "answers": [{"text": a} for a in payload.poll.answers],
                    "options": "MultipleChoice" if payload.poll.multiple else "SingleChoice",
                }
            )
        topic_id = self.call(
            account,
            "mediatopic.post",
            write=True,
            type="GROUP_THEME" if self.is_group(account) else "USER",
            attachment=json.dumps({"media": media}, ensure_ascii=False),
            **self.scope(account),
        )
        topic_id = str(topic_id)
        return Published(topic_id, self.topic_url(account, topic_id), raw={"id": topic_id})

    def topics(self, account, count=50) -> list[dict]:
        result = self.call(account, "mediatopic.getTopics", count=count, **self.scope(account))
        return result.get("media_topics", [])

    def list_recent_posts(self, account, since) -> list[AccountPost]:
        """``mediatopic.getTopics`` page by page: each answer's ``anchor`` asks for the next
        100 topics, ``has_more`` says whether there are any."""
        found, anchor = [], None
        while True:
            result = self.call(
                account,
                "mediatopic.getTopics",
                count=100,
                anchor=anchor,
                direction="FORWARD" if anchor else None,
                **self.scope(account),
            )
            topics = result.get("media_topics", [])
            for topic in topics:
                published = datetime.fromtimestamp(topic["created_ms"] / 1000, UTC)
                if published >= since:
                    text = "".join(m.get("text", "") for m in topic["media"] if m["type"] == "text")
                    found.append(AccountPost(str(topic["id"]), published, text))
            oldest = min((topic["created_ms"] for topic in topics), default=None)
            anchor = result.get("anchor")
            if (
                not topics
                or not result.get("has_more")
                or not anchor
                or oldest < since.timestamp() * 1000
            ):
                return found

    def find_published(self, account, payload, since=None):
        for topic in self.topics(account):
            text = "".join(m.get("text", "") for m in topic["media"] if m["type"] == "text")
            if since and topic["created_ms"] < since.timestamp() * 1000 - 60000:
                continue
            if same_text(text, payload.text):
                when = datetime.fromtimestamp(topic["created_ms"] / 1000, UTC)
                return Published(
                    topic["id"], self.topic_url(account, topic["id"]), topic, published_at=when
                )
        return None

    def delete(self, account, external_id):
        self.call(account, "mediatopic.deleteTopic", topic_id=external_id, **self.scope(account))

    def followers(self, account) -> int | None:
        result = self.call(
            account, "group.getCounters", group_id=account.external_id, counterTypes="members"
        )
        return result.get("counters", {}).get("members")

    def fetch_account_stats(self, account, day_from, day_to):
        if not self.is_group(account):
            raise Rejected("stats_unavailable", self.limits.no_account_stats, network="ok")
        start = datetime.combine(day_from, datetime.min.time(), UTC)
        end = datetime.combine(day_to + timedelta(days=1), datetime.min.time(), UTC)
        trends = self.call(
            account,
            "group.getStatTrends",
            gid=account.external_id,
            start_time=int(start.timestamp() * 1000),
            end_time=int(end.timestamp() * 1000),
            fields="reach,engagement,members_count,members_diff",
        )
        days: dict = {}
        for field_name, target in (
            ("reach", "reach"),
            ("engagement", "likes"),
            ("members_count", "followers"),
            ("members_diff", "subscribed"),
        ):
            for point in trends.get(field_name, []):
                day = datetime.fromtimestamp(point["time"] / 1000, UTC).date()
                stats = days.setdefault(day, DayStats(day=day))
                setattr(stats, target, point["value"])
        return [days[d] for d in sorted(days)]

    def fetch_post_stats(self, account, external_ids):
        """The topics asked for by id (``topic_ids``, 100 a call), however old."""
        ids = list(map(str, external_ids))
        stats = []
        for start in range(0, len(ids), 100):
            chunk = ids[start : start + 100]
            result = self.call(
                account,
                "group.getStatTopics",
                gid=account.external_id,
                topic_ids=",".join(chunk),
                fields="reach,engagement,likes,comments,reshares,views",
            )
            stats += [
                PostStats(
                    t["id"],
                    views=t.get("views"),
                    reach=t.get("reach"),
                    likes=t.get("likes"),
                    comments=t.get("comments"),
                    reposts=t.get("reshares"),
                )
                for t in result.get("topics", [])
                if t["id"] in chunk
            ]
        return stats

    def fetch_updates(self, account, cursor, timeout: float = 0):
        """New comments under recent topics; OK has no push for them, so this polls."""
        seen = json.loads(cursor) if cursor else {}
        events = []
        for topic in self.topics(account, 20):
            count = topic.get("discussion_summary", {}).get("comments_count", 0)
            last = seen.get(topic["id"])
            if not count or (last and last.get("count") == count):
                continue
            result = self.call(
                account,
                "discussions.getDiscussionComments",
                discussionId=topic["id"],
                discussionType="GROUP_TOPIC",
                count=100,
                **self.scope(account),
            )
            known = last["last"] if last else ""
            comments = result.get("comments", [])
            for comment in comments:
                if known and int(comment["id"]) <= int(known):
                    continue
                if comment["author_id"] == str(account.external_id):
                    continue
                events.append(
                    InboundEvent(
                        kind="comment",
                        external_id=f"c{topic['id']}_{comment['id']}",
                        thread=topic["id"],
                        text=comment["text"],
                        author_id=comment["author_id"],
                        author_name=comment.get("author_name", ""),
                        created_at=datetime.fromtimestamp(comment["date_ms"] / 1000, UTC),
                        raw=dict(comment, reply_comment_id=comment["id"]),
                    )
                )
            if comments:
                seen[topic["id"]] = {"count": count, "last": comments[-1]["id"]}
        return events, json.dumps(seen)

    def parse_webhook(self, account, headers, body: bytes) -> WebhookResult:
        raise Rejected("webhooks_unsupported", "Одноклассники не присылают события группам.")

    def reply(self, account, target: ReplyTarget, text: str) -> str:
        if target.kind != "comment":
            raise Rejected(
                "messages_unsupported", "Ответ в личные сообщения Одноклассников недоступен."
            )
        return str(
            self.call(
                account,
                "discussions.addDiscussionComment",
                write=True,
                discussionId=target.thread,
                discussionType="GROUP_TOPIC",
                text=text,
                replyToCommentId=target.extra.get("reply_comment_id"),
                **self.scope(account),
            )
        )

    def check_connection(self, account) -> ConnectionReport:
        report = ConnectionReport()
        try:
            self.call(account, "users.getCurrentUser")
            self.topics(account, 1)
            report.can_post = True
            report.details["id"] = account.external_id
            if self.is_group(account):
                report.followers = self.followers(account)
                report.can_read_stats = True
            report.details["messages"] = "Сообщения группы через API недоступны."
        except AuthExpired as exc:
            report.auth_failed = True
            report.problems.append(exc.message)
        except Rejected as exc:
            report.problems.append(exc.message)
        return report
