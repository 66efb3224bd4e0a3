"""An IRBIS64 client: the TCP protocol most Russian public libraries' catalogues speak.

Every request opens a new connection, sends one packet and reads until the server closes:
the body length in decimal and a newline, then newline-separated lines — command code,
workstation code, command code again, client id, query sequence number, password, username,
three empty lines and the command's parameters. Service text is cp1251, record text and
queries UTF-8, and the fields of a record travel on one line separated by ``\\x1f\\x1e``.
The answer repeats the command, client id and sequence number, then a return code.
"""

from __future__ import annotations

import hmac
import random
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from vitrina.catalog import rusmarc
from vitrina.catalog.bibrecord import BibRecord
from vitrina.catalog.connectors.circulation import (
    Abilities,
    Circulation,
    IlsError,
    Loan,
    Patron,
    RenewalCheck,
)
from vitrina.catalog.marc import Entry

DEFAULT_PORT = 6666
FIELD_SEPARATOR = "\x1f\x1e"
HEADER_LINES = 10
MAX_ANSWER = 64 * 1024 * 1024
REGISTER = "A"
UNREGISTER = "B"
READ_RECORD = "C"
FORMAT_RECORDS = "G"
SEARCH = "K"
NOP = "N"
MAX_MFN = "O"
ALL_FORMAT = "&uf('+0')"
BRIEF_FORMAT = "@brief"
CATALOGUER = "C"
READER = "R"

ERRORS = {
    -140: "the MFN lies outside the database",
    -201: "the database does not exist",
    -600: "the record is logically deleted",
    -603: "the record is deleted",
    -2222: "the server did not understand the request",
    -3333: "the user is not known to the server",
    -3334: "the client is not registered",
    -3337: "the client is already registered",
    -4444: "the password is wrong",
}
_LINE_BREAK = re.compile(r"\r?\n")


class IrbisError(Exception):
    def __init__(self, code: int, message: str = "") -> None:
        self.code = code
        super().__init__(message or ERRORS.get(code, f"IRBIS error {code}"))


@dataclass
class IrbisRecord:
    """A record as IRBIS keeps it: MFN, status, version and ``tag#value`` fields."""

    mfn: int = 0
    status: int = 0
    version: int = 0
    fields: list[tuple[str, str]] = field(default_factory=list)

    def subfields(self) -> list[tuple[str, rusmarc.Subfields]]:
        return [(tag.zfill(3), parse_subfields(value)) for tag, value in self.fields]

    def to_bibrecord(self) -> BibRecord:
        record = rusmarc.from_fields(self.subfields())
        record.source_ids["mfn"] = str(self.mfn)
        for tag, subfields in self.subfields():
            if tag == "903" and "shelfmark" not in record.source_ids:
                record.source_ids["shelfmark"] = rusmarc.first(subfields, "")
            elif tag == "951" and not record.url:
                # IRBIS keeps links to external objects in 951 ^i.
                record.url = rusmarc.first(subfields, "i")
        return record

    def encode(self) -> str:
        lines = [f"{self.mfn}#{self.status}", f"0#{self.version}"]
        lines += [f"{tag}#{value}" for tag, value in self.fields]
        return FIELD_SEPARATOR.join(lines)

    @classmethod
    def decode(cls, text: str) -> IrbisRecord:
        lines = [line for line in re.split(r"\x1f\x1e|\r?\n", text) if line]
        record = cls()
        if lines:
            mfn, _, status = lines[0].partition("#")
            record.mfn, record.status = int(mfn or 0), int(status or 0)
        if len(lines) > 1:
            record.version = int(lines[1].partition("#")[2] or 0)
        for line in lines[2:]:
            tag, _, value = line.partition("#")
            record.fields.append((tag.strip(), value))
        return record


def parse_subfields(value: str) -> rusmarc.Subfields:
    """``Text^aOne^bTwo`` -> ``[("", "Text"), ("a", "One"), ("b", "Two")]``."""
    head, *parts = value.split("^")
    subfields = [("", head)] if head else []
    subfields += [(part[0].lower(), part[1:]) for part in parts if part]
    return subfields


@dataclass
class SearchResult:
    total: int
    mfns: list[int]
    # ``MFN -> formatted text`` when a format was asked for.
    formatted: dict[int, str] = field(default_factory=dict)


@dataclass
class Response:
    command: str
    client_id: int
    query_id: int
    lines: list[bytes]

    @property
    def return_code(self) -> int:
        return int(self.lines[0]) if self.lines and self.lines[0].strip() else 0

    def text(self, start: int = 1, encoding: str = "utf-8") -> list[str]:
        return [line.decode(encoding) for line in self.lines[start:]]

    def check(self) -> int:
        code = self.return_code
        if code < 0:
            raise IrbisError(code)
        return code


