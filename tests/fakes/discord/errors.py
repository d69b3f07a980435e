"""Discord-shaped HTTP responses and errors."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """JSON body with exactly `application/json`; discord.py compares the header verbatim."""
    response = web.Response(body=json.dumps(data).encode(), status=status, headers=headers or {})
    # aiohttp would append "; charset=utf-8" if content_type were passed to the constructor.
    response.headers["Content-Type"] = "application/json"
    return response


class DiscordHTTPError(Exception):
    """Raised by handlers; turned into Discord's `{"message", "code"}` error body."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def response(self) -> web.Response:
        """Render the error as Discord would."""
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return json_response(body, status=self.status)


def not_found(what: str, code: int) -> DiscordHTTPError:
    """404 with Discord's 'Unknown <thing>' error."""
    return DiscordHTTPError(404, code, f"Unknown {what}")


# Discord JSON error codes the fake uses.
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_USER = 10013
UNKNOWN_WEBHOOK = 10015
UNKNOWN_GUILD = 10004
UNKNOWN_COMMAND = 10063
UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060
MISSING_ACCESS = 50001
CANNOT_EDIT_OTHERS = 50005
EMPTY_MESSAGE = 50006
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
INVALID_FORM_BODY = 50035


class FormErrors:
    """Collects field errors and renders Discord's nested `errors` object."""

    def __init__(self, prefix: tuple[str | int, ...] = ()) -> None:
        self._prefix = prefix
        self._items: list[tuple[tuple[str | int, ...], str, str]] = []

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        """Record one error at `path` (keys and list indexes)."""
        self._items.append((self._prefix + path, code, message))

    def max_length(self, path: tuple[str | int, ...], value: Any, limit: int) -> None:
        """Check a string's length like Discord's BASE_TYPE_MAX_LENGTH."""
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def length_between(self, path: tuple[str | int, ...], value: Any, low: int, high: int) -> None:
        """Check a required string's length like Discord's BASE_TYPE_BAD_LENGTH."""
        if not isinstance(value, str):
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        elif not low <= len(value) <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def max_items(self, path: tuple[str | int, ...], value: Any, limit: int) -> None:
        """Check a list's size like Discord's BASE_TYPE_MAX_LENGTH for arrays."""
        if isinstance(value, list) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def __bool__(self) -> bool:
        return bool(self._items)

    def as_dict(self) -> dict[str, Any]:
        """Nest the errors the way Discord does: {"a": {"0": {"b": {"_errors": [...]}}}}."""
        root: dict[str, Any] = {}
        for path, code, message in self._items:
            node = root
            for key in path:
                node = node.setdefault(str(key), {})
            node.setdefault("_errors", []).append({"code": code, "message": message})
        return root

    def raise_if_any(self) -> None:
        """Raise 400 Invalid Form Body if anything was recorded."""
        if self._items:
            raise DiscordHTTPError(400, INVALID_FORM_BODY, "Invalid Form Body", self.as_dict())
