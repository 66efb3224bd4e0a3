"""Russian word search for databases without a Russian full-text configuration.

Words are folded (lower case, «ё» as «е») and a query word matches when its Snowball stem
(the maintained ``snowballstemmer``) begins a stored word: «хирургии» finds «хирургия» and
«хирургией», «сердце» finds «Сердце» and «сердца». SQLite compares only Latin letters without
regard to case, so everything it compares is folded here first: the catalogue stores its
words folded, and posts are folded on the fly by the SQL function ``vitrina_words``, which
every SQLite connection gets (``register_sqlite_functions``).
"""

import re
import threading

import snowballstemmer

WORD = re.compile(r"[0-9a-zа-яё]+")
SQLITE_WORDS = "vitrina_words"

# A stemmer keeps state while it works: one per thread (web, scheduler and worker threads).
_local = threading.local()


def _stemmer():
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("russian")
    return stemmer


def fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def stem(word: str) -> str:
    return _stemmer().stemWord(fold(word))


def stems(text: str) -> list[str]:
    return _stemmer().stemWords(words(text))


def word_document(*texts: str | None) -> str:
    """The folded words of the texts between spaces: `` сердце книга ``; a stem then
    matches a word's beginning as ``LIKE '% stem%'``."""
    return " " + " ".join(word for text in texts if text for word in words(text)) + " "


def search_words(text: str, *, fields: dict[str, str]) -> str:
    """The words of ``text``, then each field's words with its prefix (`` t:хирургия``).

    One column answers both «any word» and «a word in the title» with ``LIKE``."""
    document = " " + " ".join(dict.fromkeys(words(text))) + " "
    for prefix, value in fields.items():
        document += " ".join(f"{prefix}:{word}" for word in dict.fromkeys(words(value))) + " "
    return document


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the folding function for SQLite's queries."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_WORDS, -1, word_document, deterministic=True)
