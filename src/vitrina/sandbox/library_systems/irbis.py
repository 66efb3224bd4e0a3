"""An IRBIS64 server for the sandbox: real TCP, the commands Vitrina's client sends.

Two databases live in memory: RDR, the readers (10 surname, 11 first name, 21 year of
birth, 30 card, 50 category, 40 one occurrence per visit or loan), and IBIS, a few catalogue
records. ``generate`` fills RDR for a seed: the same seed, the same readers and loans, with
due days spread around the sandbox's today (some overdue, some renewed) and some loans
returned, as a circulation desk leaves them. Control under ``/sandbox/control/irbis``.

The server answers each request on its own connection as IRBIS64 does: ten header lines,
a return code, then the command's data. ``mode`` rehearses failures: ``garbage`` answers
what no IRBIS64 would, ``silent`` never answers, ``endless`` trickles an answer that never
ends, ``down`` stops listening.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import random
import socketserver
import threading
import time
from datetime import date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from vitrina.catalog.connectors.irbis import (
    ALL_FORMAT,
    BRIEF_FORMAT,
    FIELD_SEPARATOR,
    IrbisRecord,
    Visit,
    parse_subfields,
)

from ..common import Json

logger = logging.getLogger(__name__)

DEFAULT_PORT = 6666  # IRBIS64's own, the command line's default
SERVER_VERSION = "64.2020.1"
SERVER_INI = ["[MAIN]", "STTFILE=irbisr.sst", "DBNNAMECAT=dbnam2.mnu"]
USERNAME = "librarian"
DEFAULT_READERS = 200
DEFAULT_LOANS = 600
MAX_READERS = 200_000
MAX_LOANS = 1_000_000
MODES = ("ok", "garbage", "silent", "endless", "down")
NOT_RETURNED = "******"
# Index prefixes of the databases' search menus: prefix -> (tag, subfield or "" for the text).
INDEXES = {
    "RDR": {"RI": (("30", ""),), "A": (("10", ""),)},
    "IBIS": {
        "A": (("700", "a"), ("701", "a")),
        "T": (("200", "a"),),
        "IN": (("910", "b"),),
        "K": (("606", "a"),),
    },
}

# Surnames with their feminine forms; some with ё and hyphens, as readers write them.
SURNAMES = [
    ("Иванов", "Иванова"),
    ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"),
    ("Соколов", "Соколова"),
    ("Лебедев", "Лебедева"),
    ("Козлов", "Козлова"),
    ("Новиков", "Новикова"),
    ("Морозов", "Морозова"),
    ("Королёв", "Королёва"),
    ("Волков", "Волкова"),
    ("Семёнов", "Семёнова"),
    ("Фёдоров", "Фёдорова"),
    ("Белых", "Белых"),
    ("Черных", "Черных"),
    ("Ковальчук", "Ковальчук"),
    ("Сергеев", "Сергеева"),
    ("Петров-Водкин", "Петрова-Водкина"),
    ("Артёмов", "Артёмова"),
    ("Зайцев", "Зайцева"),
]
FIRST_NAMES = (
    ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Иван", "Пётр", "Михаил"],
    ["Елена", "Ольга", "Наталья", "Татьяна", "Анна", "Мария", "Алёна", "Ирина"],
)
CATEGORIES = ["взрослый", "учащийся", "пенсионер", "студент"]
BOOKS = [
    ("Толстой", "Л. Н.", "Война и мир", "84(2Рос=Рус)1/Т53", "Москва", "2019"),
    ("Достоевский", "Ф. М.", "Преступление и наказание", "84(2Рос=Рус)1/Д70", "Москва", "2020"),
    ("Пушкин", "А. С.", "Евгений Онегин", "84(2Рос=Рус)1/П91", "Санкт-Петербург", "2018"),
    ("Булгаков", "М. А.", "Мастер и Маргарита", "84(2Рос=Рус)6/Б90", "Москва", "2021"),
    ("Чехов", "А. П.", "Рассказы", "84(2Рос=Рус)1/Ч-56", "Москва", "2017"),
    ("Гоголь", "Н. В.", "Мёртвые души", "84(2Рос=Рус)1/Г58", "Москва", "2016"),
    ("Тургенев", "И. С.", "Отцы и дети", "84(2Рос=Рус)1/Т87", "Москва", "2019"),
    ("Шолохов", "М. А.", "Тихий Дон", "84(2Рос=Рус)6/Ш78", "Москва", "2015"),
    ("Паустовский", "К. Г.", "Повесть о жизни", "84(2Рос=Рус)6/П21", "Москва", "2014"),
    ("Носов", "Н. Н.", "Приключения Незнайки", "84(2Рос=Рус)6/Н84", "Москва", "2022"),
    ("Успенский", "Э. Н.", "Дядя Фёдор, пёс и кот", "84(2Рос=Рус)6/У77", "Москва", "2023"),
    ("Войно-Ясенецкий", "В. Ф.", "Очерки гнойной хирургии", "54.5/В65", "Москва", "2000"),
    ("Бакулев", "А. Н.", "Хирургия сердца", "54.5/Б19", "Москва", "1967"),
    ("Лихачёв", "Д. С.", "Письма о добром", "87.7/Л65", "Санкт-Петербург", "2019"),
    ("Гумилёв", "Л. Н.", "Этногенез и биосфера Земли", "63.5/Г94", "Москва", "2016"),
    ("Распутин", "В. Г.", "Прощание с Матёрой", "84(2Рос=Рус)6/Р24", "Иркутск", "2017"),
    ("Астафьев", "В. П.", "Царь-рыба", "84(2Рос=Рус)6/А91", "Красноярск", "2018"),
    ("Бианки", "В. В.", "Лесная газета", "84(2Рос=Рус)6/Б59", "Москва", "2021"),
    ("Ефремов", "И. А.", "Туманность Андромеды", "84(2Рос=Рус)6/Е92", "Москва", "2020"),
    (
        "Стругацкий",
        "А. Н.",
        "Понедельник начинается в субботу",
        "84(2Рос=Рус)6/С87",
        "Москва",
        "2022",
    ),
]
SIGLAS = ["АБ", "ЧЗ", "ДО", "Ф1"]


def _yyyymmdd(day: date) -> str:
    return day.strftime("%Y%m%d")


def _brief(book) -> str:
    surname, initials, title, _, city, year = book
    return f"{surname} {initials} {title}. - {city}, {year}"


def _key(value: str, subfield: str) -> str:
    if not subfield:
        subfields = parse_subfields(value)
        value = subfields[0][1] if subfields else ""
    else:
        value = next((text for code, text in parse_subfields(value) if code == subfield), "")
    return value.strip().upper()


def _join(subfields) -> str:
    return "".join(f"^{code.upper()}{value}" if code else value for code, value in subfields)


class Database:
    """Records by MFN and a dictionary of index terms (prefix -> term -> MFNs)."""

    def __init__(self, name: str):
        self.name = name
        self.records: dict[int, IrbisRecord] = {}
        self.indexes = INDEXES.get(name, {})
        self.terms: dict[str, dict[str, list[int]]] = {prefix: {} for prefix in self.indexes}

    def add(self, fields: list[tuple[str, str]]) -> IrbisRecord:
        record = IrbisRecord(mfn=len(self.records) + 1, version=1, fields=fields)
        self.records[record.mfn] = record
        for prefix, sources in self.indexes.items():
            terms = self.terms[prefix]
            for tag, value in fields:
                for source, subfield in sources:
                    if tag == source and (key := _key(value, subfield)):
                        terms.setdefault(key, []).append(record.mfn)
        return record

    def search(self, expression: str) -> list[int]:
        """``"RI=И000001"`` exact, ``"A=ПУШКИН$"`` truncated, terms joined by ``+`` (or)."""
        found: set[int] = set()
        for term in expression.split("+"):
            term = term.strip().strip('"')
            prefix, _, value = term.partition("=")
            terms = self.terms.get(prefix.strip().upper())
            if terms is None:
                continue
            value = value.strip().upper()
            if value.endswith("$"):
                stem = value[:-1]
                for key, mfns in terms.items():
                    if key.startswith(stem):
                        found.update(mfns)
            else:
                found.update(terms.get(value, ()))
        return sorted(found)


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, address, emulator: IrbisEmulator):
        self.emulator = emulator
        super().__init__(address, _Handler)


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def handle(self):
        emulator: IrbisEmulator = self.server.emulator
        try:
            length = int(self.rfile.readline().strip() or 0)
            body = self.rfile.read(length)
        except (ValueError, OSError):
            return
        mode = emulator.mode
        if mode == "garbage":
            self.wfile.write(b"HTTP/1.1 400 Bad Request\r\n\r\n\xff\xfe not IRBIS\r\n")
            return
        if mode == "silent":
            emulator.stopping.wait(30)
            return
        if mode == "endless":
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not emulator.stopping.wait(0.02):
                try:
                    self.wfile.write(b"0" * 1024 + b"\r\n")
                except OSError:
                    return
            return
        lines = body.split(b"\n")
        if len(lines) < 10:
            return
        try:
            command, _, _, client_id, query_id, password, username = (
                line.decode("cp1251").strip() for line in lines[:7]
            )
            client = int(client_id or 0)
        except (UnicodeDecodeError, ValueError):
            return
        with emulator.lock:
            emulator.requests += 1
            code, data = emulator.dispatch(command, client, username, password, lines[10:])
        header = [command, client_id, query_id, "", SERVER_VERSION, "0", "", "", "", ""]
        answer = "\r\n".join(header).encode("cp1251") + b"\r\n" + str(code).encode() + b"\r\n"
        answer += b"".join(line + b"\r\n" for line in data)
        self.wfile.write(answer)


class IrbisEmulator:
    """The sandbox's IRBIS64: its data, and a TCP server once ``start`` is called."""

    def __init__(
        self,
        *,
        seed: int = 42,
        host: str = "127.0.0.1",
        port: int = 0,
        clock=time.time,
        zone: str = "Europe/Moscow",
        readers: int = DEFAULT_READERS,
        loans: int = DEFAULT_LOANS,
    ):
        self.seed = seed
        self.host = host
        self.port = port
        self.clock = clock
        self.zone = ZoneInfo(zone)
        self.username = USERNAME
        self.password = "irbis-" + hashlib.sha256(f"{seed}:irbis".encode()).hexdigest()[:10]
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.mode = "ok"
        self.clients: set[int] = set()
        self.requests = 0
        self.server: _Server | None = None
        self.databases: dict[str, Database] = {}
        self.loan_index: dict[str, int] = {}
        self.summary: dict = {}
        self.generate(readers=readers, loans=loans, seed=seed)

    # --- the server ---------------------------------------------------------------------

    def start(self) -> IrbisEmulator:
        """Listen on ``port``; a taken port gives way to a free one (``port`` tells it)."""
        self.stopping.clear()
        try:
            self.server = _Server((self.host, self.port), self)
        except OSError:
            if not self.port:
                raise
            logger.warning("port %s is taken: the IRBIS64 emulator takes a free one", self.port)
            self.server = _Server((self.host, 0), self)
        self.port = self.server.server_address[1]
        thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="sandbox-irbis",
            daemon=True,
        )
        thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def running(self) -> bool:
        return self.server is not None

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        if mode == "down" and self.running:
            self.stop()
        elif mode != "down" and not self.running:
            self.start()
        self.mode = mode

    def reset(self) -> None:
        """Back to the seed's data, answering normally (the sandbox's reset)."""
        if self.mode == "down":
            self.set_mode("ok")
        self.mode = "ok"
        self.generate(readers=DEFAULT_READERS, loans=DEFAULT_LOANS, seed=self.seed)

    def info(self) -> dict:
        return {
            "host": self.host,
            "port": self.port if self.running else None,
            "username": self.username,
            "password": self.password,
            "readers_database": "RDR",
            "catalogue_database": "IBIS",
            "mode": self.mode,
            "requests": self.requests,
            **self.summary,
        }

    def today(self) -> date:
        return datetime.fromtimestamp(self.clock(), self.zone).date()

    def dispatch(self, command, client_id, username, password, parameters):
        """One command: a return code and the answer's lines (called under the lock)."""
        if command == "A":
            if username != self.username:
                return -3333, []
            if password != self.password:
                return -4444, []
            if client_id in self.clients:
                return -3337, []
            self.clients.add(client_id)
            return 0, [b""] + [line.encode("cp1251") for line in SERVER_INI]
        if client_id not in self.clients:
            return -3334, []
        if command == "B":
            self.clients.discard(client_id)
            return 0, []
        if command == "N":
            return 0, []
        name = parameters[0].decode("cp1251", "replace").strip() if parameters else ""
        database = self.databases.get(name)
        if database is None:
            return -201, []
        if command == "O":
            return len(database.records) + 1, []
        if command == "C":
            try:
                record = database.records.get(int(parameters[1]))
            except (IndexError, ValueError):
                return -2222, []
            if record is None:
                return -140, []
            return 0, [line.encode() for line in record.encode().split(FIELD_SEPARATOR)]
        if command == "K":
            try:
                expression = parameters[1].decode()
                limit, first = int(parameters[2] or 0), int(parameters[3] or 1)
            except (IndexError, ValueError, UnicodeDecodeError):
                return -2222, []
            fmt = parameters[4].decode() if len(parameters) > 4 else ""
            found = database.search(expression)
            page = found[first - 1 : first - 1 + limit] if limit else found[first - 1 :]
            data = [str(len(found)).encode()]
            data += [self._line(database.records[mfn], fmt) for mfn in page]
            return 0, data
        if command == "G":
            try:
                fmt = parameters[1].decode()
                mfns = [int(value) for value in parameters[3 : 3 + int(parameters[2])]]
            except (IndexError, ValueError, UnicodeDecodeError):
                return -2222, []
            if any(mfn not in database.records for mfn in mfns):
                return -140, []
            return 0, [self._line(database.records[mfn], fmt) for mfn in mfns]
        return -2222, []

    @staticmethod
    def _line(record: IrbisRecord, fmt: str) -> bytes:
        if not fmt:
            return str(record.mfn).encode()
        if fmt == ALL_FORMAT:
            text = record.encode()
        elif fmt == BRIEF_FORMAT:
            text = _key(dict(record.fields).get("200", ""), "a")
        else:
            text = ""
        return f"{record.mfn}#{text}".encode()

    # --- the data -----------------------------------------------------------------------

    def generate(self, *, readers: int, loans: int, seed: int | None = None) -> dict:
        """Replace RDR and IBIS with ``readers`` readers holding ``loans`` current loans."""
        if not 0 <= readers <= MAX_READERS or not 0 <= loans <= MAX_LOANS:
            raise ValueError(f"at most {MAX_READERS} readers and {MAX_LOANS} loans")
        if loans and not readers:
            raise ValueError("loans need readers")
        seed = self.seed if seed is None else seed
        started = time.monotonic()
        rng = random.Random(f"irbis:{seed}:{readers}:{loans}")
        today = self.today()

        catalogue = Database("IBIS")
        for number, book in enumerate(BOOKS):
            surname, initials, title, shelfmark, city, year = book
            catalogue.add(
                [
                    ("200", f"^A{title}^F{initials} {surname}"),
                    ("210", f"^A{city}^D{year}"),
                    ("700", f"^A{surname}^B{initials}"),
                    ("903", shelfmark),
                    *[
                        ("910", f"^A0^B{number + 1:03d}{copy:04d}^D{SIGLAS[copy % 4]}")
                        for copy in range(1, 4)
                    ],
                ]
            )

        people = []
        occurrences: list[list[tuple[date, str]]] = [[] for _ in range(readers)]
        for number in range(readers):
            female = rng.random() < 0.6
            surname = rng.choice(SURNAMES)[1 if female else 0]
            first_name = rng.choice(FIRST_NAMES[1 if female else 0])
            born = rng.randint(1940, today.year - 7)
            people.append((f"И{number + 1:06d}", surname, first_name, born))

        inventory = 100000
        current = overdue = renewed = 0
        ids: list[tuple[int, str]] = []
        for _ in range(loans):
            inventory += 1
            reader = rng.randrange(readers)
            book = BOOKS[rng.randrange(len(BOOKS))]
            term = rng.choice((14, 14, 21, 30))
            # Most due around today, some long debts.
            long_debt = rng.random() < 0.06
            ago = term + rng.randint(11, 120) if long_debt else rng.randint(0, term + 6)
            given = today - timedelta(days=ago)
            due = given + timedelta(days=term)
            subfields = [
                ("a", book[3]),
                ("b", str(inventory)),
                ("c", _brief(book)),
                ("d", _yyyymmdd(given)),
            ]
            extra = []
            if ago > 7 and rng.random() < 0.2:
                times = rng.choice((1, 1, 2))
                on = given + timedelta(days=rng.randint(1, ago))
                due = max(due, on) + timedelta(days=14 * times)
                extra = [("l", _yyyymmdd(on)), ("4", str(times))]
                renewed += 1
            subfields += [("e", _yyyymmdd(due)), ("f", NOT_RETURNED), ("g", "IBIS")]
            subfields += [("k", rng.choice(SIGLAS)), ("v", "*"), ("i", "kafedra"), *extra]
            if rng.random() < 0.02:
                row = hashlib.sha256(f"{seed}:{inventory}".encode()).hexdigest()[:32]
                subfields.append(("z", row.upper()))
                ids.append((reader, row.upper()))
            else:
                ids.append((reader, f"{inventory}/{_yyyymmdd(given)}"))
            occurrences[reader].append((given, _join(subfields)))
            current += 1
            overdue += due < today

        returned = loans // 4
        for _ in range(returned):
            inventory += 1
            reader = rng.randrange(readers)
            book = BOOKS[rng.randrange(len(BOOKS))]
            given = today - timedelta(days=rng.randint(20, 400))
            due = given + timedelta(days=14)
            back = given + timedelta(days=rng.randint(1, 30))
            subfields = [
                ("a", book[3]),
                ("b", str(inventory)),
                ("c", _brief(book)),
                ("d", _yyyymmdd(given)),
                ("e", _yyyymmdd(due)),
                ("f", _yyyymmdd(back)),
                ("g", "IBIS"),
                ("k", rng.choice(SIGLAS)),
                ("v", "*"),
            ]
            occurrences[reader].append((given, _join(subfields)))

        visits = readers // 3
        for _ in range(visits):
            reader = rng.randrange(readers)
            day = today - timedelta(days=rng.randint(0, 200))
            value = f"^D{_yyyymmdd(day)}^VЧЗ^1{rng.randint(9, 19):02d}{rng.randint(0, 59):02d}00"
            occurrences[reader].append((day, value))

        rdr = Database("RDR")
        for (card, surname, first_name, born), own in zip(people, occurrences, strict=True):
            own.sort(key=lambda item: item[0])
            rdr.add(
                [
                    ("10", surname),
                    ("11", first_name),
                    ("21", str(born)),
                    ("30", card),
                    ("50", CATEGORIES[born % len(CATEGORIES)]),
                    ("51", _yyyymmdd(today - timedelta(days=365 + born % 300))),
                    *[("40", value) for _, value in own],
                ]
            )
        loan_index = {loan_id: reader + 1 for reader, loan_id in ids}
        with self.lock:
            self.databases = {"RDR": rdr, "IBIS": catalogue}
            self.loan_index = loan_index
            self.summary = {
                "seed": seed,
                "readers": readers,
                "loans": current,
                "overdue": overdue,
                "renewed": renewed,
                "returned": returned,
                "visits": visits,
                "generated_in": round(time.monotonic() - started, 3),
            }
        return dict(self.summary)

    def add_reader(self, fields: list[tuple[str, str]]) -> int:
        """One more reader record as given (tag, value); its MFN."""
        with self.lock:
            record = self.databases["RDR"].add(list(fields))
            for tag, value in fields:
                if tag == "40" and not (visit := Visit.parse(value)).is_visit:
                    self.loan_index[visit.loan_id] = record.mfn
            return record.mfn

    def reader(self, card: str) -> dict | None:
        """A reader as JSON with the facts a second factor asks and the loans."""
        with self.lock:
            rdr = self.databases["RDR"]
            mfns = rdr.terms["RI"].get(card.strip().upper(), [])
            if not mfns:
                return None
            return self._reader_json(rdr.records[mfns[0]])

    def readers(self, limit: int = 20, with_loans: bool = False) -> list[dict]:
        with self.lock:
            found = []
            for record in self.databases["RDR"].records.values():
                if len(found) >= limit:
                    break
                view = self._reader_json(record)
                if not with_loans or view["loans"]:
                    found.append(view)
            return found

    @staticmethod
    def _reader_json(record: IrbisRecord) -> dict:
        fields = dict(record.fields)
        loans, returned = [], []
        for tag, value in record.fields:
            if tag != "40":
                continue
            visit = Visit.parse(value)
            if visit.is_visit:
                continue
            entry = {
                "loan_id": visit.loan_id,
                "title": visit.description,
                "inventory": visit.inventory,
                "given": visit.given,
                "due": visit.expected,
                "renewals": int(visit.counter or 0),
            }
            if visit.is_returned:
                returned.append({**entry, "returned": visit.returned})
            else:
                loans.append(entry)
        return {
            "mfn": record.mfn,
            "card": fields.get("30", ""),
            "surname": fields.get("10", ""),
            "first_name": fields.get("11", ""),
            "birth_year": int(fields.get("21", "0")[:4] or 0),
            "loans": loans,
            "returned": returned,
        }

    def _change(self, loan_id: str, change) -> dict | None:
        with self.lock:
            mfn = self.loan_index.get(loan_id)
            record = self.databases["RDR"].records.get(mfn) if mfn else None
            if record is None:
                return None
            for number, (tag, value) in enumerate(record.fields):
                visit = Visit.parse(value) if tag == "40" else None
                if visit is None or visit.is_visit or visit.loan_id != loan_id:
                    continue
                if visit.is_returned:
                    return None
                subfields = dict(parse_subfields(value))
                change(subfields)
                record.fields[number] = (tag, _join(subfields.items()))
                record.version += 1
                return {"loan_id": loan_id, "card": dict(record.fields)["30"], **subfields}
            return None

    def return_loan(self, loan_id: str) -> dict | None:
        """Check a loan in as the desk does (``^F`` gets today); None if not on loan."""
        today = _yyyymmdd(self.today())
        return self._change(loan_id, lambda subfields: subfields.update(f=today))

    def renew_loan(self, loan_id: str, days: int = 14) -> dict | None:
        """Renew at the desk: ``^E`` moves on, ``^L`` gets today, ``^4`` counts."""
        today = self.today()

        def renew(subfields):
            due = max(today, _parse(subfields.get("e", "")) or today) + timedelta(days=days)
            count = subfields.get("4", "0")
            subfields.update(
                e=_yyyymmdd(due), l=_yyyymmdd(today), **{"4": str(int(count or 0) + 1)}
            )

        return self._change(loan_id, renew)


