"""Sending a command's outbox, and the answer to a line that names no command."""

from __future__ import annotations

import difflib
import logging
from typing import TYPE_CHECKING

from bot import render
from bot.errors import UserError
from bot.registry import Registry
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


def unknown_command(registry: Registry, line: str) -> UserError:
    """What to say to a line that names no command: the group's commands, or a near name."""
    word = line.split()[0].lower() if line.split() else ""
    group = registry.children((word,)) if word else []
    if group:
        names = ", ".join(f"/{spec.name}" for spec in group)
        return UserError(f"/{word} needs one more word: {names}.")
    names = sorted({spec.path[0] for spec in registry.commands.values()})
    close = difflib.get_close_matches(word, names, n=1)
    hint = f" Did you mean /{close[0]}?" if close else ""
    shown = render.safe(word[:32]) or "that"
    return UserError(f"I don't know /{shown}.{hint} Type /help to see what I can do.")
