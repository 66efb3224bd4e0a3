"""Whether a reader's own words ask to renew a loan: «продлите, пожалуйста, книгу»,
«можно продлить?», «как продлевать учебники?», «нужно продление».

The words are the forms of «продлить», «продлевать» (and the common «продлять»),
«продлиться» and «продление», and «пролонгировать»; what is decided:

* the past and the participle are not a request — «продлили выставку», «мне продлили»,
  «книга продлена» report what happened, so they are left to the librarian;
* «продлёнка» (the after-school group) is another word;
* a plain «не» before the verb (``не продлевайте``, ``не надо продлевать``) turns it down;
* a message about something else being extended — an exhibition, a contest, a library
  card's registration, opening hours — is not a loan, unless it names a book too.

The pattern is deliberately small: a false alarm only offers the librarian a button.
"""

import re

# Forms that ask (infinitive, imperative, present and future, the noun), never the past.
WORD = (
    r"\b(?:"
    r"продл(?:и(?:ть|те|ться|тся|м|мте|шь|т)?|ю|ят|е(?:те|ть)"
    r"|ева(?:ть|ться|ю|ешь|ет|ете|ем|ют|йте|й|ется|ются)"
    r"|я(?:ть|ю|ешь|ет|ем|ете|ют|йте|й)"
    r"|ени[еяюйм]\w*)"
    r"|пролонг(?:ир(?:овать|уйте|уете|уем|ую)|аци\w*)"
    r")\b"
)
_WORD = re.compile(WORD, re.IGNORECASE)
_REFUSED = re.compile(
    r"\bне\s+(?:(?:надо|нужно|хочу|буду|стоит|будем|требуется)\s+)?(?:продл|пролонг)",
    re.IGNORECASE,
)
# Things other than a loan that libraries extend.
_ELSEWHERE = re.compile(
    r"выставк|конкурс|акци[яиюей]|при[её]м\w* заявок|регистрац|подписк|кружок|кружк|"
    r"мероприяти|режим\w* работы|час\w* работы|читательск\w* билет",
    re.IGNORECASE,
)
_BOOK = re.compile(
    r"книг|книж|учебник|пособи|журнал|издани|роман|литератур|экземпляр|"
    r"срок\w* (?:возврата|сдачи)|верн(?:уть|у)|сдать",
    re.IGNORECASE,
)


def asks_renewal(text: str) -> bool:
    """True when the message asks to renew a loan."""
    text = (text or "").replace("ё", "е").replace("Ё", "Е")
    if not _WORD.search(text):
        return False
    if _REFUSED.search(text):
        return False
    return not (_ELSEWHERE.search(text) and not _BOOK.search(text))