def _parse(value: str) -> date | None:
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        return None


# --- control under /sandbox/control/irbis --------------------------------------------------


def emulator_of(request: Request) -> IrbisEmulator:
    return request.app.state.irbis


async def _body(request: Request) -> dict:
    raw = await request.body()
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {"_error": "the body is not JSON"}
    return data if isinstance(data, dict) else {"_error": "the body must be a JSON object"}


async def control(request: Request):
    """``GET``: where the server listens and its login; ``POST {"mode": ...}``: a failure."""
    emulator = emulator_of(request)
    if request.method == "POST":
        data = await _body(request)
        try:
            emulator.set_mode(str(data.get("mode", "ok")))
        except ValueError as exc:
            return Json({"error": str(exc)}, 400)
    return Json(emulator.info())


async def generate(request: Request):
    data = await _body(request)
    if "_error" in data:
        return Json({"error": data["_error"]}, 400)
    try:
        readers = int(data.get("readers", data.get("patrons", DEFAULT_READERS)))
        loans = int(data.get("loans", DEFAULT_LOANS))
        seed = int(data["seed"]) if data.get("seed") is not None else None
        summary = emulator_of(request).generate(readers=readers, loans=loans, seed=seed)
    except (TypeError, ValueError) as exc:
        return Json({"error": str(exc)}, 400)
    return Json(summary, 201)


