"""Read MARC21 and RUSMARC files (ISO 2709 or MARCXML) into ``BibRecord`` objects.

Russian exports come in UTF-8, cp1251 or cp866 and often say nothing true about it, so the
encoding is taken, in order, from the caller's override, the record itself (RUSMARC 100 $a
positions 26-29, MARC21 leader position 9) and finally from which decoding reads as Russian.
A broken record is reported with its number, byte offset and reason; reading goes on.
"""

from __future__ import annotations

import io
import itertools
import re
import xml.sax
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import pymarc
from pymarc import exceptions as marc_errors

from vitrina.catalog import marc21, rusmarc
from vitrina.catalog.bibrecord import BibRecord

ENCODINGS = ("utf-8", "cp1251", "cp866")
MARC21 = "marc21"
RUSMARC = "rusmarc"
FLAVOURS = (MARC21, RUSMARC)
RECORD_END = b"\x1d"
CHUNK_SIZE = 1 << 20
SAMPLE_RECORDS = 50
# The letters that make up about two thirds of Russian text: a wrong code page turns them
# into box-drawing signs and rare letters, so their share tells the encodings apart.
FREQUENT = set("оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё ОЕАИНТСРВЛКМДПУЯЫ")


@dataclass(frozen=True)
class ReadError:
    code: str
    reason: str


@dataclass
class Entry:
    """One record's outcome: ``record`` when it was read, ``error`` when it was not."""

    number: int
    offset: int
    record: BibRecord | None = None
    error: ReadError | None = None
    encoding: str = ""
    flavour: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


def russian_score(text: str) -> int:
    return sum(1 for char in text if char in FREQUENT) - sum(
        1 for char in text if "\u2500" <= char <= "\u25ff" or "\x80" <= char <= "\xbf"
    )


def guess_encoding(data: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8, else the code page that reads as more Russian."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    scores = {
        encoding: russian_score(data.decode(encoding, "replace")) for encoding in ENCODINGS[1:]
    }
    return max(scores, key=scores.get)


def _directory(chunk: bytes) -> list[tuple[str, int, int]] | None:
    try:
        base = int(chunk[12:17])
        directory = chunk[24 : base - 1].decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    return [
        (directory[i : i + 3], int(directory[i + 3 : i + 7]), int(directory[i + 7 : i + 12]))
        for i in range(0, len(directory) - 11, 12)
        if directory[i + 3 : i + 12].isdigit()
    ]


def declared_encoding(chunk: bytes) -> str:
    """The encoding an ISO 2709 record declares for itself, or "" if it declares none."""
    entries = _directory(chunk)
    if entries is None:
        return ""
    base = int(chunk[12:17])
    for tag, length, offset in entries:
        if tag == "100":
            data = chunk[base + offset : base + offset + length]
            # Indicators, then subfield $a: skip to the first subfield's value.
            value = data.split(b"\x1f", 2)[1][1:] if b"\x1f" in data else b""
            found = rusmarc.charset_from_100(value.decode("latin-1"))
            if found:
                return found
    if chunk[9:10] == b"a":
        return "utf-8"
    return ""


def data_of(chunk: bytes) -> bytes:
    try:
        return chunk[int(chunk[12:17]) :]
    except ValueError:
        return chunk[24:]


def fields_of(record: pymarc.Record) -> list[tuple[str, rusmarc.Subfields]]:
    fields = []
    for field in record.fields:
        if field.is_control_field():
            fields.append((field.tag, [("", field.data)]))
        else:
            fields.append((field.tag, [(sub.code, sub.value) for sub in field.subfields]))
    return fields


def detect_flavour(record: pymarc.Record) -> str:
    tags = {field.tag for field in record.fields}
    if "245" in tags:
        return MARC21
    if "200" in tags:
        return RUSMARC
    return MARC21 if {"100", "260", "264", "300"} & tags else RUSMARC


