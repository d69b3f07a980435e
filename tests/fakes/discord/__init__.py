"""A fake Discord (REST API v10 + gateway) for driving an unmodified discord.py client in tests.

Point discord.py at it with::

    discord.http.Route.BASE = f"{fake.url}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
"""

from .errors import DiscordHTTPError
from .models import (
    DriverError,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    Intents,
    Perm,
    RecordedAttachment,
    RecordedMessage,
    RecordedRequest,
)
from .server import FakeDiscord, SentInteraction
from .uploads import tiny_png

__all__ = [
    "DiscordHTTPError",
    "DriverError",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "Intents",
    "Perm",
    "RecordedAttachment",
    "RecordedMessage",
    "RecordedRequest",
    "SentInteraction",
    "tiny_png",
]