async def readers(request: Request):
    emulator = emulator_of(request)
    card = request.query_params.get("card")
    if card is not None:
        found = emulator.reader(card)
        return Json(found, 200) if found else Json({"error": "no such card"}, 404)
    try:
        limit = max(1, min(500, int(request.query_params.get("limit", 20))))
    except ValueError:
        return Json({"error": "limit must be a number"}, 400)
    with_loans = request.query_params.get("with_loans") in ("1", "true", "yes")
    return Json(emulator.readers(limit=limit, with_loans=with_loans))


async def _loan_action(request: Request, action):
    data = await _body(request)
    loan_id = data.get("loan_id")
    if not isinstance(loan_id, str) or not loan_id:
        return Json({"error": "loan_id is required"}, 400)
    done = action(emulator_of(request), loan_id, data)
    if done is None:
        return Json({"error": "no such loan on loan"}, 404)
    return Json(done)


async def return_loan(request: Request):
    return await _loan_action(request, lambda emulator, loan_id, _: emulator.return_loan(loan_id))


async def renew_loan(request: Request):
    def renew(emulator, loan_id, data):
        return emulator.renew_loan(loan_id, days=int(data.get("days") or 14))

    return await _loan_action(request, renew)


# --- the human page at /sandbox/irbis/ -----------------------------------------------------


