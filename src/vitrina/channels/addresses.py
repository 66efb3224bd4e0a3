"""Validation and normalisation of account addresses, per network."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vitrina.channels.networks import Network

HOSTS = {
    Network.VK: {"vk.com", "vk.ru", "vkontakte.ru"},
    Network.OK: {"ok.ru", "odnoklassniki.ru"},
    Network.TELEGRAM: {"t.me", "telegram.me"},
    Network.MAX: {"max.ru"},
}
EXAMPLES = {
    Network.VK: "https://vk.com/medlib42",
    Network.OK: "https://ok.ru/group/…",
    Network.TELEGRAM: "https://t.me/…",
    Network.MAX: "https://max.ru/…",
    Network.WEBSITE: "https://library.ru",
    Network.OTHER: "https://…",
}
_HOST_RE = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,}$|^[a-z0-9-]+\.xn--[a-z0-9-]+$")


def normalise_url(network: str, raw: str) -> str:
    """The canonical form of an address, or ValidationError with a plain message."""
    value = (raw or "").strip()
    if not value:
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        value = "https://" + value
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in {"http", "https"} or not _HOST_RE.match(host):
        raise ValidationError(
            _("This is not a web address. Example: %(example)s"),
            params={"example": EXAMPLES.get(network, "https://…")},
            code="invalid_url",
        )
    path = parts.path.rstrip("/")
    allowed = HOSTS.get(network)
    if allowed is not None:
        bare = host.removeprefix("www.").removeprefix("m.")
        if bare not in allowed:
            raise ValidationError(
                _("An address on %(network)s must start with %(hosts)s. Example: %(example)s"),
                params={
                    "network": Network(network).label,
                    "hosts": ", ".join(sorted(allowed)),
                    "example": EXAMPLES[network],
                },
                code="wrong_network",
            )
        if not path or path == "/":
            raise ValidationError(
                _("Add the account's part of the address, e.g. %(example)s"),
                params={"example": EXAMPLES[network]},
                code="no_account",
            )
        host = bare
        return f"https://{host}{path}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{host}{path}{query}"


_ID_PATTERNS = {
    Network.VK: re.compile(r"^/(?:id|club|public)(\d+)$"),
    Network.OK: re.compile(r"^/(?:profile|group)/(\d+)$"),
}


def external_id_from_url(network: str, url: str) -> str:
    """The numeric id an address carries (vk.com/id547852393 → 547852393), if any."""
    pattern = _ID_PATTERNS.get(network)
    if not pattern or not url:
        return ""
    match = pattern.match(urlsplit(url).path)
    return match.group(1) if match else ""
