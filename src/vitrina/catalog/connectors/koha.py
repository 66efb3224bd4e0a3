"""Koha's REST API (``/api/v1``): biblios by id as MARCXML and searches with ``q=`` filters,
and ``KohaCirculation``: readers, their checkouts and renewals for reader services.

Authentication is HTTP Basic or OAuth2 client credentials; the bearer token is kept until
shortly before it expires and fetched again once if the server rejects it.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import httpx

from vitrina.catalog.bibrecord import BibRecord, Person
from vitrina.catalog.connectors.circulation import (
    Abilities,
    Circulation,
    IlsError,
    Loan,
    Patron,
    Renewal,
    RenewalCheck,
)
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


# Circulation: readers, their checkouts and renewals (``circulation.Circulation``).

logger = logging.getLogger(__name__)

# Koha's embed of a checkout's item with its record (Koha 24.05 on); older servers refuse
# it and the titles are read from ``/items`` with the ``biblio`` embed instead.
ITEM_EMBED = "item.biblio"
PAGE_SIZE = 100
# Koha's permission flags as its Russian staff interface names them.
PERMISSION_NAMES = {
    "borrowers": "работа с читателями",
    "circulate": "книговыдача",
    "catalogue": "доступ к каталогу",
}
RENEWAL_REFUSED = re.compile(r"Renewal not authorized \(([^)]*)\)")


class ReaderLoginBlocked(IlsError):
    """The reader's own Koha login cannot be used now: ``kind`` is ``locked`` (too many
    wrong passwords, or locked by the library) or ``expired`` (the password must be
    changed in the library's catalogue first). ``message`` is written for the reader."""

    def __init__(self, kind: str, message: str, *, detail: str = "") -> None:
        super().__init__("not_found", message, detail=detail)
        self.kind = kind


def _moment(value) -> datetime | None:
    """Koha's RFC 3339 date-times (``2026-12-05T23:59:00+03:00``); None when empty."""
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"a date-time without its offset: {value}")
    return moment


def _day(value) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


