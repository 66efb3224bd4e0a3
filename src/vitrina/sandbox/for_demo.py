"""The demo and the sandbox together: the demo's channels get the tokens of their emulated
accounts, so what a librarian publishes in the demo appears on the sandbox's page."""

from urllib.parse import urlsplit

import httpx
from django.conf import settings

from vitrina.channels import services
from vitrina.channels.networks import ConnectionState

from .library_systems.irbis import DEFAULT_PORT as IRBIS_PORT
from .networks import emulator
from .server import SandboxServer, port_free
from .state import World
from .testing import SandboxClient


def connect_channels(channels, seed: int = 42, sandbox=None) -> int:
    """Store the emulated accounts' tokens on the matching channels; returns how many.

    ``sandbox``: the running sandbox's client, asked for its accounts; without it the
    accounts a sandbox started with ``seed`` hands out."""
    if sandbox is not None:
        accounts = [
            (a["network"], a["screen_name"], a["tokens"], a["external_id"])
            for a in sandbox.accounts().values()
        ]
    else:
        accounts = [
            (a.network, a.screen_name, a.tokens, a.external_id)
            for a in World(seed=seed).accounts.values()
        ]
    by_name = {(network, name): (tokens, number) for network, name, tokens, number in accounts}
    connected = 0
    for channel in channels:
        path = urlsplit(channel.url or "").path.strip("/")
        found = by_name.get((channel.network, path))
        if found is None:
            continue
        tokens, external_id = found
        for name, kind in emulator(channel.network).demo_tokens.items():
            if tokens.get(name):
                services.channel_secret_set(
                    channel=channel, kind=kind, value=tokens[name], actor=None
                )
        if not channel.external_id:
            services.channel_update(channel=channel, actor=None, external_id=str(external_id))
        services.channel_set_connection_state(
            channel=channel, state=ConnectionState.CONNECTED, reason="sandbox"
        )
        connected += 1
    return connected


def start_for_demo(seed: int = 42) -> SandboxServer | None:
    """Serve the sandbox at ``settings.SANDBOX_URL`` in this process, unless it is already
    served there (another ``vitrina sandbox``) or points elsewhere."""
    parts = urlsplit(settings.SANDBOX_URL)
    if parts.hostname not in ("127.0.0.1", "localhost") or not parts.port:
        return None
    state_file = settings.DATA_DIR / "sandbox.json"
    # IRBIS64 on its own port where it is free, so a stored connection keeps working.
    irbis_port = IRBIS_PORT if port_free("127.0.0.1", IRBIS_PORT) else 0
    try:
        return SandboxServer(
            seed=seed, port=parts.port, state_file=state_file, irbis_port=irbis_port
        ).start()
    except RuntimeError:
        return None


def reachable_sandbox():
    """A client of the sandbox at ``settings.SANDBOX_URL`` when it answers, else None."""
    if not settings.SANDBOX_URL:
        return None
    client = SandboxClient(settings.SANDBOX_URL)
    try:
        client.http.get("/sandbox/control/apps", timeout=3).raise_for_status()
    except httpx.HTTPError:
        client.http.close()
        return None
    return client
