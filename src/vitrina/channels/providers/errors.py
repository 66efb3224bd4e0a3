"""The one error model of every network.

Every failure leaves a provider as one of these, so the machinery that calls the networks
decides retries without knowing which network it is:

* ``RateLimited(retry_after)`` — try again later, nothing was done;
* ``AuthExpired`` — the token is gone or lacks rights: the channel needs reconnecting;
* ``Rejected(code, message)`` — permanent, ``message`` explains it in plain Russian;
* ``Transient`` — a network or server hiccup; ``outcome_unknown`` says the call may have
  taken effect (timeout, lost answer) and must be reconciled before any retry;
* ``Unverifiable`` — the network offers no way to check whether a post went out;
* ``Undeliverable`` — a reader cannot be written to (blocked the bot, denied messages,
  privacy settings): permanent for that reader, never retried.
"""


class ProviderError(Exception):
    """Base of the four errors; ``code`` is the network's own code, kept for the log.

    ``detail`` is the network's own (often English) text, for support; ``summary`` is the
    plain Russian sentence for a librarian, without it (the message when not given).
    """

    def __init__(
        self,
        message: str = "",
        *,
        code: str | int | None = None,
        network: str = "",
        detail: str = "",
        summary: str = "",
    ):
        super().__init__(message)
        self.message, self.code, self.network = message, code, network
        self.detail, self.summary = detail, summary or message


class RateLimited(ProviderError):
    def __init__(self, retry_after: float, message: str = "", **kwargs):
        kwargs.setdefault("summary", "Сеть ограничила число запросов: повторите чуть позже.")
        super().__init__(message or f"Лимит запросов: повторить через {retry_after:g} с", **kwargs)
        self.retry_after = float(retry_after)


class AuthExpired(ProviderError):
    pass


class Rejected(ProviderError):
    def __init__(self, code, message: str, **kwargs):
        super().__init__(message, code=code, **kwargs)


class Transient(ProviderError):
    def __init__(self, message: str = "", *, outcome_unknown: bool = False, **kwargs):
        super().__init__(message, **kwargs)
        self.outcome_unknown = outcome_unknown


class Unverifiable(ProviderError):
    """The network offers no way to check whether a post went out (Telegram)."""


class Undeliverable(Rejected):
    """The reader cannot be written to in this dialog (VK 900/901/902, MAX 403, a blocked
    Telegram bot). Permanent for the reader: stop writing and tell the librarian."""
