"""Koha's REST API (``/api/v1``): biblios by id as MARCXML and searches with ``q=`` filters.

Authentication is HTTP Basic or OAuth2 client credentials; the bearer token is kept until
shortly before it expires and fetched again once if the server rejects it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.catalog.marc import Entry, ReadError, read_marcxml

MARCXML = "application/marcxml+xml"


class KohaError(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


@dataclass
class KohaPage:
    total: int
    records: list[BibRecord]


class OAuth2ClientCredentials(httpx.Auth):
    """Bearer tokens from ``POST /api/v1/oauth/token`` (grant type client_credentials)."""

    requires_response_body = True
    # Tokens are renewed this many seconds before they expire, so none lapses in flight.
    MARGIN = 30

    def __init__(self, token_url: str, client_id: str, client_secret: str) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.token = ""
        self.expires_at = 0.0

    def _token_request(self) -> httpx.Request:
        return httpx.Request(
            "POST",
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
            },
        )

    def _store(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            raise KohaError(response.status_code, "the OAuth2 token request was refused")
        payload = response.json()
        self.token = payload["access_token"]
        self.expires_at = time.monotonic() + int(payload.get("expires_in", 3600)) - self.MARGIN

    def auth_flow(self, request: httpx.Request):
        if not self.token or time.monotonic() >= self.expires_at:
            self._store((yield self._token_request()))
        request.headers["Authorization"] = f"Bearer {self.token}"
        response = yield request
        if response.status_code == 401:
            self._store((yield self._token_request()))
            request.headers["Authorization"] = f"Bearer {self.token}"
            yield request


def biblio_from_json(payload: dict) -> BibRecord:
    """Map the JSON biblio object of ``GET /biblios`` to a ``BibRecord``."""
    record = BibRecord(title=(payload.get("title") or "").strip(" /:"))
    subtitle = (payload.get("subtitle") or "").strip(" /:")
    if subtitle:
        record.other_title = [subtitle]
    author = (payload.get("author") or "").strip()
    if author:
        surname, _, rest = author.partition(",")
        rest = rest.strip().rstrip(".")
        record.authors = [
            Person(surname=surname, initials=rest)
            if len(rest.replace(".", "").replace(" ", "")) <= 3
            else Person(surname=surname, forenames=rest)
        ]
    record.volume = payload.get("part_number") or ""
    record.volume_title = payload.get("part_name") or ""
    year = payload.get("publication_year") or payload.get("copyright_date") or ""
    record.year = str(year)
    for key, target in (("isbn", "isbn"), ("pages", "pages"), ("edition_statement", "edition")):
        if payload.get(key):
            setattr(record, target, str(payload[key]).strip())
    if payload.get("place"):
        record.places = [payload["place"].strip(" :")]
    if payload.get("publisher"):
        record.publishers = [payload["publisher"].strip(" ,")]
    if payload.get("biblio_id") is not None:
        record.control_number = str(payload["biblio_id"])
        record.source_ids["koha"] = str(payload["biblio_id"])
    return record


class KohaClient:
    def __init__(
        self,
        base_url: str,
        *,
        username: str = "",
        password: str = "",
        client_id: str = "",
        client_secret: str = "",
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        if client_id:
            auth: httpx.Auth | None = OAuth2ClientCredentials(
                f"{self.base_url}/api/v1/oauth/token", client_id, client_secret
            )
        elif username:
            auth = httpx.BasicAuth(username, password)
        else:
            auth = None
        self.http = httpx.Client(
            base_url=f"{self.base_url}/api/v1", auth=auth, timeout=timeout, transport=transport
        )

    def _check(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400:
            try:
                message = response.json().get("error", "")
            except ValueError:
                message = ""
            raise KohaError(response.status_code, message or f"HTTP {response.status_code}")
        return response

    def biblio(self, biblio_id: int) -> Entry:
        """The full record as MARCXML, read like an uploaded file."""
        response = self._check(self.http.get(f"/biblios/{biblio_id}", headers={"Accept": MARCXML}))
        [entry] = list(read_marcxml(response.content))
        if entry.record is not None:
            entry.record.source_ids["koha"] = str(biblio_id)
        return entry

    def search(self, query: dict, *, page: int = 1, per_page: int = 20) -> KohaPage:
        """``query`` is Koha's JSON filter, e.g. ``{"title": {"-like": "%хирург%"}}``."""
        response = self._check(
            self.http.get(
                "/biblios",
                params={
                    "q": json.dumps(query, ensure_ascii=False),
                    "_page": page,
                    "_per_page": per_page,
                },
                headers={"Accept": "application/json"},
            )
        )
        payload = response.json()
        total = int(response.headers.get("X-Total-Count", len(payload)))
        return KohaPage(total=total, records=[biblio_from_json(item) for item in payload])

    def close(self) -> None:
        self.http.close()


def koha_entries(client: KohaClient, query: dict, *, per_page: int = 100) -> Iterator[Entry]:
    """Every biblio a search finds, each read in full as MARCXML, for the import service."""
    number = 0
    page = 1
    while True:
        found = client.search(query, page=page, per_page=per_page)
        for record in found.records:
            number += 1
            try:
                entry = client.biblio(int(record.source_ids["koha"]))
            except KohaError as error:
                entry = Entry(number=number, offset=0, error=ReadError("koha", str(error)))
            entry.number = number
            yield entry
        if len(found.records) < per_page or number >= found.total:
            return
        page += 1
