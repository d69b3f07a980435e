"""Sending a command's outbox: each item once, a refused DM to its fallback channel."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot import render
from bot.reply import Outgoing, Reply, ToChannel, ToMember

if TYPE_CHECKING:
    from bot.dispatch import Place, Transport

log = logging.getLogger(__name__)


class TransientError(Exception):
    """The platform can't take this now (a 429, a 5xx, a timeout): try again later."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after  # seconds the platform asked us to wait, if it said


# What a transport's deliver() returns for a post or DM: False when the platform refused it for
# good (a member's DMs are closed), else True or, better, the platform's reference of the
# message sent ("channel/message" ids), which the outbox keeps so the message can be edited.
Delivered = bool | str


async def deliver_all(place: Place, items: list[Outgoing], transport: Transport) -> None:
    """Send each item; a refused DM goes to its fallback channel; one failure stops no other."""
    for item in items:
        try:
            delivered = await transport.deliver(place, item)
            if not delivered and isinstance(item, ToMember) and item.fallback_channel:
                # Their DMs are closed: say it in the fallback channel, pinging only them.
                text = f"{render.mention(item.member)} {item.reply.text}"
                fallback = Reply(text, item.reply.buttons)
                await transport.deliver(place, ToChannel(item.fallback_channel, fallback))
        except Exception:
            log.exception("could not deliver %s in %s", type(item).__name__, place)
