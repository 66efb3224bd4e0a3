"""Which readers' messages are complaints or hostile, so that a senior librarian sees them first.

The method, kept simple enough to explain to a library:

1. Words are reduced to their lemmas with pymorphy3 («нагрубили» → «нагрубить»,
   «очередях» → «очередь»), so one dictionary entry covers every form.
2. A weighted lexicon scores hostile words (insults, «безобразие», «позор») and words of
   complaint («сломан», «отказать», «штраф»); words of thanks and praise score against.
3. Negation: «не»/«нет»/«ни» up to two words before a word turns it around —
   «не работает», «не ответили», «не понравилось» are complaints; «не плохо»,
   «никаких претензий» cancel the negative word.
4. Patterns of complaints about a library: queues, closed doors, fines, broken equipment,
   unanswered calls and messages, long waits («до сих пор», «уже месяц», «пятый раз»).

A message whose score reaches ``THRESHOLD`` is flagged. The weights were set on the
development part of the labelled set in ``bench/data/negativity_ru.tsv``; ``bench/negativity.py``
prints precision and recall on that part and on a held-out part never used for tuning.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pymorphy3

THRESHOLD = 1.0

HOSTILE = {
    # insults and outrage: flagged on their own
    "безобразие": 3,
    "безобразный": 3,
    "позор": 3,
    "позорище": 3,
    "хамство": 3,
    "хам": 3,
    "хамка": 3,
    "хамить": 3,
    "нахамить": 3,
    "нагрубить": 3,
    "грубо": 2,
    "грубый": 2,
    "отвратительный": 3,
    "мерзкий": 3,
    "кошмар": 2,
    "бардак": 3,
    "издевательство": 3,
    "издеваться": 3,
    "обнаглеть": 3,
    "бездельник": 3,
    "бестолковый": 3,
    "бесполезный": 2,
    "идиотский": 3,
    "тупой": 3,
    "отстой": 3,
    "плевать": 3,
    "стыдно": 2,
    "неуважение": 3,
    "безответственность": 3,
    "богадельня": 3,
    "врать": 2,
    "гнать": 2,
    "прокуратура": 3,
    "министерство": 1,
    "жаловаться": 3,
    "жалоба": 3,
    "недовольный": 3,
    "недовольна": 3,
    "разочаровать": 3,
    "разочарованный": 3,
    "возмутительный": 3,
    "невыносимо": 2,
    "невыносимый": 2,
    "надоесть": 2,
    "ужасный": 2,
    "ужас": 2,
    "ужасно": 1,
    "зарплата": 1,
    "незаконно": 2,
    "ненормально": 2,
    "неприятно": 2,
    "противно": 2,
    "раздражённо": 2,
    "скучно": 1,
    "плохой": 1,
    "плохо": 1,
}
COMPLAINT = {
    "сломать": 2,
    "сломаться": 2,
    "сломанный": 2,
    "отказать": 2,
    "отказаться": 2,
    "отказ": 1,
    "выгнать": 2,
    "выгонять": 2,
    "оштрафовать": 2,
    "потерять": 1,
    "потеряться": 1,
    "проигнорировать": 2,
    "игнорировать": 2,
    "запретить": 1,
    "грязный": 2,
    "рваный": 1,
    "холодно": 1,
    "холодный": 1,
    "душно": 2,
    "шумно": 2,
    "мигать": 2,
    "отменить": 1,
    "отменять": 1,
    "перепутать": 2,
    "тишина": 1,
    "отмахнуться": 2,
    "зря": 2,
    "опоздать": 1,
    "просрочка": 1,
    "удалить": 1,
    "опасно": 1,
    "устаревший": 1,
    "требовать": 1,
    "компенсация": 1,
    "невозможно": 1,
    "нельзя": 1,
    "непонятно": 1,
}
# Words of thanks and praise; a reader who thanks is rarely complaining.
POSITIVE = {
    "спасибо": 2,
    "благодарить": 2,
    "благодарность": 2,
    "благодарный": 2,
    "отличный": 1,
    "отлично": 1,
    "замечательный": 1,
    "прекрасный": 1,
    "прекрасно": 1,
    "чудесный": 1,
    "восторг": 2,
    "молодец": 2,
    "лучший": 1,
    "уютный": 1,
    "здорово": 1,
    "понравиться": 2,
    "интересно": 1,
    "интересный": 1,
}
# Verbs that, negated, report a service that failed: «не работает», «не ответили».
FAILED_WHEN_NEGATED = {
    "работать": 2,
    "отвечать": 2,
    "ответить": 2,
    "брать": 1,
    "перезвонить": 2,
    "понравиться": 3,
    "продлить": 2,
    "выдать": 2,
    "сообщить": 2,
    "пустить": 2,
    "помочь": 2,
    "предупредить": 2,
    "восстанавливаться": 2,
    "включаться": 2,
    "разрешить": 1,
    "дождаться": 2,
    "уметь": 1,
    "объяснить": 1,
}
NEGATIONS = {"не", "нет", "ни", "никакой", "без"}


def _normalised(table: dict) -> dict:
    return {key.replace("ё", "е"): value for key, value in table.items()}


HOSTILE, COMPLAINT, POSITIVE = map(_normalised, (HOSTILE, COMPLAINT, POSITIVE))
FAILED_WHEN_NEGATED = _normalised(FAILED_WHEN_NEGATED)

# Library-specific complaint patterns, on the lemmatised text.
PATTERNS = [
    # a queue or a wait that is too long
    (re.compile(r"очередь .*(час|минута|окно|опять|долго)|(час|минута) .*очередь"), 2, "queue"),
    # closed when it should be open
    (
        re.compile(
            r"(закрыть|закрытый|закрыться|заперть|запертый)"
            r".*(объявление|рабочий время|раньше|почему|опять)"
            r"|почему .*(закрыть|закрытый)|(раньше|опять) .*(закрыть|закрыться)"
        ),
        2,
        "closed",
    ),
    # fines: charged, written out, demanded
    (
        re.compile(r"штраф .*(насчитать|выписать|рубль|вовремя)|(насчитать|выписать) .*штраф"),
        2,
        "fine",
    ),
    # equipment that does not work
    (
        re.compile(
            r"(компьютер|принтер|сканер|wi-fi|вай-фай|сайт|лифт|кондиционер|терминал|гардероб"
            r"|ящик|батарея|каталог|интернет|кабинет) .*(не работать|сломать|не включаться)"
            r"|(не работать|сломать) .*(компьютер|принтер|сканер|сайт|лифт|кондиционер"
            r"|терминал|гардероб|ящик|интернет)"
        ),
        2,
        "equipment",
    ),
    # nobody answers
    (re.compile(r"никто не (брать|отвечать|ответить)|не брать трубка|дозвониться"), 2, "no answer"),
    # cancelled or moved without notice
    (re.compile(r"без предупреждение|никого не предупредить|ни слово"), 2, "no notice"),
    # an expectation broken: «есть в каталоге, а на полке нет», «обещали, а ...»
    (
        re.compile(r"\bа (\w+ ){0,4}(нет|не|никто|ничего|позже|раньше|потребовать|говорить)\b"),
        1,
        "contrast",
    ),
    # a complaint asked as a question: «Почему вы ...?»
    (re.compile(r"^почему "), 1, "why"),
    # idleness
    (re.compile(r"ничего не (делать|сделать)|спать на работа"), 2, "idle"),
    # a long wait
    (
        re.compile(
            r"до сей пора|так и не|уже (неделя|месяц|два|три|пятый)"
            r"|(второй|третий|пятый) (раз|месяц|неделя|день)|сколько можно|воз и ныне"
        ),
        1,
        "waiting",
    ),
]

_WORD = re.compile(r"[а-яёa-z0-9-]+", re.IGNORECASE)


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    return _morph().parse(word)[0].normal_form.replace("ё", "е")


def lemmas(text: str) -> list[str]:
    return [lemma(word.lower()) for word in _WORD.findall(text)]


@dataclass
class Verdict:
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def negative(self) -> bool:
        return self.score >= THRESHOLD


def _weight(table: dict, word: str) -> float:
    return table.get(word, 0)


def assess(text: str) -> Verdict:
    """Score one message; ``negative`` when it looks like a complaint or a hostile remark."""
    words = lemmas(text)
    score, reasons = 0.0, []
    for index, word in enumerate(words):
        window = words[max(0, index - 2) : index]
        if word == "дождаться" and window == ["не", "мочь"]:
            continue  # «не могу дождаться» is eagerness, not a complaint
        negated = any(w in NEGATIONS for w in window)
        hostile = _weight(HOSTILE, word) or _weight(COMPLAINT, word)
        positive = _weight(POSITIVE, word)
        failed = _weight(FAILED_WHEN_NEGATED, word)
        if hostile:
            if negated:
                continue  # «не плохо», «никаких претензий»
            score += hostile
            reasons.append(word)
        elif negated and failed:
            score += failed
            reasons.append(f"не {word}")
        elif positive and not negated:
            score -= positive
    joined = " ".join(words)
    for pattern, weight, name in PATTERNS:
        if pattern.search(joined):
            score += weight
            reasons.append(name)
    if "!" in text and score > 0:
        score += 0.5
    return Verdict(score, reasons)


def is_negative(text: str) -> bool:
    return assess(text).negative
