"""The one channel through which features tell a user what went wrong."""

from __future__ import annotations

# Deploy-time misconfiguration is config's own error: config.errors.ConfigError.


class UserError(Exception):
    """A problem the user can fix; the message says what to do instead."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # a form field the problem belongs to, so modals can point at it


class ParseError(UserError):
    """The command line did not fit the command's signature; usage is shown with it."""
