"""Login throttling: too many failed sign-ins lock the account name and the address.

Counts live in the cache (Redis in production), so every web process sees the same
numbers. A successful sign-in clears the account's counter.
"""

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, ip_address: str | None) -> list[str]:
    keys = [f"login-fail:user:{username.strip().lower()}"]
    if ip_address:
        keys.append(f"login-fail:ip:{ip_address}")
    return keys


def is_locked(username: str, ip_address: str | None) -> bool:
    limit = settings.LOGIN_MAX_FAILURES
    # An address gets more room than one account: a library shares one public address.
    counts = cache.get_many(_keys(username, ip_address))
    for key, count in counts.items():
        threshold = limit * 4 if ":ip:" in key else limit
        if count >= threshold:
            return True
    return False


def register_failure(username: str, ip_address: str | None) -> None:
    for key in _keys(username, ip_address):
        if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(username: str) -> None:
    cache.delete(_keys(username, None)[0])
