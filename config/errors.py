"""The errors config owns: misconfiguration at start-up, and a setting's value breaking its rule."""

from __future__ import annotations

from collections.abc import Callable

# Where a message quotes back what was typed; the caller fills it in, neutralised.
GIVEN = "{given}"


class ConfigError(Exception):
    """Deploy-time misconfiguration: reported as one paragraph and exit code 2."""


class SettingError(ValueError):
    """A setting's value broke its rule; the message says what is allowed, in plain words."""

    def __init__(self, message: str, given: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.given = given  # typed text the message quotes at GIVEN: never shown raw

    def worded(self, echo: Callable[[str], str]) -> str:
        """The message with what was typed quoted back through `echo`, which neutralises it."""
        return self.message.replace(GIVEN, echo(str(self.given if self.given is not None else "")))
