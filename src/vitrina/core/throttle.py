"""Throttling of sign-in, password change and password reset.

Too many failed attempts lock the account name (or e-mail) and the client's address
(``client_address``: behind a trusted proxy, the address it forwards for) for a while.
Counts live in the cache (Redis in production), so every web process sees the same
numbers. A successful attempt clears the account's counter.

Each kind of attempt has its own scope, so a locked password reset does not stop the
person from signing in with the password they remembered.
"""

from django.conf import settings
from django.core.cache import cache

LOGIN = "login"
PASSWORD_CHANGE = "password-change"
PASSWORD_RESET = "password-reset"


def _keys(username: str, ip_address: str | None, scope: str) -> list[str]:
    keys = [f"{scope}-fail:user:{username.strip().lower()}"]
    if ip_address:
        keys.append(f"{scope}-fail:ip:{ip_address}")
    return keys


def is_locked(username: str, ip_address: str | None, scope: str = LOGIN) -> bool:
    limit = settings.LOGIN_MAX_FAILURES
    # An address gets more room than one account: a library shares one public address.
    counts = cache.get_many(_keys(username, ip_address, scope))
    for key, count in counts.items():
        threshold = limit * 4 if ":ip:" in key else limit
        if count >= threshold:
            return True
    return False


def register_failure(username: str, ip_address: str | None, scope: str = LOGIN) -> None:
    for key in _keys(username, ip_address, scope):
        if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(username: str, scope: str = LOGIN) -> None:
    cache.delete(_keys(username, None, scope)[0])
