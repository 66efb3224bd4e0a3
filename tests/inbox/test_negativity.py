import csv
from pathlib import Path

import pytest

from tests.inbox.test_views import write
from vitrina.core.exceptions import ServiceError
from vitrina.core.roles import Role
from vitrina.inbox.models import Thread, ThreadStatus
from vitrina.inbox.negativity import assess, is_negative, lemmas
from vitrina.inbox.services import replies, threads

DATA = Path(__file__).resolve().parents[2] / "bench" / "data" / "negativity_ru.tsv"


def test_lemmas_cover_word_forms():
    assert lemmas("Нагрубили в очередях") == ["нагрубить", "в", "очередь"]


@pytest.mark.parametrize(
    "text",
    [
        "Третий раз звоню — никто не берёт трубку.",
        "Компьютеры в читальном зале опять не работают.",
        "Мне насчитали штраф за книгу, которую я вернула вовремя!",
        "Безобразие, а не библиотека!",
        "Мероприятие не понравилось совсем.",
    ],
)
def test_complaints_are_negative(text):
    assert is_negative(text), assess(text)


@pytest.mark.parametrize(
    "text",
    [
        "Спасибо за встречу, очень понравилось!",
        "Не плохо было бы повторить.",
        "Никаких претензий, всё отлично.",
        "Можно продлить книги ещё на две недели?",
        "Не могу дождаться следующей части!",
    ],
)
def test_other_messages_are_not(text):
    assert not is_negative(text), assess(text)


def test_labelled_set_is_large_and_meets_the_target():
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) >= 300
    negative = [row for row in rows if row["label"] in {"complaint", "hostile"}]
    found = sum(1 for row in negative if is_negative(row["text"]))
    flagged = sum(1 for row in rows if is_negative(row["text"]))
    assert found / len(negative) >= 0.85
    assert found / flagged >= 0.75


@pytest.mark.django_db
def test_a_complaint_flags_the_thread_for_a_senior(admin_membership, member_factory, channel):
    message = write(channel, 1, text="Библиотекарь нагрубила моей маме, безобразие!")
    thread = Thread.objects.get(pk=message.thread_id)
    assert message.negative and thread.flagged
    assert thread.tags.filter(tag="complaint").exists()
    reference = member_factory(role=Role.REFERENCE)
    with pytest.raises(ServiceError):
        replies.reply_send(thread=thread, membership=reference, text="Извините")
    with pytest.raises(ServiceError):
        threads.thread_update(
            thread=thread, membership=reference, status=ThreadStatus.CLOSED, assignee=None
        )
    # The senior assigns it; then the reference librarian may work on it.
    threads.thread_update(
        thread=thread,
        membership=admin_membership,
        status=ThreadStatus.IN_PROGRESS,
        assignee=reference,
    )
    thread.refresh_from_db()
    with pytest.raises(ServiceError):
        threads.thread_update(
            thread=thread,
            membership=reference,
            status=ThreadStatus.IN_PROGRESS,
            assignee=reference,
            flagged=False,
        )
    threads.thread_update(
        thread=thread,
        membership=admin_membership,
        status=thread.status,
        assignee=reference,
        flagged=False,
    )
    thread.refresh_from_db()
    assert not thread.flagged


@pytest.mark.django_db
def test_a_question_is_not_flagged(channel):
    message = write(channel, 1, text="Подскажите, до скольки вы работаете в субботу?")
    assert not Thread.objects.get(pk=message.thread_id).flagged
