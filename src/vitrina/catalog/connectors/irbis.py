"""An IRBIS64 client: the TCP protocol most Russian public libraries' catalogues speak.

Every request opens a new connection, sends one packet and reads until the server closes:
the body length in decimal and a newline, then newline-separated lines — command code,
workstation code, command code again, client id, query sequence number, password, username,
three empty lines and the command's parameters. Service text is cp1251, record text and
queries UTF-8, and the fields of a record travel on one line separated by ``\\x1f\\x1e``.
The answer repeats the command, client id and sequence number, then a return code.
"""

from __future__ import annotations

import random
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

from vitrina.catalog import rusmarc
from vitrina.catalog.bibrecord import BibRecord
from vitrina.catalog.marc import Entry

DEFAULT_PORT = 6666
FIELD_SEPARATOR = "\x1f\x1e"
HEADER_LINES = 10
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
        with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
            sock.sendall(packet)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
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
