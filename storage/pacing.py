"""Pacing buckets shared by every process: one row per bucket, advanced under a row lock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.members import insert_or_ignore
from storage.models import PaceRow

_EPSILON = 1e-9  # of a second: a hair short of the time is the time


@dataclass(frozen=True)
class Need:
    """One bucket a message must pass: its key, community, rate and burst."""

    key: str
    community_id: int | None
    per_second: float
    burst: int = 1


async def reserve(session: AsyncSession, *, needs: Sequence[Need], now: datetime) -> float:
    """Take a turn from every bucket and return 0, or return how long to wait (taking none)."""
    if not needs:
        return 0.0
    fresh = [{"key": n.key, "community_id": n.community_id, "due": now} for n in needs]
    await session.exec(insert_or_ignore(session, PaceRow).values(fresh))
    # Locked in key order until the caller commits: a second process's reserve waits, then
    # reads what this one took, so together they keep one pace.
    found = await session.exec(
        select(PaceRow)
        .where(col(PaceRow.key).in_([n.key for n in needs]))
        .order_by(col(PaceRow.key))
        .with_for_update()
    )
    rows = {row.key: row for row in found.all()}
    wait = max(
        (rows[n.key].due - now).total_seconds() - (n.burst - 1) / n.per_second for n in needs
    )
    if wait > _EPSILON:
        return wait
    for need in needs:
        row = rows[need.key]
        row.due = max(row.due, now) + timedelta(seconds=1 / need.per_second)
        session.add(row)
    await session.flush()
    return 0.0
