"""SRU ``searchRetrieve`` over HTTP with MARCXML records (Koha, Evergreen, national catalogues).

Both SRU 1.2 and 2.0 answers are read: elements are matched by local name, so either
namespace works, and records packed as escaped strings are unpacked.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx

from vitrina.catalog.marc import Entry, read_marcxml

MARCXML_NAMESPACE = "http://www.loc.gov/MARC21/slim"


class SruError(Exception):
    """The server answered with a diagnostic or with something that is not SRU."""


@dataclass
class SruPage:
    total: int
    entries: list[Entry] = field(default_factory=list)
    next_position: int | None = None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((child for child in element if _local(child.tag) == name), None)


def _descendants(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (node for node in element.iter() if _local(node.tag) == name)


def parse_response(content: bytes, *, flavour: str | None = None) -> SruPage:
    try:
        # The standard parser fetches no external entities; expat refuses entity bombs.
        root = ET.fromstring(content)  # noqa: S314
    except ET.ParseError as exc:
        raise SruError(f"the answer is not XML: {exc}") from exc
    if _local(root.tag) != "searchRetrieveResponse":
        raise SruError(f"unexpected answer <{_local(root.tag)}>")
    diagnostics = _child(root, "diagnostics")
    if diagnostics is not None and len(diagnostics):
        messages = [
            " ".join(text.strip() for text in node.itertext() if text.strip())
            for node in diagnostics
        ]
        raise SruError("; ".join(messages))
    total_node = _child(root, "numberOfRecords")
    page = SruPage(total=int(total_node.text or 0) if total_node is not None else 0)
    next_node = _child(root, "nextRecordPosition")
    if next_node is not None and (next_node.text or "").strip():
        page.next_position = int(next_node.text)
    marc_records = []
    for data in _descendants(root, "recordData"):
        record = next((child for child in data if _local(child.tag) == "record"), None)
        if record is not None:
            ET.register_namespace("", MARCXML_NAMESPACE)
            marc_records.append(ET.tostring(record, encoding="unicode"))
        elif (data.text or "").strip():
            # recordPacking=string: the MARCXML arrives escaped inside the element.
            marc_records.append(data.text.strip())
    if marc_records:
        collection = (
            f'<collection xmlns="{MARCXML_NAMESPACE}">' + "".join(marc_records) + "</collection>"
        )
        page.entries = list(read_marcxml(collection.encode("utf-8"), flavour=flavour))
    return page


class SruClient:
    def __init__(
        self,
        base_url: str,
        *,
        version: str = "1.2",
        record_schema: str = "marcxml",
        flavour: str | None = None,
        timeout: float = 20.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url
        self.version = version
        self.record_schema = record_schema
        self.flavour = flavour
        self.http = client or httpx.Client(timeout=timeout)

    def search(self, query: str, *, start: int = 1, maximum: int = 50) -> SruPage:
        response = self.http.get(
            self.base_url,
            params={
                "operation": "searchRetrieve",
                "version": self.version,
                "query": query,
                "startRecord": start,
                "maximumRecords": maximum,
                "recordSchema": self.record_schema,
            },
        )
        if response.status_code >= 400 and b"searchRetrieveResponse" not in response.content:
            raise SruError(f"the server answered HTTP {response.status_code}")
        return parse_response(response.content, flavour=self.flavour)

    def iterate(self, query: str, *, page_size: int = 50, limit: int | None = None):
        """Every record the query finds, following ``nextRecordPosition`` page by page."""
        position: int | None = 1
        seen = 0
        while position is not None:
            page = self.search(query, start=position, maximum=page_size)
            for entry in page.entries:
                yield entry
                seen += 1
                if limit is not None and seen >= limit:
                    return
            if not page.entries:
                return
            position = page.next_position

    def close(self) -> None:
        self.http.close()


def sru_entries(
    client: SruClient, query: str, *, page_size: int = 50, limit: int | None = None
) -> Iterator[Entry]:
    """Every record the query finds, numbered across pages, for the import service."""
    for number, entry in enumerate(client.iterate(query, page_size=page_size, limit=limit), 1):
        entry.number = number
        yield entry