def to_bibrecord(record: pymarc.Record, flavour: str | None = None) -> tuple[BibRecord, str]:
    flavour = flavour or detect_flavour(record)
    mapper = marc21 if flavour == MARC21 else rusmarc
    return mapper.from_fields(fields_of(record), leader=str(record.leader)), flavour


def _decode_chunk(chunk: bytes, encoding: str) -> pymarc.Record:
    # pymarc reads leader position 9 = "a" as UTF-8 whatever it is told: the detected
    # encoding wins, so the flag is set to match it before decoding.
    flag = b"a" if encoding == "utf-8" else b" "
    chunk = chunk[:9] + flag + chunk[10:]
    return pymarc.Record(
        data=chunk, to_unicode=True, force_utf8=encoding == "utf-8", file_encoding=encoding
    )


_ERRORS = {
    marc_errors.RecordLeaderInvalid: ("leader", "the leader is not 24 valid characters"),
    marc_errors.BaseAddressNotFound: ("leader", "the leader has no base address of data"),
    marc_errors.BaseAddressInvalid: ("leader", "the base address lies outside the record"),
    marc_errors.RecordDirectoryInvalid: ("directory", "the directory is truncated or damaged"),
    marc_errors.TruncatedRecord: ("truncated", "the record is shorter than its leader says"),
    marc_errors.NoFieldsFound: ("empty", "the record has no fields"),
}


def _classify(exc: Exception) -> ReadError:
    for kind, (code, reason) in _ERRORS.items():
        if isinstance(exc, kind):
            return ReadError(code, reason)
    if isinstance(exc, UnicodeDecodeError):
        return ReadError(
            "encoding",
            f"bytes at {exc.start} cannot be read as {exc.encoding}",
        )
    if isinstance(exc, ValueError):
        return ReadError("leader", "the leader or directory holds non-numeric lengths")
    return ReadError("damaged", f"the record cannot be read ({exc.__class__.__name__})")


def _chunks(stream: BinaryIO, head: bytes = b"") -> Iterator[tuple[int, bytes]]:
    """Split an ISO 2709 stream at record terminators, which no valid text byte can be.

    Splitting on the terminator, not on the length in the leader, lets one damaged record
    be reported without losing the ones after it.
    """
    buffer = head
    offset = 0
    while True:
        block = stream.read(CHUNK_SIZE)
        buffer += block
        parts = buffer.split(RECORD_END)
        buffer = parts.pop()
        for part in parts:
            record = part.lstrip(b"\r\n")
            if record.strip(b" \x00"):
                yield offset + len(part) - len(record), record + RECORD_END
            offset += len(part) + 1
        if not block:
            break
    record = buffer.lstrip(b"\r\n")
    if record.strip(b" \x00\r\n"):
        yield offset + len(buffer) - len(record), record


def record_encoding(chunk: bytes) -> str:
    """The encoding one record is in: as declared when the bytes agree, else as guessed."""
    declared = declared_encoding(chunk)
    data = data_of(chunk)
    if declared == "utf-8":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return guess_encoding(data)
    return declared or guess_encoding(data)


def file_encoding(chunks: list[bytes]) -> str:
    """A file is written in one encoding: the majority of its first records decides it."""
    votes = Counter(record_encoding(chunk) for chunk in chunks if chunk[:5].isdigit())
    return votes.most_common(1)[0][0] if votes else "utf-8"


def read_iso2709(
    stream: BinaryIO,
    *,
    encoding: str | None = None,
    flavour: str | None = None,
    head: bytes = b"",
) -> Iterator[Entry]:
    chunks = _chunks(stream, head)
    sample = list(itertools.islice(chunks, SAMPLE_RECORDS))
    encoding = encoding or file_encoding([chunk for _, chunk in sample])
    for number, (offset, chunk) in enumerate(itertools.chain(sample, chunks), start=1):
        yield read_chunk(chunk, number=number, offset=offset, encoding=encoding, flavour=flavour)