def _esc(value) -> str:
    return html.escape(str(value))


def _day(value: str) -> str:
    day = _parse(value)
    return day.strftime("%d.%m.%Y") if day else _esc(value)


def _render_reader(reader: dict, today: str) -> str:
    parts = [
        '<section class="account">',
        f"<h2>{_esc(reader['surname'])} {_esc(reader['first_name'])}</h2>",
        f'<p class="muted">билет {_esc(reader["card"])} · год рождения '
        f"{reader['birth_year']} · MFN {reader['mfn']}</p>",
    ]
    if not reader["loans"]:
        parts.append('<p class="muted">Книг на руках нет.</p>')
    for loan in sorted(reader["loans"], key=lambda item: item["due"]):
        late = " · <b>просрочена</b>" if loan["due"] < today else ""
        renewed = f" · продлений: {loan['renewals']}" if loan["renewals"] else ""
        loan_id = _esc(loan["loan_id"])
        parts.append(
            f"<article><p>{_esc(loan['title'])}</p>"
            f'<div class="figures">выдана {_day(loan["given"])} · вернуть до '
            f"{_day(loan['due'])}{late}{renewed} · инв. {_esc(loan['inventory'])}</div>"
            '<form method="post" action="/sandbox/irbis/return">'
            f'<input type="hidden" name="loan_id" value="{loan_id}">'
            f'<input type="hidden" name="card" value="{_esc(reader["card"])}">'
            '<button type="submit">Вернуть</button></form>'
            '<form method="post" action="/sandbox/irbis/renew">'
            f'<input type="hidden" name="loan_id" value="{loan_id}">'
            f'<input type="hidden" name="card" value="{_esc(reader["card"])}">'
            '<button type="submit">Продлить на 14 дней</button></form></article>'
        )
    if reader["returned"]:
        parts.append(f'<p class="muted">Возвращено раньше: {len(reader["returned"])}.</p>')
    parts.append("</section>")
    return "".join(parts)


