"""The invite link: exactly the scopes and the permissions copbot's features need."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

from config.errors import ConfigError
from config.settings import Settings

SCOPES = ("bot", "applications.commands")
# Each permission copbot asks for, and why; nothing else (no Administrator, no Mention Everyone).
PERMISSIONS = {
    "View Channels": (1 << 10, "see the channels it posts intro cards and announcements in"),
    "Send Messages": (1 << 11, "post intro cards, welcomes and role announcements"),
}
AUTHORIZE = "https://discord.com/oauth2/authorize"


def permission_integer() -> int:
    """The permissions copbot needs, as Discord's integer."""
    value = 0
    for bit, _ in PERMISSIONS.values():
        value |= bit
    return value


def application_id(token: str) -> str:
    """A bot token's first part is its application's id, base64-encoded."""
    first = token.strip().split(".")[0]
    try:
        decoded = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    if not decoded.isdigit():
        raise ConfigError("DISCORD_TOKEN does not carry an application id; copy the token again.")
    return decoded


def invite_url(client_id: str) -> str:
    """The OAuth2 URL that adds copbot to a server."""
    query = {"client_id": client_id, "scope": " ".join(SCOPES), "permissions": permission_integer()}
    return f"{AUTHORIZE}?{urlencode(query)}"


def describe_invite(settings: Settings, client_id: str | None = None) -> str:
    """The invite link, with the permissions listed in words."""
    if client_id is None:
        if settings.discord_token is None:
            raise ConfigError(
                "Set DISCORD_TOKEN (or pass --client-id with your application's id) to make the "
                "invite link."
            )
        client_id = application_id(settings.discord_token.get_secret_value())
    lines = [
        "Open this link to add copbot to a server you manage:",
        "",
        f"  {invite_url(client_id)}",
        "",
        f"Scopes: {', '.join(SCOPES)}.",
        f"Permissions ({permission_integer()}):",
        *(f"  - {name}: to {why}" for name, (_, why) in PERMISSIONS.items()),
        "copbot never needs Administrator, Mention Everyone or the Message Content intent.",
    ]
    return "\n".join(lines)
