"""The emulated networks: each module of ``sandbox/emulators/`` emulates one network and
registers its ``Emulator``, so the world, the control endpoint, the human page, webhook
delivery and the demo ask this registry instead of naming networks.

Adding a network to the sandbox is one module in ``emulators/``: its API routes and its
``Emulator`` with the facts below, registered with ``@register``.
"""

import importlib
import pkgutil
import threading

_emulators: dict[str, "Emulator"] = {}
_discovered = False
_lock = threading.RLock()


class Emulator:
    """One emulated network."""

    network = ""  # the network's name in Vitrina (``channels.networks.Network``)
    title = ""  # how the human page names it
    path = ""  # where its API is served in the sandbox (``/vk``)
    routes: list = []
    default_kind = "channel"  # the kind of an account made without one
    profile_url = ""  # the account's address on the network, ``{screen_name}`` filled in
    # The emulated account's token names → the kind of secret Vitrina stores each as.
    demo_tokens: dict[str, str] = {}
    # Tokens issued by the network's OAuth (VK ID, OK): their prefix and kind.
    user_token_prefix = "tkn1"
    user_token_kind = "access"

    def new_external_id(self, number: int) -> int:
        """The id of the network's ``number``-th account made without one."""
        raise NotImplementedError

    def admin_user_id(self, seed: int, account) -> int | None:
        """The person administering a new community, where the network has such people."""
        return None

    def issue_tokens(self, world, account) -> None:
        """Give a new account the tokens Vitrina is connected with."""
        raise NotImplementedError

    def history_post(self, world, account, post) -> None:
        """Register what a past post made at start needs besides itself (VK's polls)."""

    # Readers' dialogs

    def reader_starts(self, world, account, reader_id, payload: str) -> None:
        """The reader opens the dialog through the account's deep link with ``payload``."""
        world.dialog_event(account, reader_id, "start", payload=payload)

    # Webhooks

    def webhook_request(self, world, account, event: dict) -> tuple[dict, dict] | None:
        """The body and headers the network posts for a reader's event, or None when the
        network does not send this event to a webhook."""
        return None

    def accepted(self, response) -> bool:
        """Whether the receiver's answer ends delivery (otherwise it is retried)."""
        return response.status_code == 200

    async def confirm(self, delivery, account) -> None:
        """Check a newly registered address the way the network does, where it does."""


def register(cls: type[Emulator]) -> type[Emulator]:
    _emulators[cls.network] = cls()
    return cls


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    with _lock:
        if _discovered:
            return
        package = importlib.import_module(f"{__package__}.emulators")
        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{info.name}")
        _discovered = True


def emulator(network: str) -> Emulator | None:
    _discover()
    return _emulators.get(network)


def emulators() -> list[Emulator]:
    _discover()
    return list(_emulators.values())


def network_names() -> list[str]:
    return [item.network for item in emulators()]
