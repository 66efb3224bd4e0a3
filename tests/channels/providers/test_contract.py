"""Every provider against the sandbox over real HTTP: publish, figures, readers, failures."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from vitrina.channels.providers.errors import (
    AuthExpired,
    RateLimited,
    Rejected,
    Transient,
    Unverifiable,
)
from vitrina.channels.providers.types import Payload, Photo, Poll, ReplyTarget

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2048 + b"\xff\xd9"
ACCOUNTS = {
    "vk": "vk:medlib42",
    "ok": "ok:group/70000001234567",
    "telegram": "telegram:medlib42_news",
    "max": "max:medlib42",
}
NETWORKS = list(ACCOUNTS)


def photo(name="cover.jpg"):
    return Photo(JPEG, name, alt="Обложка книги")


@pytest.mark.parametrize("network", NETWORKS)
def test_publish_text_and_photo_appears_on_the_wall(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    text = "Встреча с Анной Петровой в читальном зале"
    published = provider.publish(account, Payload(text=text, photos=[photo()], marker="p-1"))
    assert published.external_id
    assert published.url.startswith("https://")
    world = sandbox.http.get("/sandbox/control/accounts").json()
    assert next(a for a in world if a["key"] == ACCOUNTS[network])["posts"] == 9
    page = sandbox.http.get("/sandbox/").text
    assert "Встреча с Анной Петровой" in page


@pytest.mark.parametrize("network", ["vk", "ok", "telegram"])
def test_publish_poll(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    poll = Poll("Какие лекции вам интересны?", ["История медицины", "Новые книги"])
    published = provider.publish(account, Payload(text="Опрос недели", poll=poll))
    assert published.external_id


def test_max_refuses_polls_before_sending(sandbox):
    provider, account = sandbox.provider("max"), sandbox.account(ACCOUNTS["max"])
    with pytest.raises(Rejected) as caught:
        provider.publish(account, Payload(text="?", poll=Poll("Вопрос", ["да", "нет"])))
    assert caught.value.code == "polls_unsupported"


def test_telegram_media_group_and_long_caption_split(sandbox):
    provider, account = sandbox.provider("telegram"), sandbox.account(ACCOUNTS["telegram"])
    text = "Новые книги. " * 100  # 1300 characters: longer than a caption may be
    published = provider.publish(account, Payload(text=text, photos=[photo("a"), photo("b")]))
    messages = published.raw["messages"]
    assert len(messages) == 3
    assert "caption" not in messages[0]
    assert messages[-1]["text"] == text
    assert published.external_id == str(messages[-1]["message_id"])
    assert len(published.related_ids) == 2


def test_telegram_part_sent_then_failure_is_an_unknown_outcome(sandbox):
    provider, account = sandbox.provider("telegram"), sandbox.account(ACCOUNTS["telegram"])
    sandbox.fault(network="telegram", method="sendMessage", error_rate=1, error=500, count=1)
    with pytest.raises(Transient) as caught:
        provider.publish(account, Payload(text="Длинный текст. " * 100, photos=[photo()]))
    assert caught.value.outcome_unknown
    assert "Часть публикации уже в канале" in caught.value.message


def test_telegram_text_too_long_is_refused(sandbox):
    provider, account = sandbox.provider("telegram"), sandbox.account(ACCOUNTS["telegram"])
    with pytest.raises(Rejected):
        provider.publish(account, Payload(text="а" * 5000))


def test_vk_guid_makes_a_repeated_publish_return_the_same_post(sandbox):
    provider, account = sandbox.provider("vk"), sandbox.account(ACCOUNTS["vk"])
    first = provider.publish(account, Payload(text="Один раз", marker="guid-42"))
    again = provider.publish(account, Payload(text="Один раз", marker="guid-42"))
    assert first.external_id == again.external_id


def test_vk_daily_cap_is_explained_in_russian(sandbox):
    sandbox.settings(vk_daily_posts=1)  # the cap is 50; one keeps the test short
    provider, account = sandbox.provider("vk"), sandbox.account(ACCOUNTS["vk"])
    provider.publish(account, Payload(text="Первая запись за сутки"))
    with pytest.raises(Rejected) as caught:
        provider.publish(account, Payload(text="Вторая запись"))
    assert caught.value.code == 214
    assert caught.value.message == "Достигнут дневной лимит публикаций сообщества (50 в сутки)"


@pytest.mark.parametrize("network", ["vk", "ok", "max"])
def test_lost_answer_then_find_published(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    method = {"vk": "wall.post", "ok": "mediatopic.post", "max": "messages.send"}[network]
    sandbox.fault(network=network, method=method, drop_rate=1, count=1)
    payload = Payload(text="Потерянный ответ, но запись есть", marker="lost-1")
    started = datetime.now(UTC)
    with pytest.raises(Transient) as caught:
        provider.publish(account, payload)
    assert caught.value.outcome_unknown
    found = provider.find_published(account, payload, since=started)
    assert found is not None and found.external_id
    assert provider.find_published(account, Payload(text="Такой записи не было")) is None


def test_telegram_cannot_verify_a_lost_answer(sandbox):
    provider, account = sandbox.provider("telegram"), sandbox.account(ACCOUNTS["telegram"])
    sandbox.fault(network="telegram", method="sendMessage", drop_rate=1, count=1)
    with pytest.raises(Transient) as caught:
        provider.publish(account, Payload(text="Ответ потерян"))
    assert caught.value.outcome_unknown
    with pytest.raises(Unverifiable):
        provider.find_published(account, Payload(text="Ответ потерян"))
    assert provider.limits.verifiable is False


@pytest.mark.parametrize("network", NETWORKS)
def test_delete(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    published = provider.publish(account, Payload(text="Удалить меня"))
    provider.delete(account, published.external_id)
    before = next(
        a
        for a in sandbox.http.get("/sandbox/control/accounts").json()
        if a["key"] == ACCOUNTS[network]
    )
    assert before["posts"] == 8


@pytest.mark.parametrize("network", ["vk", "ok", "max"])
def test_figures_grow_and_stats_agree_with_the_wall(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    published = provider.publish(account, Payload(text="Фотоотчёт", photos=[photo()]))
    sandbox.advance(6 * 3600)
    early = provider.fetch_post_stats(account, [published.external_id])[0]
    sandbox.advance(3 * 86400)
    late = provider.fetch_post_stats(account, [published.external_id])[0]
    assert late.views > early.views > 0
    today = date.today() + timedelta(days=4)
    days = provider.fetch_account_stats(account, today - timedelta(days=7), today)
    assert days
    if network != "max":
        assert sum(d.reach or 0 for d in days) > 0
    assert any(d.followers for d in days) or network == "ok"


def test_telegram_stats_are_subscribers_only(sandbox):
    provider, account = sandbox.provider("telegram"), sandbox.account(ACCOUNTS["telegram"])
    today = timezone.localdate()  # Vitrina's day, whatever the server's calendar says
    days = provider.fetch_account_stats(account, today, today)
    assert len(days) == 1 and days[0].followers > 600 and days[0].views is None
    assert provider.fetch_post_stats(account, ["1"]) == []
    assert provider.limits.post_stats is False


@pytest.mark.parametrize("network", ["vk", "telegram", "max"])
def test_reader_message_arrives_and_gets_an_answer(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    events, cursor = provider.fetch_updates(account, None)
    assert events == []
    sandbox.reader_writes(ACCOUNTS[network], "Можно продлить «Лавра»?", reader_id=777001)
    events, cursor = provider.fetch_updates(account, cursor, timeout=2)
    assert [(e.kind, e.text, e.author_id) for e in events] == [
        ("message", "Можно продлить «Лавра»?", "777001")
    ]
    assert provider.reply(account, ReplyTarget.to(events[0]), "Продлили до 1 декабря.")
    again, _ = provider.fetch_updates(account, cursor)
    assert again == []
    assert "Продлили до 1 декабря." in sandbox.http.get("/sandbox/").text


@pytest.mark.parametrize("network", ["vk", "ok", "telegram"])
def test_reader_comment_arrives_and_gets_an_answer(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    published = provider.publish(account, Payload(text="Новая выставка"))
    _, cursor = provider.fetch_updates(account, None)
    sandbox.reader_writes(
        ACCOUNTS[network], "А до какого числа?", kind="comment", post_id=published.external_id
    )
    events, cursor = provider.fetch_updates(account, cursor, timeout=2)
    assert [(e.kind, e.thread, e.text) for e in events] == [
        ("comment", published.external_id, "А до какого числа?")
    ]
    provider.reply(account, ReplyTarget.to(events[0]), "До конца месяца.")
    assert "До конца месяца." in sandbox.http.get("/sandbox/").text


def test_simulated_readers_write_over_time(sandbox):
    provider, account = sandbox.provider("vk"), sandbox.account(ACCOUNTS["vk"])
    _, cursor = provider.fetch_updates(account, None)
    sandbox.advance(12 * 3600)
    events, _ = provider.fetch_updates(account, cursor)
    assert len(events) >= 5
    assert {e.kind for e in events} <= {"message", "comment"}


@pytest.mark.parametrize("network", NETWORKS)
def test_expired_token_means_reconnect(sandbox, network):
    provider, account = sandbox.provider(network), sandbox.account(ACCOUNTS[network])
    sandbox.expire_tokens(network)
    with pytest.raises(AuthExpired):
        provider.publish(account, Payload(text="После истечения ключа"))
    report = provider.check_connection(account)
    assert not report.can_post and report.problems


def test_vk_connection_report_names_the_missing_user_token(sandbox):
    provider = sandbox.provider("vk")
    full = provider.check_connection(sandbox.account(ACCOUNTS["vk"]))
    assert full.ok and full.can_post and full.can_read_stats and full.can_message
    assert full.followers >= 490  # the registry's figure, growing
    account = sandbox.account(ACCOUNTS["vk"])
    del account.tokens["user"]
    report = provider.check_connection(account)
    assert report.missing_tokens == ["user"]
    assert report.can_message and not report.can_post and not report.can_read_stats
    assert "VK ID" in report.problems[0]
    with pytest.raises(AuthExpired):
        provider.publish(account, Payload(text="Без ключа администратора"))


@pytest.mark.parametrize("network", NETWORKS)
def test_connection_report_when_everything_works(sandbox, network):
    report = sandbox.provider(network).check_connection(sandbox.account(ACCOUNTS[network]))
    assert report.can_post and not report.problems


def test_the_limiter_keeps_vk_under_its_rate_limit(sandbox):
    """Ten quick calls with one user token: VK allows 3 a second, none is refused."""
    provider, account = sandbox.provider("vk"), sandbox.account(ACCOUNTS["vk"])
    for _ in range(8):
        provider.followers(account)
        provider.user(account, "wall.get", owner_id=-int(account.external_id), count=1)


def test_without_the_limiter_the_sandbox_answers_error_6(sandbox):
    provider = sandbox.provider("vk", rates={"user_rps": 1000})
    account = sandbox.account(ACCOUNTS["vk"])
    with pytest.raises(RateLimited) as caught:
        for _ in range(10):
            provider.user(account, "wall.get", owner_id=-int(account.external_id), count=1)
    assert caught.value.code == 6


def test_telegram_429_carries_retry_after(sandbox):
    provider = sandbox.provider("telegram", rates={"chat_rps": 1000})
    account = sandbox.account(ACCOUNTS["telegram"])
    with pytest.raises(RateLimited) as caught:
        for number in range(6):
            provider.publish(account, Payload(text=f"Сообщение {number}"))
    assert caught.value.retry_after >= 1


def test_max_waits_for_the_picture_to_be_processed(sandbox):
    sandbox.settings(max_processing_seconds=0.5)
    provider, account = sandbox.provider("max"), sandbox.account(ACCOUNTS["max"])
    published = provider.publish(account, Payload(text="С картинкой", photos=[photo()]))
    assert published.raw["message"]["body"]["attachments"]


def test_timeouts_are_transient_with_unknown_outcome(sandbox):
    provider = sandbox.provider("max", timeout=0.5)
    account = sandbox.account(ACCOUNTS["max"])
    sandbox.fault(network="max", method="messages.send", timeout_rate=1, timeout_seconds=2, count=1)
    with pytest.raises(Transient) as caught:
        provider.publish(account, Payload(text="Медленная сеть"))
    assert caught.value.outcome_unknown
