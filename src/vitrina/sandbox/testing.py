"""Helpers for tests, end-to-end runs and benchmarks that drive the sandbox over HTTP."""

import httpx

from vitrina.catalog.connectors.irbis import IrbisCirculation
from vitrina.channels.providers.ratelimit import Limiter
from vitrina.channels.providers.registry import provider_class
from vitrina.channels.providers.types import ProviderAccount

from .networks import emulator
from .server import SandboxServer


class SandboxClient:
    """The control endpoint, plus providers and accounts wired to this sandbox."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def reset(self):
        self.http.post("/sandbox/control/reset").raise_for_status()

    def accounts(self) -> dict[str, dict]:
        return {a["key"]: a for a in self.http.get("/sandbox/control/accounts").json()}

    def create_account(self, **spec) -> dict:
        response = self.http.post("/sandbox/control/accounts", json=spec)
        response.raise_for_status()
        return response.json()

    def fault(self, **rule):
        self.http.post("/sandbox/control/faults", json=rule).raise_for_status()

    def clear_faults(self):
        self.http.delete("/sandbox/control/faults").raise_for_status()

    def expire_tokens(self, network: str | None = None, token: str | None = None):
        body = {"expire_tokens": {"network": network, "token": token}}
        self.http.post("/sandbox/control/faults", json=body).raise_for_status()

    def advance(self, seconds: float):
        self.http.post("/sandbox/control/clock", json={"advance_seconds": seconds})

    def settings(self, **values) -> dict:
        response = self.http.post("/sandbox/control/settings", json=values)
        response.raise_for_status()
        return response.json()

    def reader_writes(self, account_key: str, text: str, kind: str = "message", **extra) -> dict:
        body = {"account": account_key, "text": text, "kind": kind, **extra}
        response = self.http.post("/sandbox/control/events", json=body)
        response.raise_for_status()
        return response.json()

    def people_post(self, account_key: str, **spec) -> list[dict]:
        """Posts written in the network itself, outside Vitrina (see control ``posts``)."""
        response = self.http.post("/sandbox/control/posts", json={"account": account_key, **spec})
        response.raise_for_status()
        return response.json()["posts"]

    # --- the IRBIS64 emulator ---

    def irbis_info(self) -> dict:
        """``{"host", "port", "username", "password", ...}`` of the IRBIS64 emulator."""
        response = self.http.get("/sandbox/control/irbis")
        response.raise_for_status()
        return response.json()

    def irbis_generate(self, readers: int, loans: int, seed: int | None = None) -> dict:
        body = {"readers": readers, "loans": loans, "seed": seed}
        response = self.http.post("/sandbox/control/irbis/generate", json=body)
        response.raise_for_status()
        return response.json()

    def irbis_readers(self, limit: int = 20, with_loans: bool = False) -> list[dict]:
        params = {"limit": limit, "with_loans": "1" if with_loans else "0"}
        response = self.http.get("/sandbox/control/irbis/readers", params=params)
        response.raise_for_status()
        return response.json()

    def irbis_reader(self, card: str) -> dict | None:
        """The reader with the card: surname, birth year, loans and returned ones."""
        response = self.http.get("/sandbox/control/irbis/readers", params={"card": card})
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def irbis_return(self, loan_id: str) -> dict:
        response = self.http.post("/sandbox/control/irbis/return", json={"loan_id": loan_id})
        response.raise_for_status()
        return response.json()

    def irbis_renew(self, loan_id: str, days: int = 14) -> dict:
        """Renew at the desk, as a librarian confirming a request does in IRBIS64."""
        body = {"loan_id": loan_id, "days": days}
        response = self.http.post("/sandbox/control/irbis/renew", json=body)
        response.raise_for_status()
        return response.json()

    def irbis_mode(self, mode: str) -> dict:
        """``ok``, ``garbage`` (no IRBIS64 answer), ``silent``, ``endless``, ``down``."""
        response = self.http.post("/sandbox/control/irbis", json={"mode": mode})
        response.raise_for_status()
        return response.json()

    def irbis_circulation(self, **overrides) -> IrbisCirculation:
        """A circulation connector wired to the emulator, as a stored connection makes."""
        info = self.irbis_info()
        options = {"username": info["username"], "secret": info["password"], "timeout": 5.0}
        options.update(overrides)
        return IrbisCirculation(info["host"], info["port"], **options)

    def dialog_action(self, account_key: str, reader_id: int, action: str, **data) -> dict:
        """A reader acts in the account's dialog: ``start`` (``payload``), ``write``
        (``text``), ``press`` (``payload``), ``allow`` (``payload``: VK's key), ``deny``,
        ``stop``; the dialog as it is afterwards."""
        body = {"account": account_key, "reader_id": reader_id, "action": action, **data}
        response = self.http.post("/sandbox/control/dialog", json=body)
        response.raise_for_status()
        return response.json()

    def dialogs_open(self, account_key: str, reader_ids, events: bool = False) -> dict:
        body = {"account": account_key, "reader_ids": list(reader_ids), "events": events}
        response = self.http.post("/sandbox/control/dialogs/open", json=body)
        response.raise_for_status()
        return response.json()

    def dialog(self, account_key: str, reader_id: int) -> dict:
        params = {"account": account_key, "reader_id": reader_id}
        response = self.http.get("/sandbox/control/dialog", params=params)
        response.raise_for_status()
        return response.json()

    def limits(self) -> dict[str, int]:
        """Rate-limit refusals the sandbox answered, per network."""
        return self.http.get("/sandbox/control/limits").json()["refusals"]

    # The emulated Koha (``library_systems/koha.py``)

    def koha_generate(self, patrons: int = 300, loans: int | None = None, **options) -> dict:
        body = {"patrons": patrons, "loans": patrons * 3 if loans is None else loans, **options}
        response = self.http.post("/sandbox/control/koha/generate", json=body)
        response.raise_for_status()
        return response.json()

    def koha_credentials(self) -> dict:
        """``{"url", "username", "password", "client_id", "client_secret", "limited"}``."""
        response = self.http.get("/sandbox/control/koha/credentials")
        response.raise_for_status()
        return response.json()

    def koha_patrons(self, card: str | None = None, kind: str | None = None, limit: int = 50):
        """Patrons with their loans and passwords; ``kind`` picks ``debarred``, ``locked``,
        ``password_expired``, ``overdue``, ``on_hold``, ``too_many`` or ``renewable``."""
        params = {
            "limit": limit,
            **({"card": card} if card else {}),
            **({"kind": kind} if kind else {}),
        }
        response = self.http.get("/sandbox/control/koha/patrons", params=params)
        response.raise_for_status()
        return response.json()["patrons"]

    def koha_patron(self, card: str) -> dict | None:
        found = self.koha_patrons(card=card)
        return found[0] if found else None

    def koha_return(self, checkout_id) -> dict:
        response = self.http.post("/sandbox/control/koha/return", json={"checkout_id": checkout_id})
        response.raise_for_status()
        return response.json()

    def koha_renew(self, checkout_id) -> httpx.Response:
        """A renewal at the desk; 200 with the checkout, or 409 with Koha's refusal code."""
        return self.http.post("/sandbox/control/koha/renew", json={"checkout_id": checkout_id})

    def koha_settings(self, **values) -> dict:
        response = self.http.post("/sandbox/control/koha/settings", json=values)
        response.raise_for_status()
        return response.json()

    def api_url(self, network: str) -> str:
        return self.url + emulator(network).path

    def provider(self, network: str, **kwargs):
        kwargs.setdefault("limiter", Limiter())
        return provider_class(network)(self.api_url(network), **kwargs)

    def account(self, key: str, **overrides) -> ProviderAccount:
        """A ``ProviderAccount`` for an emulated account, as Vitrina would store it."""
        data = self.accounts()[key]
        tokens = {k: v for k, v in data["tokens"].items() if v}
        extra = {"kind": data["kind"], "username": data["screen_name"]}
        extra.update(overrides.pop("extra", {}))
        tokens.update(overrides.pop("tokens", {}))
        return ProviderAccount(data["network"], str(data["external_id"]), tokens, extra)


def start_sandbox(seed: int = 42) -> SandboxServer:
    return SandboxServer(seed=seed).start()
