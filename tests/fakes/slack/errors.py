"""The error a Web API handler raises to answer ok=false."""

from __future__ import annotations

from typing import Any


class SlackError(Exception):
    """Answer `{"ok": false, "error": error, **extra}` to the caller."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body Slack would send."""
        return {"ok": False, "error": self.error, **self.extra}


def invalid_blocks(problems: list[str]) -> SlackError:
    """Slack's answer to blocks or a view it cannot render."""
    return SlackError(
        "invalid_blocks",
        errors=problems,
        response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
    )


def truthy(value: object) -> bool:
    """How Slack reads a boolean argument sent as JSON, form field or query string."""
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)
