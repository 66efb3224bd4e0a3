"""The address of the person behind a request, also when a proxy stands in front.

Only a proxy listed in ``VITRINA_TRUSTED_PROXIES`` is believed about who it forwards for:
``X-Forwarded-For`` is read from the right (the hop the proxy itself appended) and the first
address that is not a trusted proxy is the client's. Without the setting, or from any other
peer, the header is ignored: anyone can write it, and a forged one must not move the
throttle's counters onto someone else's address.
"""

import ipaddress

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> Address | None:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.5:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_address(request) -> str | None:
    remote = _parse(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return request.META.get("REMOTE_ADDR") or None
    if not _trusted(remote):
        return str(remote)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A hop that is no address: nothing to its left can be believed.
            break
        if not _trusted(address):
            return str(address)
    return str(remote)