def read_chunk(
    chunk: bytes, *, number: int, offset: int, encoding: str, flavour: str | None
) -> Entry:
    entry = Entry(number=number, offset=offset, encoding=encoding)
    if not chunk.endswith(RECORD_END):
        entry.error = ReadError("truncated", "the file ends inside this record")
    elif not chunk[:5].isdigit():
        entry.error = ReadError("leader", "the leader does not start with the record length")
    else:
        try:
            raw = _decode_chunk(chunk, encoding)
            entry.record, entry.flavour = to_bibrecord(raw, flavour)
        except Exception as exc:
            # Whatever is wrong with one record is reported; it never stops the file.
            entry.error = _classify(exc)
    return entry


class _Collector(pymarc.XmlHandler):
    def __init__(self) -> None:
        super().__init__()
        self.collected: list[pymarc.Record] = []

    def process_record(self, record: pymarc.Record) -> None:
        self.collected.append(record)


_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")
_DECLARED = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9_.-]+)["']""")


def read_marcxml(
    data: bytes, *, encoding: str | None = None, flavour: str | None = None
) -> Iterator[Entry]:
    """Read a MARCXML collection; a malformed document reports where parsing stopped."""
    declaration = _XML_DECLARATION.match(data)
    declared = ""
    if declaration:
        found = _DECLARED.search(declaration.group(0))
        declared = found.group(1).decode("ascii").lower() if found else ""
        data = data[declaration.end() :]
    chosen = encoding or declared or guess_encoding(data)
    try:
        text = data.decode(chosen)
    except (UnicodeDecodeError, LookupError) as exc:
        yield Entry(1, 0, error=ReadError("encoding", f"the document is not {chosen}: {exc}"))
        return
    handler = _Collector()
    # Uploaded files are untrusted: no external entities or DTDs are fetched, and the
    # bundled expat (>= 2.4) refuses entity-expansion bombs.
    parser = xml.sax.make_parser()  # noqa: S317
    parser.setFeature(xml.sax.handler.feature_namespaces, 1)
    parser.setFeature(xml.sax.handler.feature_external_ges, 0)
    parser.setFeature(xml.sax.handler.feature_external_pes, 0)
    parser.setContentHandler(handler)
    failure = None
    try:
        parser.parse(io.BytesIO(text.encode("utf-8")))
    except xml.sax.SAXParseException as exc:
        failure = ReadError(
            "xml", f"malformed XML at line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
        )
    number = 0
    for number, raw in enumerate(handler.collected, start=1):
        entry = Entry(number=number, offset=0, encoding=chosen)
        try:
            entry.record, entry.flavour = to_bibrecord(raw, flavour)
        except Exception as exc:
            entry.error = _classify(exc)
        yield entry
    if failure:
        yield Entry(number=number + 1, offset=0, error=failure, encoding=chosen)


def read_marc(
    source: BinaryIO | bytes | str,
    *,
    encoding: str | None = None,
    flavour: str | None = None,
) -> Iterator[Entry]:
    """Read every record of an ISO 2709 or MARCXML file, whichever the content is.

    ``source`` is a path, bytes or a binary stream. ``encoding`` overrides detection;
    ``flavour`` (``"marc21"`` or ``"rusmarc"``) overrides the per-record guess.
    """
    if encoding and encoding not in ENCODINGS:
        raise ValueError(f"unsupported encoding {encoding!r}")
    if flavour and flavour not in FLAVOURS:
        raise ValueError(f"unsupported flavour {flavour!r}")
    if isinstance(source, bytes):
        stream: BinaryIO = io.BytesIO(source)
    elif isinstance(source, str):
        stream = open(source, "rb")  # noqa: SIM115 -- closed below once read
    else:
        stream = source
    try:
        head = stream.read(512)
        if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"):
            yield from read_marcxml(head + stream.read(), encoding=encoding, flavour=flavour)
        else:
            yield from read_iso2709(stream, encoding=encoding, flavour=flavour, head=head)
    finally:
        if isinstance(source, str):
            stream.close()
