"""The registry of networks: every provider class registers itself here.

Each module of this package that defines a provider decorates its class with ``@register``;
``autodiscover()`` (called from the channels app's ``ready()``, and on first use for code
that runs without Django's app loading) imports every module of the package, so adding a
network is adding a module — no list of networks to extend. Code outside ``providers/``
asks the registry what a network is and can do instead of naming it.
"""

import importlib
import pkgutil
import threading
from collections.abc import Callable

from django.conf import settings

from vitrina.channels.networks import RECORD_ONLY_KINDS, Network

from .base import Provider

_classes: dict[str, type[Provider]] = {}
_instances: dict[tuple, Provider] = {}
_discovered = False
_lock = threading.RLock()


def register(cls: type[Provider]) -> type[Provider]:
    if not cls.network:
        raise ValueError(f"{cls.__name__} names no network")
    _classes[cls.network] = cls
    return cls


def autodiscover() -> None:
    """Import every module of the providers package once, so that each registers."""
    global _discovered
    if _discovered:
        return
    with _lock:
        if _discovered:
            return
        package = importlib.import_module(__package__)
        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{__package__}.{info.name}")
        _discovered = True


def provider_class(network: str) -> type[Provider] | None:
    """The provider class of a network, or None for networks kept for the record only."""
    autodiscover()
    return _classes.get(str(network))


def provider_classes() -> list[type[Provider]]:
    autodiscover()
    return list(_classes.values())


def connectable_networks() -> list[str]:
    """Networks Vitrina connects to and publishes to (those with a provider)."""
    return [cls.network for cls in provider_classes()]


def is_connectable(network: str) -> bool:
    return provider_class(network) is not None


def networks_where(test: Callable[[type[Provider]], bool]) -> list[str]:
    """Networks whose provider passes ``test``: ``networks_where(lambda p: p.limits.polls)``."""
    return [cls.network for cls in provider_classes() if test(cls)]


def kinds_for(network: str) -> list[str]:
    """Account kinds a channel on the network may be, connectable or for the record only."""
    cls = provider_class(network)
    return list(cls.kinds) if cls is not None else list(RECORD_ONLY_KINDS.get(network, []))


def kinds_by_network() -> dict[str, list[str]]:
    """Every network of the registry with its kinds (the channel form's choices)."""
    return {network: kinds_for(network) for network in Network.values}


def get_provider(network: str) -> Provider:
    """The process-wide provider of a network, configured from Django settings (one per
    address, so a changed setting — a test pointing at the sandbox — gets its own).

    Raises ``KeyError`` for a network without a provider."""
    cls = provider_class(network)
    if cls is None:
        raise KeyError(network)
    key = (cls.network, getattr(settings, cls.settings_name, ""))
    if key not in _instances:
        _instances[key] = cls.from_settings()
    return _instances[key]
