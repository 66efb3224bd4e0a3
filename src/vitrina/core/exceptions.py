"""Errors that services raise; pages show the message, the API answers with the code."""


class ServiceError(Exception):
    """Bad input for an action. ``message`` is shown to the person as it is."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class Conflict(ServiceError):
    """The action collides with something that exists (a duplicate, a stale state)."""

    status = 409
    code = "conflict"