def encode_packet(
    command: str,
    *,
    workstation: str,
    client_id: int,
    query_id: int,
    username: str,
    password: str,
    parameters: list[bytes],
) -> bytes:
    header = f"{command}\n{workstation}\n{command}\n{client_id}\n{query_id}\n"
    header += f"{password}\n{username}\n\n\n\n"
    body = header.encode("cp1251") + b"".join(parameter + b"\n" for parameter in parameters)
    return str(len(body)).encode("ascii") + b"\n" + body


def decode_response(data: bytes) -> Response:
    lines = data.split(b"\n")
    lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    if len(lines) < HEADER_LINES:
        raise IrbisError(-2222, "the server's answer is shorter than its header")
    if lines and lines[-1] == b"":
        lines.pop()
    head = [line.decode("cp1251") for line in lines[:3]]
    return Response(
        command=head[0],
        client_id=int(head[1] or 0),
        query_id=int(head[2] or 0),
        lines=lines[HEADER_LINES:],
    )


class IrbisClient:
    """Talks to one IRBIS64 server as one registered workstation.

    Use as a context manager: registration on enter, unregistration on exit.
    """

    def __init__(
        self,
        host: str,
        port: int = DEFAULT_PORT,
        *,
        username: str,
        password: str,
        database: str = "IBIS",
        workstation: str = CATALOGUER,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.workstation = workstation
        self.timeout = timeout
        self.client_id = random.randint(100000, 999999)
        self.query_id = 0
        self.connected = False
        self.server_ini: list[str] = []

    def __enter__(self) -> IrbisClient:
        self.connect()
        return self

    def __exit__(self, *exc_info) -> None:
        self.disconnect()

    def execute(self, command: str, *parameters: str | bytes, ansi: bool = False) -> Response:
        """Send one command over a fresh connection and return the server's answer."""
        self.query_id += 1
        encoded = [
            parameter
            if isinstance(parameter, bytes)
            else parameter.encode("cp1251" if ansi else "utf-8")
            for parameter in parameters
        ]
        packet = encode_packet(
            command,
            workstation=self.workstation,
            client_id=self.client_id,
            query_id=self.query_id,
            username=self.username,
            password=self.password,
            parameters=encoded,
        )
        deadline = time.monotonic() + self.timeout * 3
        with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
            sock.sendall(packet)
            chunks, size = [], 0
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                size += len(chunk)
                # A server that never stops talking is not IRBIS64, or not a healthy one.
                if size > MAX_ANSWER:
                    raise IrbisError(-2222, "the server's answer is too long")
                if time.monotonic() > deadline:
                    raise TimeoutError("the server's answer takes too long")
        response = decode_response(b"".join(chunks))
        if response.command != command or response.query_id != self.query_id:
            raise IrbisError(-2222, "the answer does not belong to this request")
        return response

    def connect(self) -> None:
        response = self.execute(REGISTER, self.username, self.password, ansi=True)
        response.check()
        self.server_ini = response.text(start=2, encoding="cp1251")
        self.connected = True

    def disconnect(self) -> None:
        if self.connected:
            self.execute(UNREGISTER, self.username, ansi=True)
            self.connected = False

    def nop(self) -> None:
        self.execute(NOP).check()

    def max_mfn(self, database: str | None = None) -> int:
        """The highest MFN in use (the server answers with the next one it would assign)."""
        return self.execute(MAX_MFN, database or self.database, ansi=True).check() - 1

    def read_record(self, mfn: int, database: str | None = None) -> IrbisRecord:
        response = self.execute(
            READ_RECORD, (database or self.database).encode("cp1251"), str(mfn), "0"
        )
        response.check()
        return IrbisRecord.decode("\n".join(response.text()))

    def search(
        self,
        expression: str,
        *,
        database: str | None = None,
        first: int = 1,
        limit: int = 0,
        format: str = "",
    ) -> SearchResult:
        """Run a search such as ``"A=ПУШКИН$"``; ``limit`` 0 asks for all the server gives."""
        response = self.execute(
            SEARCH,
            (database or self.database).encode("cp1251"),
            expression,
            str(limit),
            str(first),
            format,
        )
        response.check()
        lines = response.text()
        total = int(lines[0]) if lines else 0
        result = SearchResult(total=total, mfns=[])
        for line in lines[1:]:
            mfn, separator, text = line.partition("#")
            if not mfn.strip():
                continue
            result.mfns.append(int(mfn))
            if separator:
                result.formatted[int(mfn)] = text
        return result

    def format_records(
        self, format: str, mfns: list[int], database: str | None = None
    ) -> dict[int, str]:
        response = self.execute(
            FORMAT_RECORDS,
            (database or self.database).encode("cp1251"),
            format,
            str(len(mfns)),
            *[str(mfn) for mfn in mfns],
        )
        response.check()
        formatted = {}
        for line in response.text():
            mfn, _, text = line.partition("#")
            if mfn.strip():
                formatted[int(mfn)] = text.replace(FIELD_SEPARATOR, "\n")
        return formatted

    def search_records(
        self, expression: str, *, database: str | None = None, first: int = 1, limit: int = 0
    ) -> list[IrbisRecord]:
        """Found records with all their fields, in one round trip."""
        result = self.search(
            expression, database=database, first=first, limit=limit, format=ALL_FORMAT
        )
        records = []
        for mfn in result.mfns:
            record = IrbisRecord.decode(result.formatted.get(mfn, ""))
            record.mfn = mfn
            records.append(record)
        return records

    def fetch_bibrecords(
        self, expression: str, *, database: str | None = None, page_size: int = 100
    ) -> Iterator[BibRecord]:
        """Every record a search finds, fetched page by page, as ``BibRecord`` objects.

        A record without its own control number (field 001) is known by database and MFN,
        so that fetching it again updates it.
        """
        database = database or self.database
        first = 1
        while True:
            page = self.search_records(expression, database=database, first=first, limit=page_size)
            for record in page:
                bib = record.to_bibrecord()
                bib.control_number = bib.control_number or f"{database}:{record.mfn}"
                yield bib
            if len(page) < page_size:
                return
            first += page_size


def irbis_entries(
    client: IrbisClient, expression: str, *, database: str | None = None, page_size: int = 100
) -> Iterator[Entry]:
    """Found records as entries for the catalogue's import service."""
    for number, record in enumerate(
        client.fetch_bibrecords(expression, database=database, page_size=page_size), start=1
    ):
        yield Entry(number=number, offset=0, record=record, encoding="utf-8", flavour="rusmarc")


# --- Circulation over the reader database RDR -------------------------------------------

CIRCULATION = "B"  # the workstation code of IRBIS's circulation desk (АРМ «Книговыдача»)
READER_INDEX = "RI"  # the readers' card index of RDR's standard search menu
_CARD = re.compile(r"^[\w./-]{1,40}$")
_NOT_RETURNED = "*"


def irbis_date(value: str) -> date | None:
    """``YYYYMMDD`` (IRBIS's dates, local to the library) -> a date; None if not one."""
    value = (value or "").strip()
    if len(value) < 8 or not value[:8].isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def normalise_surname(value: str) -> str:
    """Case-insensitive, ё as е, no spaces: how a reader's surname is compared."""
    return "".join((value or "").casefold().replace("ё", "е").split())


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)")


