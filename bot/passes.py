"""What one pass of the sender keeps: outcomes to write, fallbacks, and what edits change."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from storage import outbox
from storage.models import OutboxRow

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession


MAX_ATTEMPTS = 12
log = logging.getLogger("bot.sender")


def retry(row: OutboxRow, reason: str, retry_after: float | None, now: datetime) -> outbox.Result:
    """A failed try's outcome: pending again after a wait, or failed after the last attempt."""
    assert row.id is not None
    if row.attempts + 1 >= MAX_ATTEMPTS:
        log.error("giving up on outbox row %s after %s tries: %s", row.id, MAX_ATTEMPTS, reason)
        return outbox.Result(row.id, outbox.FAILED, outcome=reason)
    delay = max(retry_after or 0.0, backoff(row.attempts + 1))
    later = now + timedelta(seconds=delay)
    return outbox.Result(row.id, outbox.PENDING, outcome=reason, not_before=later)


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: 2, 4, 8… up to 15 minutes."""
    return float(min(2 ** max(1, attempts), 900))


@dataclass
class Pass:
    """Outcomes not yet written, the rows a refusal adds, and what this pass has sent."""

    results: list[outbox.Result] = field(default_factory=list)
    extra: list[OutboxRow] = field(default_factory=list)
    # What became of the messages this pass sent or settled (handle -> status and reference):
    # the targets its edits read before are older than that.
    settled: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    own: bool = False  # a command's own delivery: it sends the fallback posts itself
    defer: bool = False  # its outcomes may be written a moment later (see DEFER)
    fallbacks: list[OutboxRow] = field(default_factory=list)  # queued so far, for `own`
    recorded: int = 0  # outcomes written so far
    later: bool = False  # something stays pending: the background sender must look again

    def note(self, row: OutboxRow, result: outbox.Result) -> None:
        """Keep one row's outcome, to be written with the others."""
        self.results.append(result)
        if result.status != outbox.PENDING:
            self.settled[row.handle] = (result.status, result.ref)


@dataclass
class Edits:
    """What the edits among some rows need: their messages, and the newest edit of each."""

    targets: dict[str, OutboxRow] = field(default_factory=dict)
    newest: dict[str, int] = field(default_factory=dict)


async def edits_of(session: AsyncSession, rows: list[OutboxRow]) -> Edits:
    """The messages the edits among these rows change, and the newest edit of each."""
    wanted = [row.target for row in rows if row.kind == "edit" and row.target]
    if not wanted:
        return Edits()
    targets = await outbox.by_handles(session, handles=wanted)
    return Edits(targets, await outbox.newest_edits(session, targets=wanted))
