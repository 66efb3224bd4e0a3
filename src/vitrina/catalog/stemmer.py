"""A Russian stemmer (the Snowball algorithm) for catalogue search without PostgreSQL.

PostgreSQL searches with its own ``russian`` dictionary; elsewhere the catalogue keeps the
words of each record and matches the stems of a query against their beginnings, so
«хирургии», «хирургия» and «хирургией» find each other.
"""

import re

VOWELS = "аеиоуыэюя"
PERFECTIVE_GERUND_1 = ("вшись", "вши", "в")
PERFECTIVE_GERUND_2 = ("ившись", "ывшись", "ивши", "ывши", "ив", "ыв")
ADJECTIVE = (
    "ими", "ыми", "его", "ого", "ему", "ому", "ее", "ие", "ые", "ое", "ей", "ий", "ый", "ой",
    "ем", "им", "ым", "ом", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею",
)  # fmt: skip
PARTICIPLE_1 = ("ем", "нн", "вш", "ющ", "щ")
PARTICIPLE_2 = ("ивш", "ывш", "ующ")
REFLEXIVE = ("ся", "сь")
VERB_1 = (
    "ете", "йте", "ешь", "нно", "ла", "на", "ли", "ем", "ло", "но", "ет", "ют", "ны", "ть",
    "й", "л", "н",
)  # fmt: skip
VERB_2 = (
    "ейте", "уйте", "ила", "ыла", "ена", "ите", "или", "ыли", "ило", "ыло", "ено", "ует",
    "уют", "ены", "ить", "ыть", "ишь", "ей", "уй", "ил", "ыл", "им", "ым", "ен", "ят", "ит",
    "ыт", "ую", "ю",
)  # fmt: skip
NOUN = (
    "иями", "ями", "ами", "ией", "иям", "ием", "иях", "ев", "ов", "ие", "ье", "еи", "ии",
    "ей", "ой", "ий", "ям", "ем", "ам", "ом", "ах", "ях", "ию", "ью", "ия", "ья", "а", "е",
    "и", "й", "о", "у", "ы", "ь", "ю", "я",
)  # fmt: skip
SUPERLATIVE = ("ейше", "ейш")
DERIVATIONAL = ("ость", "ост")
WORD = re.compile(r"[0-9a-zа-яё]+")


def _regions(word: str) -> tuple[int, int]:
    """Start of RV and of R2 (Snowball's regions) in ``word``."""
    rv = next((i + 1 for i, char in enumerate(word) if char in VOWELS), len(word))
    r1 = len(word)
    for i in range(1, len(word)):
        if word[i] not in VOWELS and word[i - 1] in VOWELS:
            r1 = i + 1
            break
    r2 = len(word)
    for i in range(r1 + 1, len(word)):
        if word[i] not in VOWELS and word[i - 1] in VOWELS:
            r2 = i + 1
            break
    return rv, r2


def _strip(word: str, start: int, endings: tuple[str, ...], after_a: bool = False) -> str | None:
    """Remove the longest ending that lies in the region; group-1 endings need а or я before."""
    for ending in sorted(endings, key=len, reverse=True):
        if word.endswith(ending) and len(word) - len(ending) >= start:
            if after_a and word[-len(ending) - 1 : -len(ending)] not in ("а", "я"):
                continue
            return word[: -len(ending)]
    return None


def _either(word: str, start: int, group1: tuple, group2: tuple) -> str | None:
    candidates = []
    for endings, after_a in ((group1, True), (group2, False)):
        for ending in endings:
            stripped = _strip(word, start, (ending,), after_a)
            if stripped is not None:
                candidates.append((len(ending), stripped))
    return max(candidates)[1] if candidates else None


def stem(word: str) -> str:
    word = word.lower().replace("ё", "е")
    if not re.fullmatch(r"[а-я]+", word):
        return word
    rv, r2 = _regions(word)
    stripped = _either(word, rv, PERFECTIVE_GERUND_1, PERFECTIVE_GERUND_2)
    if stripped is not None:
        word = stripped
    else:
        word = _strip(word, rv, REFLEXIVE) or word
        adjective = _strip(word, rv, ADJECTIVE)
        if adjective is not None:
            word = _either(adjective, rv, PARTICIPLE_1, PARTICIPLE_2) or adjective
        else:
            verb = _either(word, rv, VERB_1, VERB_2)
            word = verb if verb is not None else _strip(word, rv, NOUN) or word
    if word.endswith("и") and len(word) - 1 >= rv:
        word = word[:-1]
    word = _strip(word, r2, DERIVATIONAL) or word
    if word.endswith("нн") and len(word) - 2 >= rv:
        word = word[:-1]
    else:
        superlative = _strip(word, rv, SUPERLATIVE)
        if superlative is not None:
            word = superlative[:-1] if superlative.endswith("нн") else superlative
        elif word.endswith("ь") and len(word) - 1 >= rv:
            word = word[:-1]
    return word


def stems(text: str) -> list[str]:
    return [stem(word) for word in WORD.findall(text.lower())]


def words(text: str) -> list[str]:
    return [word.replace("ё", "е") for word in WORD.findall(text.lower())]


def search_words(text: str, *, fields: dict[str, str]) -> str:
    """The words of ``text``, then each field's words with its prefix (`` t:хирургия``).

    A query word matches when its stem begins a stored word: « хирург» finds «хирургия»
    and «хирургией», « бакулев» finds «бакулев». One column answers both «any word» and
    «a word in the title» with ``LIKE``, which SQLite cannot do case-insensitively for
    Cyrillic on its own, so everything is stored in lower case.
    """
    document = " " + " ".join(dict.fromkeys(words(text))) + " "
    for prefix, value in fields.items():
        document += " ".join(f"{prefix}:{word}" for word in dict.fromkeys(words(value))) + " "
    return document