def birth_year(value: str) -> str:
    """The year of field 21, written ``1985``, ``19850312`` or ``12.03.1985``; "" if none."""
    value = (value or "").strip()
    found = _YEAR.match(value) or _YEAR.search(value)
    return found.group(1) if found else ""


def _first(subfields: rusmarc.Subfields, code: str) -> str:
    for name, value in subfields:
        if name == code:
            return value.strip()
    return ""


def _plain(value: str) -> str:
    """A field kept as plain text (10, 11, 30), or its first subfield where it has some."""
    subfields = parse_subfields(value)
    return (subfields[0][1] if subfields else "").strip()


@dataclass
class Visit:
    """One occurrence of RDR's field 40: a visit, or a loan when it names a document."""

    shelfmark: str = ""  # ^a; empty: a visit, not a loan
    inventory: str = ""  # ^b
    description: str = ""  # ^c
    given: str = ""  # ^d
    expected: str = ""  # ^e
    returned: str = ""  # ^f; "******" (or anything starting with "*"): not returned yet
    database: str = ""  # ^g
    barcode: str = ""  # ^h
    sigla: str = ""  # ^k
    renewed: str = ""  # ^l
    lost: str = ""  # ^u
    counter: str = ""  # ^4
    row_id: str = ""  # ^z, written by some self-service cabinets

    CODES = {
        "a": "shelfmark",
        "b": "inventory",
        "c": "description",
        "d": "given",
        "e": "expected",
        "f": "returned",
        "g": "database",
        "h": "barcode",
        "k": "sigla",
        "l": "renewed",
        "u": "lost",
        "4": "counter",
        "z": "row_id",
    }

    @classmethod
    def parse(cls, value: str) -> Visit:
        visit = cls()
        subfields = parse_subfields(value)
        for code, name in cls.CODES.items():
            setattr(visit, name, _first(subfields, code))
        return visit

    @property
    def is_visit(self) -> bool:
        """A pure visit: no document was given (ManagedIrbis inverts this in GetLoans)."""
        return not self.shelfmark

    @property
    def is_returned(self) -> bool:
        return bool(self.returned) and not self.returned.startswith(_NOT_RETURNED)

    @property
    def loan_id(self) -> str:
        """Stable per loan: the row id where one is written, else inventory (or barcode,
        or shelfmark) with the day given; a renewal changes neither."""
        if self.row_id:
            return self.row_id
        return f"{self.inventory or self.barcode or self.shelfmark}/{self.given}"

    def to_loan(self, patron_id: str) -> Loan | None:
        due = irbis_date(self.expected)
        if due is None:
            return None
        returned_on = None
        if self.is_returned:
            returned_on = irbis_date(self.returned) or due
        counter = self.counter.strip()
        renewals = int(counter) if counter.isdigit() else (1 if self.renewed else 0)
        extra = {"shelfmark": self.shelfmark}
        for name in ("database", "barcode", "sigla"):
            if getattr(self, name):
                extra[name] = getattr(self, name)
        if self.renewed:
            extra["renewed_on"] = irbis_date(self.renewed)
        if self.lost:
            extra["lost"] = True
        return Loan(
            loan_id=self.loan_id,
            patron_id=patron_id,
            due=due,
            title=(self.description or self.shelfmark)[:300],
            loaned_on=irbis_date(self.given),
            returned_on=returned_on,
            renewals=renewals,
            item=self.inventory or self.barcode,
            extra=extra,
        )