class KohaCirculation(Circulation):
    """A Koha server's circulation through its REST API.

    ``auth="basic"`` logs in as a staff user (``username``, ``secret`` its password; Koha's
    RESTBasicAuth must be on); ``auth="oauth2"`` uses an API key of that user (``username``
    the client id, ``secret`` the client secret). The user needs the permissions
    ``borrowers`` and ``circulate`` (``circulate_remaining_permissions``)."""

    abilities = Abilities(
        verifies_password=True, renews=True, keeps_history=True, lists_all_loans=True
    )

    def __init__(
        self,
        base_url: str,
        *,
        auth: str = "basic",
        username: str,
        secret: str,
        zone: str = "Europe/Moscow",
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        if auth not in ("basic", "oauth2"):
            raise ValueError("auth must be basic or oauth2")
        # The server's root; an address copied with the API's path still works.
        self.base_url = base_url.strip().rstrip("/").removesuffix("/api/v1")
        self.api = f"{self.base_url}/api/v1"
        self.zone = ZoneInfo(zone)
        self.timeout = timeout
        self.auth: httpx.Auth = (
            OAuth2ClientCredentials(f"{self.api}/oauth/token", username, secret)
            if auth == "oauth2"
            else httpx.BasicAuth(username, secret)
        )
        self._own_client = client is None
        self.http = client or httpx.Client(timeout=timeout)
        self._old_embeds = False

    # The conversation with Koha

    def _request(
        self, method: str, path: str, *, expect=(200,), headers=None, **kwargs
    ) -> httpx.Response:
        """One call; any status outside ``expect`` becomes an ``IlsError``."""
        try:
            response = self.http.request(
                method,
                f"{self.api}{path}",
                auth=self.auth,
                timeout=self.timeout,
                headers={"Accept": "application/json", **(headers or {})},
                **kwargs,
            )
        except httpx.TimeoutException as exc:
            logger.warning("Koha at %s did not answer in time: %s %s", self.base_url, method, path)
            raise IlsError(
                "unreachable",
                "Сервер Koha не ответил вовремя. Витрина попробует ещё раз позже.",
                detail=type(exc).__name__,
            ) from exc
        except httpx.TransportError as exc:
            logger.warning("Koha at %s is unreachable: %s", self.base_url, type(exc).__name__)
            raise IlsError(
                "unreachable",
                "Не удаётся соединиться с сервером Koha. Проверьте адрес; если он верен, "
                "сервер, видимо, недоступен — Витрина попробует позже.",
                detail=type(exc).__name__,
            ) from exc
        except KohaError as exc:  # the OAuth2 token request failed
            raise self._token_refused(exc) from exc
        except (ValueError, KeyError) as exc:  # a token answer that is not Koha's
            raise IlsError(
                "garbage",
                "Сервер по этому адресу выдаёт не ключи Koha. Проверьте адрес.",
                detail=str(exc)[:200],
            ) from exc
        if response.status_code in expect:
            return response
        raise self._failure(response)

    def _token_refused(self, exc: KohaError) -> IlsError:
        if exc.status >= 500:
            return IlsError(
                "unreachable",
                "Сервер Koha не смог выдать ключ доступа. Витрина попробует позже.",
                detail=str(exc),
            )
        if exc.status == 404:
            return IlsError(
                "garbage",
                "По этому адресу нет выдачи ключей Koha. Проверьте адрес сервера.",
                detail=str(exc),
            )
        return IlsError(
            "refused",
            "Koha не принимает ключ API (client id и secret). Проверьте их и что в Koha "
            "включена настройка RESTOAuth2ClientCredentials.",
            detail=str(exc),
        )

    def _failure(self, response: httpx.Response) -> IlsError:
        status = response.status_code
        body = self._body(response, quiet=True)
        detail = ""
        if isinstance(body, dict):
            detail = str(body.get("error") or body.get("errors") or "")[:300]
        if status == 401:
            return IlsError(
                "refused",
                "Koha не принимает логин и пароль Витрины. Проверьте их и что в Koha "
                "включена настройка RESTBasicAuth.",
                detail=detail,
            )
        if status == 403:
            needed = body.get("required_permissions") if isinstance(body, dict) else None
            if detail == "Password has expired":
                return IlsError(
                    "refused",
                    "Пароль пользователя Витрины в Koha устарел. Смените его в Koha и "
                    "впишите новый в настройках подключения.",
                    detail=detail,
                )
            if not needed and not detail.startswith("Authorization failure"):
                # Koha answers a wrong Basic password with 403 "Invalid password".
                return IlsError(
                    "refused",
                    "Koha не принимает логин и пароль Витрины. Проверьте их.",
                    detail=detail,
                )
            names = ", ".join(
                f"{key} ({PERMISSION_NAMES.get(key, value)})"
                for key, value in (needed or {}).items()
            )
            return IlsError(
                "refused",
                "У пользователя Витрины в Koha не хватает прав"
                + (f": нужны {names}." if names else ".")
                + " Их даёт администратор Koha на странице прав пользователя.",
                detail=detail,
            )
        if status == 404:
            return IlsError("not_found", "В Koha такого нет.", detail=detail)
        if status >= 500:
            return IlsError(
                "unreachable",
                "Сервер Koha ответил ошибкой. Витрина попробует ещё раз позже.",
                detail=detail or f"HTTP {status}",
            )
        return IlsError(
            "garbage",
            "Koha не поняла запрос Витрины — возможно, версия Koha слишком старая.",
            detail=detail or f"HTTP {status}",
        )

    def _body(self, response: httpx.Response, *, quiet: bool = False):
        try:
            return response.json()
        except ValueError as exc:
            if quiet:
                return None
            raise IlsError(
                "garbage",
                "Сервер по этому адресу отвечает не как Koha. Проверьте адрес.",
                detail=response.text[:200],
            ) from exc

    def _json(self, method: str, path: str, *, expect=(200,), kind=dict, **kwargs):
        response = self._request(method, path, expect=expect, **kwargs)
        body = self._body(response)
        if not isinstance(body, kind):
            raise IlsError(
                "garbage",
                "Сервер по этому адресу отвечает не как Koha. Проверьте адрес.",
                detail=response.text[:200],
            )
        return response, body

    def _pages(
        self, path: str, params: dict, *, headers=None, pages: int | None = None
    ) -> Iterator[list[dict]]:
        """Every page of a Koha list (``_page``/``_per_page``, ``X-Total-Count``), or the
        first ``pages`` of them."""
        page, seen = 1, 0
        while True:
            response, rows = self._json(
                "GET",
                path,
                kind=list,
                params={**params, "_page": page, "_per_page": PAGE_SIZE},
                headers=headers,
            )
            try:
                total = int(response.headers.get("X-Total-Count", seen + len(rows)))
            except ValueError:
                total = seen + len(rows)
            seen += len(rows)
            yield rows
            if len(rows) < PAGE_SIZE or seen >= total or (pages and page >= pages):
                return
            page += 1

    # Mapping Koha's objects

    def _patron(self, data: dict) -> Patron:
        try:
            expiry = _day(data.get("expiry_date"))
            return Patron(
                ils_id=str(data["patron_id"]),
                card=str(data.get("cardnumber") or ""),
                surname=data.get("surname") or "",
                first_name=data.get("firstname") or "",
                expiry=expiry,
                blocked=bool(data.get("restricted"))
                or (expiry is not None and expiry < self._today()),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise IlsError(
                "garbage", "Koha прислала читателя в непонятном виде.", detail=str(exc)
            ) from exc

    def _today(self) -> date:
        return datetime.now(self.zone).date()

    def _loan(self, data: dict, biblios: dict | None = None) -> Loan:
        try:
            due_at = _moment(data["due_date"])
            loaned = _moment(data.get("checkout_date"))
            returned = _moment(data.get("checkin_date"))
            item = data.get("item") or {}
            biblio = item.get("biblio") or (biblios or {}).get(data.get("item_id")) or {}
            title = (biblio.get("title") or "").strip(" /:")
            author = (biblio.get("author") or "").strip()
            if author and title:
                title = f"{author.split(',')[0].strip()}. {title}"
            return Loan(
                loan_id=str(data["checkout_id"]),
                patron_id=str(data["patron_id"]),
                due=due_at.astimezone(self.zone).date(),
                due_at=due_at,
                title=title,
                loaned_on=loaned.astimezone(self.zone).date() if loaned else None,
                returned_on=returned.astimezone(self.zone).date() if returned else None,
                renewals=int(data.get("renewals_count") or 0),
                item=str(item.get("external_id") or data.get("item_id") or ""),
                extra={
                    "item_id": data.get("item_id"),
                    "biblio_id": item.get("biblio_id") or biblio.get("biblio_id"),
                    "auto_renew": bool(data.get("auto_renew")),
                    "onsite": bool(data.get("onsite_checkout")),
                },
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise IlsError(
                "garbage", "Koha прислала выдачу в непонятном виде.", detail=str(exc)
            ) from exc

    def _checkouts(self, params: dict, *, pages: int | None = None) -> Iterator[list[Loan]]:
        """Checkouts page by page, each with its title; on a Koha without the ``item``
        embed, the titles of a page come from one ``/items`` call."""
        if not self._old_embeds:
            try:
                for rows in self._pages(
                    "/checkouts", params, headers={"x-koha-embed": ITEM_EMBED}, pages=pages
                ):
                    yield [self._loan(row) for row in rows]
                return
            except IlsError as error:
                if error.reason != "garbage" or "x-koha-embed" not in error.detail:
                    raise
                self._old_embeds = True
        for rows in self._pages("/checkouts", params, pages=pages):
            yield [self._loan(row, self._titles(rows)) for row in rows]

    def _titles(self, rows: list[dict]) -> dict:
        ids = sorted({row.get("item_id") for row in rows if row.get("item_id") is not None})
        if not ids:
            return {}
        try:
            _, items = self._json(
                "GET",
                "/items",
                kind=list,
                params={"q": json.dumps({"item_id": ids}), "_per_page": -1},
                headers={"x-koha-embed": "biblio"},
            )
        except IlsError as error:
            if error.reason == "unreachable":
                raise
            return {}  # loans without titles are still loans
        return {
            item.get("item_id"): item.get("biblio") or {}
            for item in items
            if isinstance(item, dict)
        }

    # The interface

    def check(self) -> list[str]:
        problems = []
        for path, params in (
            ("/patrons", {"_per_page": 1}),
            ("/checkouts", {"_per_page": 1}),
        ):
            try:
                self._json("GET", path, kind=list, params=params)
            except IlsError as error:
                if error.message not in problems:
                    problems.append(error.message)
                if error.reason in ("unreachable", "garbage"):
                    break
        return problems

    def patron_by_card(self, card: str) -> Patron | None:
        card = card.strip()
        if not card:
            return None
        _, rows = self._json(
            "GET", "/patrons", kind=list, params={"cardnumber": card, "_match": "exact"}
        )
        for row in rows:
            if isinstance(row, dict) and str(row.get("cardnumber") or "") == card:
                return self._patron(row)
        return None

    def verify(self, card: str, secret: str) -> Patron | None:
        card = card.strip()
        if not card or not secret:
            return None
        response = self._request(
            "POST",
            "/auth/password/validation",
            expect=(201, 400),
            json={"identifier": card, "password": secret},
        )
        body = self._body(response)
        if not isinstance(body, dict):
            raise IlsError("garbage", "Koha ответила на проверку пароля непонятно.")
        if response.status_code == 201:
            try:
                patron_id = int(body["patron_id"])
            except (KeyError, TypeError, ValueError) as exc:
                raise IlsError(
                    "garbage", "Koha ответила на проверку пароля непонятно.", detail=str(exc)
                ) from exc
            # The list needs the same permission as the validation; /patrons/{id} needs more.
            patron = self.patron_by_card(str(body.get("cardnumber") or ""))
            if patron is None or patron.ils_id != str(patron_id):
                raise IlsError(
                    "garbage", "Koha подтвердила пароль, но не нашла читателя.", detail=card
                )
            return patron
        message = str(body.get("error") or "")
        if "expired" in message.lower():
            raise ReaderLoginBlocked(
                "expired",
                "Срок действия пароля от электронного каталога истёк. Смените пароль в "
                "каталоге библиотеки или у библиотекаря и попробуйте снова.",
                detail=message,
            )
        if message != "Validation failed":
            raise IlsError("garbage", "Koha ответила на проверку пароля непонятно.", detail=message)
        # Koha answers a locked account like a wrong password; the patron tells them apart.
        patron = self._locked(card)
        if patron:
            raise ReaderLoginBlocked(
                "locked",
                "Вход по этому билету заблокирован в библиотеке: слишком много неверных "
                "паролей. Обратитесь к библиотекарю, чтобы снять блокировку.",
                detail=message,
            )
        return None

    def _locked(self, card: str) -> bool:
        _, rows = self._json(
            "GET", "/patrons", kind=list, params={"cardnumber": card, "_match": "exact"}
        )
        for row in rows:
            if isinstance(row, dict) and str(row.get("cardnumber") or "") == card:
                return row.get("login_attempts") == -1
        return False

    def loans(self, patron: Patron) -> list[Loan]:
        return [loan for page in self._checkouts({"patron_id": patron.ils_id}) for loan in page]

    def all_loans(self) -> Iterator[Loan]:
        """Every current loan, a hundred at a time after the last id seen: loans returned
        meanwhile do not shift the pages, so none is skipped."""
        last = 0
        while True:
            params = {"q": json.dumps({"checkout_id": {">": last}}), "_order_by": "+checkout_id"}
            count = 0
            for page in self._checkouts(params, pages=1):
                count = len(page)
                yield from page
                if page:
                    last = max(int(loan.loan_id) for loan in page)
            if count < PAGE_SIZE:
                return

    def history(self, patron: Patron) -> list[Loan]:
        return [
            loan
            for page in self._checkouts({"patron_id": patron.ils_id, "checked_in": "true"})
            for loan in page
        ]

    def renewal_check(self, loan: Loan) -> RenewalCheck:
        try:
            _, body = self._json("GET", f"/checkouts/{_checkout_id(loan)}/allows_renewal")
        except IlsError as error:
            if error.reason == "not_found":
                return RenewalCheck(allowed=False, code="no_checkout")
            raise
        try:
            return RenewalCheck(
                allowed=bool(body["allows_renewal"]),
                code=str(body.get("error") or ""),
                max_renewals=_int_or_none(body.get("max_renewals")),
                current_renewals=_int_or_none(body.get("current_renewals")),
            )
        except KeyError as exc:
            raise IlsError(
                "garbage", "Koha ответила о продлении непонятно.", detail=str(exc)
            ) from exc

    def renew(self, loan: Loan) -> Renewal:
        response = self._request(
            "POST",
            f"/checkouts/{_checkout_id(loan)}/renewal",
            expect=(201, 403, 404),
            params={"seen": 0},
        )
        if response.status_code == 404:
            return Renewal(renewed=False, code="no_checkout")
        body = self._body(response)
        if response.status_code == 403:
            found = (
                RENEWAL_REFUSED.search(str(body.get("error") or ""))
                if isinstance(body, dict)
                else None
            )
            if found is None:
                raise self._failure(response)
            return Renewal(renewed=False, code=found.group(1).strip())
        if not isinstance(body, dict):
            raise IlsError("garbage", "Koha ответила о продлении непонятно.")
        renewed = self._loan(body)
        return Renewal(renewed=True, due=renewed.due)

    def close(self) -> None:
        if self._own_client:
            self.http.close()


def _checkout_id(loan: Loan) -> int:
    try:
        return int(loan.loan_id)
    except (TypeError, ValueError) as exc:
        raise IlsError(
            "not_found", "Такой выдачи в Koha нет.", detail=f"checkout id {loan.loan_id!r}"
        ) from exc


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
