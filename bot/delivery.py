"""Sending a command's outbox: each item once, a refused DM to its fallback channel."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot import render
from bot.reply import Outgoing, Reply, ToChannel, ToMember

if TYPE_CHECKING:
    from bot.dispatch import Place, Transport

log = logging.getLogger(__name__)


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
