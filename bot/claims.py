"""Which outbox rows a sender is sending: claimed in the database, and held in its process."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from storage.db import process_name
from storage.models import OutboxRow

# How long a claim lasts: the rows of a sender that died mid-send are taken over after this.
CLAIM = timedelta(minutes=5)
# A row is not tried on a claim with less left than this, so no claim runs out mid-send (a
# platform's rate limit can hold one send for a minute); the next pass claims it afresh.
MARGIN = timedelta(minutes=2)


class Claims:
    """One sender's name on the rows it claims, and the rows someone in its process is sending."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        # Unique per sender, not per process: two runtimes in one process are two senders.
        # On Postgres the process part is its sessions' application_name: see Sender.release_gone.
        self.name = f"{process_name()}:{secrets.token_hex(4)}"
        # Rows someone in this process is sending: a command's own (claimed before its commit)
        # or a pass's. Nobody else here sends them; the database claim keeps other processes off.
        self.held: set[int] = set()

    def until(self) -> Any:
        """When a claim made now runs out."""
        return self.clock.now() + CLAIM

    def stamp(self) -> dict[str, Any]:
        """The claim columns of rows a command queues: its own delivery sends them."""
        return {"claimed_by": self.name, "claimed_until": self.until()}

    def hold(self, rows: Iterable[OutboxRow]) -> None:
        """Mark rows as being sent by someone in this process."""
        self.held.update(row.id for row in rows if row.id is not None)

    def release(self, rows: Iterable[OutboxRow]) -> None:
        """Unmark rows: whoever in this process comes next may send them."""
        self.held.difference_update(row.id for row in rows)

    def fresh(self, row: OutboxRow) -> bool:
        """Whether the row's claim has time enough left to try it."""
        until = row.claimed_until
        return until is None or until - self.clock.now() >= MARGIN