def record_loans(record: IrbisRecord, patron_id: str) -> list[Loan]:
    """Every loan of a reader record (visits left out), returned ones included; a loan
    written twice (the same row id or inventory and day) counts once, the later one."""
    loans: dict[str, Loan] = {}
    for tag, value in record.fields:
        if tag.lstrip("0") != "40":
            continue
        visit = Visit.parse(value)
        if visit.is_visit:
            continue
        loan = visit.to_loan(patron_id)
        if loan is not None:
            loans[loan.loan_id] = loan
    return list(loans.values())


def _field(record: IrbisRecord, tag: str) -> str:
    for name, value in record.fields:
        if name.lstrip("0") == tag:
            return _plain(value)
    return ""


class IrbisCirculation(Circulation):
    """Readers and their loans from IRBIS64's reader database (RDR by default).

    A reader proves the card with a second factor the library chooses: the surname
    (field 10) or the year of birth (field 21). Loans are the occurrences of field 40
    that name a document; IRBIS64 does not renew by itself, so a librarian confirms
    renewal requests. Every call registers, asks and unregisters.
    """

    abilities = Abilities(second_factor=True, renews=False, keeps_history=True)

    def __init__(
        self,
        host: str,
        port: int = DEFAULT_PORT,
        *,
        username: str,
        secret: str,
        readers_database: str = "RDR",
        catalogue_database: str = "IBIS",
        second_factor: str = "surname",
        zone: str = "Europe/Moscow",
        timeout: float = 10.0,
        workstation: str = CIRCULATION,
    ) -> None:
        if second_factor not in ("surname", "birth_year"):
            raise ValueError(f"unknown second factor {second_factor!r}")
        self.host, self.port = host, int(port or DEFAULT_PORT)
        self.username, self._secret = username, secret
        self.readers_database = readers_database or "RDR"
        self.catalogue_database = catalogue_database or "IBIS"
        self.second_factor = second_factor
        self.zone = ZoneInfo(zone)
        self.timeout = timeout
        self.workstation = workstation

    def __repr__(self) -> str:  # never the password
        return f"IrbisCirculation({self.host}:{self.port}, user={self.username!r})"

    @contextmanager
    def _session(self) -> Iterator[IrbisClient]:
        client = IrbisClient(
            self.host,
            self.port,
            username=self.username,
            password=self._secret,
            database=self.readers_database,
            workstation=self.workstation,
            timeout=self.timeout,
        )
        try:
            client.connect()
            try:
                yield client
            finally:
                with suppress(OSError, IrbisError, ValueError, IndexError):
                    client.disconnect()
        except IlsError:
            raise
        except IrbisError as exc:
            raise self._error(exc) from None
        except TimeoutError as exc:
            raise IlsError(
                "unreachable",
                f"Сервер ИРБИС64 {self.host}:{self.port} не ответил вовремя.",
                detail=type(exc).__name__,
            ) from None
        except OSError as exc:
            raise IlsError(
                "unreachable",
                f"Нет связи с сервером ИРБИС64 {self.host}:{self.port}.",
                detail=exc.strerror or type(exc).__name__,
            ) from None
        except (ValueError, IndexError, UnicodeDecodeError) as exc:
            raise IlsError(
                "garbage",
                f"Ответ сервера {self.host}:{self.port} не похож на ответ ИРБИС64.",
                detail=type(exc).__name__,
            ) from None

    def _error(self, exc: IrbisError) -> IlsError:
        detail = f"{exc.code}: {exc}"
        if exc.code in (-3333, -4444):
            return IlsError("refused", "ИРБИС64 не принял логин или пароль.", detail=detail)
        if exc.code == -201:
            return IlsError(
                "not_found",
                f"На сервере ИРБИС64 нет базы данных «{self.readers_database}».",
                detail=detail,
            )
        if exc.code == -3337:
            return IlsError("unreachable", "ИРБИС64 занят: повторите попытку позже.", detail=detail)
        if exc.code == -2222:
            return IlsError(
                "garbage",
                f"Ответ сервера {self.host}:{self.port} не похож на ответ ИРБИС64.",
                detail=detail,
            )
        return IlsError("garbage", f"ИРБИС64 ответил ошибкой {exc.code}.", detail=detail)

    def check(self) -> list[str]:
        try:
            with self._session() as client:
                last = client.max_mfn(self.readers_database)
                if last < 1:
                    return [f"В базе читателей «{self.readers_database}» нет ни одной записи."]
                found = client.search(
                    f'"{READER_INDEX}=$"', database=self.readers_database, limit=1
                )
                if found.total == 0:
                    return [
                        f"В базе «{self.readers_database}» поиск по номеру читательского "
                        f"билета ({READER_INDEX}=) ничего не находит."
                    ]
        except IlsError as exc:
            problem = exc.message
            if exc.reason == "refused":
                problem += " Проверьте логин, пароль и право входа в АРМ «Книговыдача»."
            return [problem]
        return []

    def _reader(self, client: IrbisClient, card: str) -> IrbisRecord | None:
        card = (card or "").strip()
        if not _CARD.match(card):
            return None
        records = client.search_records(
            f'"{READER_INDEX}={card}"', database=self.readers_database, limit=10
        )
        for record in records:
            if record.status & 3:  # logically or physically deleted
                continue
            if _field(record, "30").casefold() == card.casefold():
                return record
        return None

    def _find(self, card: str) -> IrbisRecord | None:
        with self._session() as client:
            return self._reader(client, card)

    @staticmethod
    def _patron(record: IrbisRecord) -> Patron:
        return Patron(
            ils_id=str(record.mfn),
            card=_field(record, "30"),
            surname=_field(record, "10"),
            first_name=_field(record, "11"),
        )

    def patron_by_card(self, card: str) -> Patron | None:
        record = self._find(card)
        return self._patron(record) if record is not None else None

    def verify(self, card: str, secret: str) -> Patron | None:
        given = (secret or "").strip()
        if not given:
            return None
        record = self._find(card)
        if record is None:
            return None
        if self.second_factor == "birth_year":
            born = birth_year(_field(record, "21"))
            proven = bool(born) and given.isdigit() and hmac.compare_digest(born, given)
        else:
            kept = normalise_surname(_field(record, "10"))
            proven = bool(kept) and hmac.compare_digest(
                kept.encode(), normalise_surname(given).encode()
            )
        return self._patron(record) if proven else None

    def _loans(self, patron: Patron) -> list[Loan]:
        record = self._find(patron.card)
        if record is None:
            raise IlsError("not_found", f"В ИРБИС64 нет читателя с билетом «{patron.card}».")
        return record_loans(record, str(record.mfn))

    def loans(self, patron: Patron) -> list[Loan]:
        return sorted(
            (loan for loan in self._loans(patron) if not loan.returned),
            key=lambda loan: (loan.due, loan.loan_id),
        )

    def history(self, patron: Patron) -> list[Loan]:
        return sorted(
            (loan for loan in self._loans(patron) if loan.returned),
            key=lambda loan: (loan.returned_on, loan.loan_id),
        )

    def renewal_check(self, loan: Loan) -> RenewalCheck:
        """IRBIS64 keeps no renewal rules to ask: the librarian decides on the request."""
        return RenewalCheck(allowed=True, current_renewals=loan.renewals)
