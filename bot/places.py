"""Where things happen and who acts: the words adapters, the dispatcher and the sender share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.commands import Level
from bot.errors import UserError
from bot.reply import Outgoing


@dataclass(frozen=True)
class Place:
    """Where something happened: a community on a platform, and a channel in it."""

    platform: str
    community_id: str
    community_name: str = ""
    channel: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who acted, as the platform knows them; `level` is what the platform grants."""

    external_id: str
    name: str
    level: Level = Level.MEMBER
    is_bot: bool = False


class Transport(Protocol):
    """An adapter's way to send what a command queued."""

    async def deliver(self, place: Place, item: Outgoing) -> bool | str:
        """Send one item: False when refused for good, else True or the message's reference.

        Raise `bot.delivery.TransientError` when it may work later (rate limited, 5xx); an
        `EditMessage` edits a message this transport's platform sent (its reference says which).
        """
        ...


@dataclass(frozen=True)
class Outcome:
    """How a run ended, for adapters that answer differently on error (Slack's modals)."""

    ok: bool
    error: UserError | None = None
