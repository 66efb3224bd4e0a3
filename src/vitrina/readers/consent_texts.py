"""The texts of consent a reader gives, one per purpose, each a separate document.

Since 1 September 2025 (152-ФЗ ст. 9 as amended by 156-ФЗ of 24.06.2025) consent to the
processing of personal data is a document of its own, not a clause of other terms, and is
given for each purpose separately. Each text below names the operator, the purpose, the
data, the actions and their ways, the term and how to withdraw. The texts are the legal
documents the reader agrees to, so they are kept in Russian as they are shown and are not
translated: the version and the SHA-256 of the text as shown (with the operator's name)
are recorded with each consent.

A changed text gets a new version; consents given to an older version keep theirs.
"""

import hashlib
from dataclasses import dataclass

from vitrina.readers.models import Purpose

VERSION = "2026-09-01"

_COMMON_DATA = (
    "номер читательского билета; идентификатор в социальной сети или мессенджере, через "
    "который вы пишете библиотеке ({network}); сведения о книгах, выданных вам сейчас "
    "(название, срок возврата, число продлений), — только пока книга у вас"
)

_COMMON_ENDING = (
    "Способы обработки: автоматизированная обработка в информационной системе «Витрина»: "
    "сбор, запись, хранение, уточнение, использование, удаление; передача третьим лицам не "
    "производится, кроме оператора социальной сети или мессенджера, через который "
    "отправляется сообщение.\n\n"
    "Срок: согласие действует до его отзыва, но не дольше срока действия читательского "
    "билета. После отзыва данные, нужные только для этой цели, перестают обрабатываться.\n\n"
    "Как отозвать: нажмите в диалоге с библиотекой кнопку «Отозвать согласие» или напишите "
    "«стоп», «отписаться» или «отозвать согласие»; запретите сообщения от сообщества или "
    "остановите бота; либо обратитесь в библиотеку лично. Посмотреть, выгрузить и удалить "
    "свои данные можно по кнопке «Мои данные» в диалоге."
)

_PURPOSES = {
    Purpose.REMINDERS: (
        "напоминания о сроках возврата книг и о задолженности",
        "отправка вам в диалоге сообщений о приближении срока возврата книг, о дне возврата "
        "и о просроченных книгах (не чаще нескольких раз в день, в дневные часы)",
    ),
    Purpose.RENEWALS: (
        "продление книг через диалог",
        "приём ваших просьб о продлении книг в диалоге, продление в библиотечной системе или "
        "передача просьбы библиотекарю и сообщение вам о результате",
    ),
    Purpose.RECOMMENDATIONS: (
        "рекомендации книг",
        "подбор и отправка вам в диалоге рекомендаций книг из фонда библиотеки по вашим "
        "текущим выдачам и вашим ответам на вопросы о предпочтениях",
    ),
}


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    version: str
    title: str
    text: str

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def consent_text(purpose: str, *, operator: str, network: str = "") -> ConsentText:
    """The text of consent to ``purpose`` as shown to a reader of ``operator`` (the
    organisation, and the library where it differs) writing from ``network``."""
    short, what = _PURPOSES[Purpose(purpose)]
    text = (
        f"Согласие на обработку персональных данных: {short}\n\n"
        f"Я, владелец указанного читательского билета, в соответствии со статьёй 9 "
        f"Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных» свободно, своей "
        f"волей и в своём интересе даю согласие оператору — {operator} — на обработку моих "
        f"персональных данных для одной цели: {what}.\n\n"
        f"Перечень данных: {_COMMON_DATA.format(network=network or 'социальная сеть')}.\n\n"
        f"{_COMMON_ENDING}"
    )
    return ConsentText(purpose=str(purpose), version=VERSION, title=short, text=text)


def consent_texts(*, operator: str, network: str = "") -> list[ConsentText]:
    return [consent_text(purpose, operator=operator, network=network) for purpose in Purpose]


def operator_of(library) -> str:
    """The operator as the text names it: the organisation, and the library if it differs."""
    organisation = library.organisation.name
    if library.name and library.name != organisation:
        return f"{organisation} ({library.name})"
    return organisation
