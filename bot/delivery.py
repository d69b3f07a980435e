"""After a commit: answers straight to whoever acted, posts and DMs through the outbox."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.outbox import Queued
from bot.reply import Outgoing

if TYPE_CHECKING:
    from bot.places import Place, Transport
    from bot.sender import Sender
    from storage.models import OutboxRow

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
    """Send each answer or form; one failure stops no other."""
    for item in items:
        try:
            await transport.deliver(place, item)
        except Exception:
            log.exception("could not deliver %s in %s", type(item).__name__, place)


async def send_in_order(
    place: Place,
    items: list[Outgoing | Queued],
    stored: dict[int, OutboxRow],
    transport: Transport,
    sender: Sender,
    *,
    defer: bool = False,
) -> None:
    """After a commit: answers direct, the outbox's rows through the sender, in their order.

    `defer` lets the sender write a command's outcomes a moment later (see bot.sender.DEFER).
    """
    batch: list[tuple[OutboxRow, Queued]] = []
    waiting = dict(stored)  # rows claimed for this delivery and not yet handed to the sender
    try:
        for item in items:
            if isinstance(item, Queued):
                row = waiting.pop(id(item), None)
                if row is not None:  # a keyed repeat or a skipped DM is not sent
                    batch.append((row, item))
                continue
            if batch:
                handed, batch = batch, []  # the sender lets its own rows go
                await sender.deliver_now(place, handed, transport, defer=defer)
            await deliver_all(place, [item], transport)
        if batch:
            handed, batch = batch, []
            await sender.deliver_now(place, handed, transport, defer=defer)
    finally:
        # Cut short (cancelled): what was not sent yet goes to the background sender.
        sender.release([*waiting.values(), *(row for row, _ in batch)])
