"""The emulated Koha's data: patrons, items, current and returned checkouts, the catalogue.

Everything is generated from the world's seed, so the same seed gives the same library on
every machine. Lookups go through dicts (patron by id and by card, checkout by id, a
patron's checkouts), which keeps 20,000 patrons and 100,000 loans fast to make and to read.

The data is not written into the saved state whole: ``dump`` keeps what it was generated
from (seed, sizes, zone, the day it was generated on) and the journal of what changed since
(returns, renewals), and ``load`` generates it again and replays the journal. The sandbox
saves its state every few seconds, and 100,000 loans would make that file many megabytes.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Circulation rules of the emulated library (one rule for every category and item type).
LOAN_DAYS = 21
RENEWAL_DAYS = 14
RENEWALS_ALLOWED = 3

DEFAULT_PATRONS = 300
DEFAULT_LOANS = 900
DEFAULT_ZONE = "Europe/Moscow"
LIBRARY_ID = "CPL"

SURNAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
]  # fmt: skip
FIRST_NAMES = [
    ("Анна", "Александр"), ("Мария", "Сергей"), ("Елена", "Дмитрий"), ("Ольга", "Андрей"),
    ("Татьяна", "Алексей"), ("Наталья", "Михаил"), ("Ирина", "Иван"), ("Светлана", "Николай"),
    ("Екатерина", "Владимир"), ("Юлия", "Павел"), ("Галина", "Виктор"), ("Людмила", "Евгений"),
]  # fmt: skip

# The demo catalogue: (title, subtitle, author, publisher, place, year, pages, isbn).
# fmt: off
BOOKS = [
    ("Мастер и Маргарита", "роман", "Булгаков, Михаил Афанасьевич", "Азбука", "Санкт-Петербург", 2021, "480 с.", "978-5-389-01686-6"),  # noqa: E501
    ("Война и мир", "роман-эпопея", "Толстой, Лев Николаевич", "Эксмо", "Москва", 2020, "1408 с.", "978-5-04-116389-2"),  # noqa: E501
    ("Преступление и наказание", "", "Достоевский, Фёдор Михайлович", "АСТ", "Москва", 2019, "608 с.", "978-5-17-090630-7"),  # noqa: E501
    ("Евгений Онегин", "роман в стихах", "Пушкин, Александр Сергеевич", "Азбука", "Санкт-Петербург", 2022, "320 с.", "978-5-389-07435-4"),  # noqa: E501
    ("Мёртвые души", "поэма", "Гоголь, Николай Васильевич", "Эксмо", "Москва", 2021, "352 с.", "978-5-04-105442-8"),  # noqa: E501
    ("Отцы и дети", "", "Тургенев, Иван Сергеевич", "АСТ", "Москва", 2020, "288 с.", "978-5-17-118366-0"),  # noqa: E501
    ("Тихий Дон", "роман в четырёх книгах", "Шолохов, Михаил Александрович", "Вече", "Москва", 2018, "1504 с.", "978-5-4484-0542-1"),  # noqa: E501
    ("Доктор Живаго", "", "Пастернак, Борис Леонидович", "Азбука", "Санкт-Петербург", 2023, "704 с.", "978-5-389-06243-6"),  # noqa: E501
    ("Двенадцать стульев", "", "Ильф, Илья", "АСТ", "Москва", 2019, "416 с.", "978-5-17-982458-3"),
    ("Герой нашего времени", "", "Лермонтов, Михаил Юрьевич", "Эксмо", "Москва", 2022, "224 с.", "978-5-04-099126-1"),  # noqa: E501
    ("Обломов", "", "Гончаров, Иван Александрович", "Азбука", "Санкт-Петербург", 2021, "640 с.", "978-5-389-08923-5"),  # noqa: E501
    ("Анна Каренина", "", "Толстой, Лев Николаевич", "АСТ", "Москва", 2023, "864 с.", "978-5-17-153412-2"),  # noqa: E501
    ("Идиот", "", "Достоевский, Фёдор Михайлович", "Азбука", "Санкт-Петербург", 2020, "640 с.", "978-5-389-04986-4"),  # noqa: E501
    ("Вишнёвый сад", "комедия в четырёх действиях", "Чехов, Антон Павлович", "Эксмо", "Москва", 2019, "160 с.", "978-5-04-098765-3"),  # noqa: E501
    ("Собачье сердце", "повесть", "Булгаков, Михаил Афанасьевич", "АСТ", "Москва", 2022, "192 с.", "978-5-17-136542-9"),  # noqa: E501
    ("Капитанская дочка", "", "Пушкин, Александр Сергеевич", "Эксмо", "Москва", 2021, "192 с.", "978-5-04-116721-0"),  # noqa: E501
    ("Белая гвардия", "", "Булгаков, Михаил Афанасьевич", "Азбука", "Санкт-Петербург", 2020, "352 с.", "978-5-389-10534-8"),  # noqa: E501
    ("Жизнь и судьба", "", "Гроссман, Василий Семёнович", "АСТ", "Москва", 2018, "896 с.", "978-5-17-099811-1"),  # noqa: E501
    ("Пикник на обочине", "", "Стругацкий, Аркадий Натанович", "АСТ", "Москва", 2021, "256 с.", "978-5-17-090132-6"),  # noqa: E501
    ("Понедельник начинается в субботу", "", "Стругацкий, Аркадий Натанович", "АСТ", "Москва", 2022, "320 с.", "978-5-17-093498-0"),  # noqa: E501
    ("Лавр", "неисторический роман", "Водолазкин, Евгений Германович", "АСТ", "Москва", 2023, "448 с.", "978-5-17-982570-2"),  # noqa: E501
    ("Зулейха открывает глаза", "", "Яхина, Гузель Шамилевна", "АСТ", "Москва", 2022, "512 с.", "978-5-17-090436-5"),  # noqa: E501
    ("Обитель", "", "Прилепин, Захар", "АСТ", "Москва", 2019, "752 с.", "978-5-17-084813-3"),
    ("Петровы в гриппе и вокруг него", "", "Сальников, Алексей Борисович", "АСТ", "Москва", 2021, "416 с.", "978-5-17-107937-6"),  # noqa: E501
    ("Хирургия", "учебник для вузов", "Кузин, Михаил Иванович", "ГЭОТАР-Медиа", "Москва", 2022, "1024 с.", "978-5-9704-6346-1"),  # noqa: E501
    ("Пропедевтика внутренних болезней", "учебник", "Мухин, Николай Алексеевич", "ГЭОТАР-Медиа", "Москва", 2020, "848 с.", "978-5-9704-5327-1"),  # noqa: E501
    ("Краеведение Оренбуржья", "учебное пособие", "Сетянова, Валентина Ивановна", "Оренбургское книжное издательство", "Оренбург", 2019, "240 с.", "978-5-88788-255-0"),  # noqa: E501
    ("Сказки", "", "Андерсен, Ганс Христиан", "Махаон", "Москва", 2021, "256 с.", "978-5-389-01234-9"),  # noqa: E501
    ("Денискины рассказы", "", "Драгунский, Виктор Юзефович", "Махаон", "Москва", 2022, "160 с.", "978-5-389-02345-1"),  # noqa: E501
    ("Приключения Тома Сойера", "", "Твен, Марк", "Махаон", "Москва", 2020, "304 с.", "978-5-389-03456-2"),  # noqa: E501
    ("Тимур и его команда", "", "Гайдар, Аркадий Петрович", "Эксмо", "Москва", 2019, "128 с.", "978-5-04-004567-3"),  # noqa: E501
    ("Алые паруса", "феерия", "Грин, Александр Степанович", "Азбука", "Санкт-Петербург", 2023, "160 с.", "978-5-389-05678-3"),  # noqa: E501
    ("Два капитана", "", "Каверин, Вениамин Александрович", "Эксмо", "Москва", 2021, "800 с.", "978-5-04-106789-4"),  # noqa: E501
    ("Краткая история времени", "от Большого взрыва до чёрных дыр", "Хокинг, Стивен", "АСТ", "Москва", 2020, "232 с.", "978-5-17-102281-5"),  # noqa: E501
    ("Sapiens", "краткая история человечества", "Харари, Юваль Ной", "Синдбад", "Москва", 2022, "512 с.", "978-5-00131-345-6"),  # noqa: E501
    ("Грамматика любви", "рассказы", "Бунин, Иван Алексеевич", "Азбука", "Санкт-Петербург", 2021, "288 с.", "978-5-389-06789-5"),  # noqa: E501
]
# fmt: on


@dataclass(slots=True)
class Patron:
    patron_id: int
    cardnumber: str
    surname: str
    firstname: str
    gender: str
    date_of_birth: date
    expiry_date: date
    date_enrolled: date
    password: str
    debarred: bool = False  # a restriction: renewals refused (``restriction``)
    locked: bool = False  # login_attempts = -1: the password is never accepted
    password_expired: bool = False

    @property
    def userid(self) -> str:
        return self.cardnumber.lower()


@dataclass(slots=True)
class Checkout:
    checkout_id: int
    patron_id: int
    item_id: int
    biblio_id: int
    barcode: str
    checkout_date: datetime
    due_date: datetime
    renewals_count: int = 0
    on_hold: bool = False  # another reader holds the title: renewal refused ``on_reserve``
    onsite: bool = False
    auto_renew: bool = False
    last_renewed_date: datetime | None = None
    checkin_date: datetime | None = None
    renewals: list = field(default_factory=list)


def derive(seed, *parts, length=24) -> str:
    return hashlib.sha256(":".join(str(p) for p in (seed, *parts)).encode()).hexdigest()[:length]


class Refused(Exception):
    """A renewal Koha refuses, with its code (CanBookBeRenewed's second value)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class KohaData:
    """One emulated Koha installation. ``clock`` gives the world's time (epoch seconds)."""

    def __init__(self, seed: int, clock, *, patrons=DEFAULT_PATRONS, loans=DEFAULT_LOANS):
        self.seed = seed
        self.clock = clock
        self.sizes = (patrons, loans)
        self.zone_name = DEFAULT_ZONE
        self.anchor: date | None = None  # the library's day the data was generated on
        self.journal: list[list] = []
        self._ready = False
        # Staff accounts of the API: Basic logins, and OAuth2 clients each acting as one.
        self.users = {
            "vitrina": {
                "password": derive(seed, "koha", "vitrina"),
                "permissions": {"catalogue", "borrowers", "circulate"},
            },
            "opac-kiosk": {"password": derive(seed, "koha", "kiosk"), "permissions": {"catalogue"}},
        }
        self.clients = {
            f"vitrina-{derive(seed, 'koha', 'client-id', length=8)}": {
                "secret": derive(seed, "koha", "client-secret"),
                "user": "vitrina",
            },
            f"kiosk-{derive(seed, 'koha', 'kiosk-id', length=8)}": {
                "secret": derive(seed, "koha", "kiosk-secret"),
                "user": "opac-kiosk",
            },
        }
        self.tokens: dict[str, dict] = {}  # access token -> {"user", "expires_at"}
        # Koha's switches the control endpoint sets (``koha_control.settings``).
        self.old_embeds = False  # Koha before 24.05: no ``item`` embed on checkouts
        self.basic_auth = True  # RESTBasicAuth
        self.overdues_block = "allow"  # OverduesBlockRenewing: allow, block, blockitem
        self.no_renewal_before = 0  # days before due a renewal is first allowed; 0: any time

    # Generation

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), self.zone)

    def today(self) -> date:
        return self.now().date()

    def ensure(self) -> KohaData:
        """Generate on first use: a world is made on every reset, most never ask Koha."""
        if not self._ready:
            self.generate(self.seed, *self.sizes, zone=self.zone_name, anchor=self.anchor)
        return self

    def generate(self, seed, patrons, loans, *, zone=DEFAULT_ZONE, anchor=None) -> None:
        ZoneInfo(zone)  # an unknown zone fails here, before anything is replaced
        self.seed, self.sizes, self.zone_name = seed, (int(patrons), int(loans)), zone
        self.anchor = anchor or self.today()
        self.journal = []
        rng = random.Random(f"{seed}:koha")
        self.patrons: dict[int, Patron] = {}
        self.by_card: dict[str, Patron] = {}
        self.by_userid: dict[str, Patron] = {}
        self.checkouts: dict[int, Checkout] = {}  # current
        self.old_checkouts: dict[int, Checkout] = {}  # returned
        self.by_patron: dict[int, list[int]] = {}
        self.old_by_patron: dict[int, list[int]] = {}
        self._current_ids: list[int] | None = None
        anchor_day = self.anchor
        for number in range(1, self.sizes[0] + 1):
            card = f"K{number:07d}"
            female = rng.random() < 0.62
            surname = rng.choice(SURNAMES) + ("а" if female else "")
            firstname = rng.choice(FIRST_NAMES)[0 if female else 1]
            role = number % 50
            patron = Patron(
                patron_id=number,
                cardnumber=card,
                surname=surname,
                firstname=firstname,
                gender="F" if female else "M",
                date_of_birth=date(
                    1950 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28)
                ),
                expiry_date=anchor_day + timedelta(days=30 + rng.randrange(700)),
                date_enrolled=anchor_day - timedelta(days=30 + rng.randrange(3000)),
                password=f"pass{card}",
                # Fixed shares, at fixed places, so every seed has each kind of reader.
                debarred=role == 7,
                locked=role == 13,
                password_expired=role == 29,
            )
            self.patrons[number] = patron
            self.by_card[card] = patron
            self.by_userid[patron.userid] = patron
        self.next_checkout = 1
        self.next_item = 1
        patron_count = max(1, self.sizes[0])
        for number in range(self.sizes[1]):
            # Every patron gets a loan before anyone gets a second, then at random.
            patron_id = number + 1 if number < patron_count else 1 + rng.randrange(patron_count)
            if not self.patrons:
                break
            self._make(rng, patron_id, anchor_day, current=True, slot=number)
        for number in range(self.sizes[1] // 2):
            patron_id = 1 + rng.randrange(patron_count)
            if not self.patrons:
                break
            self._make(rng, patron_id, anchor_day, current=False, slot=number)
        self._ready = True

    def _at(self, day: date, hour: int, minute: int) -> datetime:
        return datetime.combine(day, time(hour, minute), self.zone)

    def _make(self, rng, patron_id: int, anchor_day: date, *, current: bool, slot: int):
        biblio_id = 1 + rng.randrange(len(BOOKS))
        item_id = self.next_item
        self.next_item += 1
        if current:
            kind = slot % 20
            # About a tenth overdue, the rest due over the next four weeks, a few today.
            if kind in (0, 1):
                offset = -1 - rng.randrange(20)
            elif kind == 2:
                offset = 0
            elif kind == 3:
                offset = 1
            else:
                offset = rng.randrange(29)
            renewals = RENEWALS_ALLOWED if kind == 5 else rng.choice((0, 0, 0, 1, 2))
            due_day = anchor_day + timedelta(days=offset)
            loaned = due_day - timedelta(days=LOAN_DAYS + RENEWAL_DAYS * renewals)
            checkout = Checkout(
                checkout_id=self.next_checkout,
                patron_id=patron_id,
                item_id=item_id,
                biblio_id=biblio_id,
                barcode=f"39{item_id:010d}",
                checkout_date=self._at(loaned, 10 + rng.randrange(9), rng.randrange(60)),
                due_date=self._at(due_day, 23, 59),
                renewals_count=renewals,
                on_hold=kind == 6,
                onsite=kind == 9 and slot % 200 == 9,
            )
            if renewals:
                checkout.last_renewed_date = checkout.checkout_date + timedelta(days=LOAN_DAYS)
            self.checkouts[checkout.checkout_id] = checkout
            self.by_patron.setdefault(patron_id, []).append(checkout.checkout_id)
        else:
            loaned = anchor_day - timedelta(days=30 + rng.randrange(400))
            checkout = Checkout(
                checkout_id=self.next_checkout,
                patron_id=patron_id,
                item_id=item_id,
                biblio_id=biblio_id,
                barcode=f"39{item_id:010d}",
                checkout_date=self._at(loaned, 10 + rng.randrange(9), rng.randrange(60)),
                due_date=self._at(loaned + timedelta(days=LOAN_DAYS), 23, 59),
            )
            checkout.checkin_date = self._at(
                loaned + timedelta(days=1 + rng.randrange(LOAN_DAYS)), 12, rng.randrange(60)
            )
            self.old_checkouts[checkout.checkout_id] = checkout
            self.old_by_patron.setdefault(patron_id, []).append(checkout.checkout_id)
        self.next_checkout += 1

    # Reading

    def patron(self, patron_id) -> Patron | None:
        return self.ensure().patrons.get(_int(patron_id))

    def patron_loans(self, patron_id: int, *, returned: bool = False) -> list[Checkout]:
        self.ensure()
        if returned:
            return [self.old_checkouts[i] for i in self.old_by_patron.get(patron_id, [])]
        return [self.checkouts[i] for i in self.by_patron.get(patron_id, [])]

    def current_ids(self) -> list[int]:
        """Current checkout ids in id order, kept until a checkout or return changes them."""
        self.ensure()
        if self._current_ids is None:
            self._current_ids = sorted(self.checkouts)
        return self._current_ids

    def checkout(self, checkout_id) -> Checkout | None:
        self.ensure()
        number = _int(checkout_id)
        return self.checkouts.get(number) or self.old_checkouts.get(number)

    # Circulation rules

    def renewal_refusal(self, checkout: Checkout) -> str:
        """Koha's CanBookBeRenewed in the emulated library: '' when renewable."""
        if checkout.checkin_date is not None:
            return "no_checkout"
        if checkout.onsite:
            return "onsite_checkout"
        patron = self.patrons[checkout.patron_id]
        if patron.debarred:  # RestrictionBlockRenewing
            return "restriction"
        now = self.now()
        if self.overdues_block == "blockitem" and checkout.due_date < now:
            return "overdue"
        if self.overdues_block == "block" and any(
            loan.due_date < now for loan in self.patron_loans(patron.patron_id)
        ):
            return "overdue"
        if checkout.renewals_count >= RENEWALS_ALLOWED:
            return "too_many"
        if checkout.on_hold:
            return "on_reserve"
        if self.no_renewal_before and checkout.due_date.date() - now.date() > timedelta(
            days=self.no_renewal_before
        ):
            return "too_soon"
        return ""

    def renew(self, checkout_id, *, record: bool = True, at: float | None = None) -> Checkout:
        checkout = self.checkout(checkout_id)
        if checkout is None:
            raise KeyError(checkout_id)
        code = self.renewal_refusal(checkout)
        if code:
            raise Refused(code)
        moment = datetime.fromtimestamp(self.clock() if at is None else at, self.zone)
        # RenewalPeriodBase = the old due date, the library's default.
        checkout.due_date = self._at(
            checkout.due_date.date() + timedelta(days=RENEWAL_DAYS), 23, 59
        )
        checkout.renewals_count += 1
        checkout.last_renewed_date = moment
        checkout.renewals.append(moment)
        if record:
            self.journal.append(["renew", checkout.checkout_id, moment.timestamp()])
        return checkout

    def check_in(self, checkout_id, *, record: bool = True, at: float | None = None) -> Checkout:
        self.ensure()
        checkout = self.checkouts.pop(_int(checkout_id), None)
        if checkout is None:
            raise KeyError(checkout_id)
        moment = datetime.fromtimestamp(self.clock() if at is None else at, self.zone)
        checkout.checkin_date = moment
        self.by_patron[checkout.patron_id].remove(checkout.checkout_id)
        self.old_checkouts[checkout.checkout_id] = checkout
        self.old_by_patron.setdefault(checkout.patron_id, []).append(checkout.checkout_id)
        self._current_ids = None
        if record:
            self.journal.append(["return", checkout.checkout_id, moment.timestamp()])
        return checkout

    # Persistence

    def dump(self) -> dict:
        return {
            "seed": self.seed,
            "patrons": self.sizes[0],
            "loans": self.sizes[1],
            "zone": self.zone_name,
            "anchor": self.anchor.isoformat() if self.anchor else None,
            "journal": list(self.journal),
        }

    @classmethod
    def load(cls, data: dict, clock) -> KohaData:
        koha = cls(data["seed"], clock, patrons=data["patrons"], loans=data["loans"])
        koha.zone_name = data.get("zone") or DEFAULT_ZONE
        if data.get("anchor"):
            koha.anchor = date.fromisoformat(data["anchor"])
        journal = data.get("journal") or []
        if journal:
            koha.ensure()
            for action, checkout_id, moment in journal:
                try:
                    if action == "renew":
                        koha.renew(checkout_id, record=False, at=moment)
                    elif action == "return":
                        koha.check_in(checkout_id, record=False, at=moment)
                except (KeyError, Refused):
                    continue
            koha.journal = [list(entry) for entry in journal]
        return koha


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
