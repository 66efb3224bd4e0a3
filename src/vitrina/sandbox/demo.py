"""The demo and the sandbox together: the demo's channels get the tokens of their emulated
accounts, so what a librarian publishes in the demo appears on the sandbox's page."""

from urllib.parse import urlsplit

from django.conf import settings

from .server import SandboxServer
from .state import World

TOKENS = {
    # sandbox token name → the registry's secret kind
    "vk": {"user": "user_token", "community": "community_token"},
    "ok": {"access_token": "user_token"},
    "telegram": {"bot": "bot_token"},
    "max": {"bot": "bot_token"},
}


def connect_channels(channels, seed: int = 42) -> int:
    """Store the emulated accounts' tokens on the matching channels; returns how many."""
    from vitrina.channels import services
    from vitrina.channels.networks import ConnectionState

    world = World(seed=seed)
    by_name = {(a.network, a.screen_name): a for a in world.accounts.values()}
    connected = 0
    for channel in channels:
        path = urlsplit(channel.url or "").path.strip("/")
        account = by_name.get((channel.network, path))
        if account is None:
            continue
        for name, kind in TOKENS[channel.network].items():
            if account.tokens.get(name):
                services.channel_secret_set(
                    channel=channel, kind=kind, value=account.tokens[name], actor=None
                )
        if not channel.external_id:
            channel.external_id = str(account.external_id)
            channel.save(update_fields=["external_id", "updated_at"])
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
    try:
        return SandboxServer(seed=seed, port=parts.port, state_file=state_file).start()
    except RuntimeError:
        return None


def reachable_sandbox():
    """A client of the sandbox at ``settings.SANDBOX_URL`` when it answers, else None."""
    import httpx

    from .testing import SandboxClient

    if not settings.SANDBOX_URL:
        return None
    client = SandboxClient(settings.SANDBOX_URL)
    try:
        client.http.get("/sandbox/control/apps", timeout=3).raise_for_status()
    except httpx.HTTPError:
        client.http.close()
        return None
    return client
