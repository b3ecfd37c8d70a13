"""Errors that services raise when a business rule refuses a change.

Views show `message` to the person; the API returns it as JSON with `status`.
Messages are translated lazily so each user reads them in their own language.
"""


class DomainError(Exception):
    """A change was refused by a rule; nothing was written."""

    status = 400
    code = "invalid"

    def __init__(self, message, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(DomainError):
    """The user may not do this to this object."""

    status = 403
    code = "not_allowed"


class Conflict(DomainError):
    """The object changed underneath the caller, or the request clashes with an earlier one."""

    status = 409
    code = "conflict"