async def page(request: Request):
    """The readers of the emulated IRBIS64, their loans, and the desk's two buttons."""
    emulator = emulator_of(request)
    info = emulator.info()
    card = request.query_params.get("card", "").strip()
    if card:
        found = emulator.reader(card)
        readers = [found] if found else []
    else:
        readers = emulator.readers(limit=30, with_loans=True)
    today = _yyyymmdd(emulator.today())
    where = f"{info['host']}:{info['port']}" if info["port"] else "не запущен"
    body = "".join(_render_reader(reader, today) for reader in readers) or (
        '<p class="muted">Читатель с таким билетом не найден.</p>'
    )
    html_page = (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        "<title>ИРБИС64 в песочнице — Витрина</title>"
        '<link rel="stylesheet" href="/sandbox/style.css"></head><body>'
        "<header><h1>ИРБИС64 в песочнице</h1><p>Учебная копия сервера ИРБИС64: читатели "
        "(база RDR, выдачи в поле 40) и каталог (IBIS). Подключите её в Витрине: сервер "
        f"<b>{_esc(where)}</b>, логин <b>{_esc(info['username'])}</b>, пароль "
        f"<b>{_esc(info['password'])}</b>. Читатель подтверждает билет фамилией или годом "
        f"рождения. Читателей: {info.get('readers', 0)}, книг на руках: "
        f"{info.get('loans', 0)}.</p>"
        '<nav><a href="/sandbox/">Соцсети</a> <a href="/sandbox/irbis/">Читатели</a></nav>'
        '<form method="get" class="zone"><label>Билет <input name="card" value="'
        f'{_esc(card)}"></label> <button type="submit">Найти</button></form>'
        f"</header><main>{body}</main></body></html>"
    )
    return HTMLResponse(html_page)


async def _desk(request: Request, action) -> RedirectResponse:
    form = await request.form()
    loan_id, card = str(form.get("loan_id", "")), str(form.get("card", ""))
    if loan_id:
        action(emulator_of(request), loan_id)
    target = "/sandbox/irbis/" + (f"?card={quote(card)}" if card else "")
    return RedirectResponse(target, status_code=303)


async def desk_return(request: Request):
    return await _desk(request, lambda emulator, loan_id: emulator.return_loan(loan_id))


async def desk_renew(request: Request):
    return await _desk(request, lambda emulator, loan_id: emulator.renew_loan(loan_id))


routes = [
    Route("/sandbox/irbis/", page, methods=["GET"]),
    Route("/sandbox/irbis/return", desk_return, methods=["POST"]),
    Route("/sandbox/irbis/renew", desk_renew, methods=["POST"]),
    Route("/sandbox/control/irbis", control, methods=["GET", "POST"]),
    Route("/sandbox/control/irbis/generate", generate, methods=["POST"]),
    Route("/sandbox/control/irbis/readers", readers, methods=["GET"]),
    Route("/sandbox/control/irbis/return", return_loan, methods=["POST"]),
    Route("/sandbox/control/irbis/renew", renew_loan, methods=["POST"]),
]
