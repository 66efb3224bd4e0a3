"""Validation and normalisation of account addresses, per network.

The networks Vitrina connects to declare what their addresses look like on their providers
(``Provider.address``); any other address only has to be a web address.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vitrina.channels.networks import Network
from vitrina.channels.providers.registry import provider_class

# Examples for networks kept for the record only.
RECORD_ONLY_EXAMPLES = {Network.WEBSITE: "https://library.ru", Network.OTHER: "https://…"}
_HOST_RE = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,}$|^[a-z0-9-]+\.xn--[a-z0-9-]+$")


def _rules(network: str):
    cls = provider_class(network)
    return cls.address if cls is not None else None


def address_example(network: str) -> str:
    rules = _rules(network)
    return rules.example if rules else RECORD_ONLY_EXAMPLES.get(network, "https://…")


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
            params={"example": address_example(network)},
            code="invalid_url",
        )
    path = parts.path.rstrip("/")
    rules = _rules(network)
    if rules is not None:
        bare = host.removeprefix("www.").removeprefix("m.")
        if bare not in rules.hosts:
            raise ValidationError(
                _("An address on %(network)s must start with %(hosts)s. Example: %(example)s"),
                params={
                    "network": Network(network).label,
                    "hosts": ", ".join(sorted(rules.hosts)),
                    "example": rules.example,
                },
                code="wrong_network",
            )
        if not path or path == "/":
            raise ValidationError(
                _("Add the account's part of the address, e.g. %(example)s"),
                params={"example": rules.example},
                code="no_account",
            )
        return f"https://{bare}{path}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{host}{path}{query}"


def external_id_from_url(network: str, url: str) -> str:
    """The numeric id an address carries (vk.com/id547852393 → 547852393), if any."""
    rules = _rules(network)
    if rules is None or rules.id_pattern is None or not url:
        return ""
    match = rules.id_pattern.match(urlsplit(url).path)
    return match.group(1) if match else ""
