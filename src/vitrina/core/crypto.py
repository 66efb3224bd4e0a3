"""Encryption of secrets at rest (network tokens) with keys from the environment.

``VITRINA_TOKEN_KEY`` holds one or more Fernet keys separated by commas: the first
encrypts, all of them decrypt, so a key can be rotated without losing stored tokens.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """The stored secret was encrypted with a key that is no longer configured."""


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.TOKEN_KEYS])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable from exc


def generate_key() -> str:
    return Fernet.generate_key().decode()
