"""A platform stand-in for outbox tests: references, refusals, failures, nonces and deaths."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import Clock
from bot.delivery import TransientError
from bot.places import Place
from bot.reply import EditMessage, FormRequest, Outgoing, ToChannel, ToInvoker, ToMember


@dataclass
class FakePlatform:
    """Keeps what reached it, in order, and answers with a reference for each message.

    Answers to whoever acted always go through; for the outbox's posts, DMs and edits:
    `failures` are raised by the next ones, one each; members in `closed_dms` refuse DMs; with
    `dedupes` a resent nonce is answered with the first message's reference and not kept twice,
    as Discord's enforced nonces do; `die_after` lets that many through, then the next one
    arrives and the process dies (CancelledError) before it hears back; `gate` holds the next
    one until it is set (`entered` says one waits), and lets later ones pass. With a `clock`,
    `times` has the time each outbox message arrived.
    """

    dedupes: bool = False
    sent: list[Outgoing] = field(default_factory=list)
    closed_dms: set[str] = field(default_factory=set)
    failures: list[TransientError] = field(default_factory=list)
    die_after: int | None = None
    gate: asyncio.Event | None = None
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    tries: int = 0  # deliveries of outbox messages begun, failed ones included
    clock: Clock | None = None
    times: list[datetime] = field(default_factory=list)
    _by_nonce: dict[str, str] = field(default_factory=dict)

    async def deliver(self, place: Place, item: Outgoing) -> bool | str:
        """Take one message: its reference, False for a closed DM, or raise as told."""
        if isinstance(item, ToInvoker | FormRequest):
            self.sent.append(item)
            return True
        self.tries += 1
        if self.gate is not None:
            gate, self.gate = self.gate, None
            self.entered.set()
            await gate.wait()
        if self.failures:
            raise self.failures.pop(0)
        if isinstance(item, ToMember) and item.member.external_id in self.closed_dms:
            return False
        nonce = getattr(item, "nonce", None)
        if self.dedupes and nonce in self._by_nonce:
            return self._by_nonce[nonce]
        self.sent.append(item)
        if self.clock is not None:
            self.times.append(self.clock.now())
        ref = item.ref if isinstance(item, EditMessage) else f"chan/{len(self.outbox_items())}"
        if nonce:
            self._by_nonce[nonce] = ref
        if self.die_after is not None and len(self.outbox_items()) > self.die_after:
            raise asyncio.CancelledError  # the message arrived; its answer never did
        return ref

    def outbox_items(self) -> list[Outgoing]:
        """The posts, DMs and edits that reached the platform, answers aside."""
        return [item for item in self.sent if not isinstance(item, ToInvoker | FormRequest)]

    def texts(self) -> list[str]:
        """Every text that reached the platform, in order."""
        return [item.reply.text for item in self.sent if not isinstance(item, FormRequest)]

    def posts(self) -> list[ToChannel]:
        """Public posts."""
        return [item for item in self.sent if isinstance(item, ToChannel)]

    def dms(self) -> list[ToMember]:
        """Direct messages."""
        return [item for item in self.sent if isinstance(item, ToMember)]

    def edits(self) -> list[EditMessage]:
        """Edits of messages sent earlier."""
        return [item for item in self.sent if isinstance(item, EditMessage)]

    def answers(self) -> list[ToInvoker]:
        """Answers to whoever acted."""
        return [item for item in self.sent if isinstance(item, ToInvoker)]
