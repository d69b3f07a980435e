"""The outbox's queries: queue in the caller's transaction, pick what is due, record outcomes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CommunityRow, MemberRow, OutboxRow

PENDING, SENT, REFUSED, SKIPPED, FAILED = "pending", "sent", "refused", "skipped", "failed"


async def queue(session: AsyncSession, *, rows: Sequence[OutboxRow]) -> list[OutboxRow]:
    """Add rows to the outbox; a row whose key was queued before is dropped. The rows kept."""
    keys = [row.key for row in rows if row.key]
    seen: set[str] = set()
    if keys:
        found = await session.exec(select(OutboxRow.key).where(col(OutboxRow.key).in_(keys)))
        seen = {key for key in found if key}
    kept = []
    for row in rows:
        if row.key and row.key in seen:
            continue  # said once already: the key is the promise
        if row.key:
            seen.add(row.key)
        session.add(row)
        kept.append(row)
    await session.flush()
    return kept


async def due(
    session: AsyncSession, *, now: datetime, limit: int, platforms: Sequence[str]
) -> list[OutboxRow]:
    """Pending rows for these platforms whose time has come: replies first, then the oldest."""
    query = (
        select(OutboxRow)
        .join(CommunityRow, col(CommunityRow.id) == OutboxRow.community_id)
        .where(
            OutboxRow.status == PENDING,
            col(OutboxRow.not_before) <= now,
            col(CommunityRow.platform).in_(platforms),
        )
    )
    query = query.order_by(col(OutboxRow.unsolicited), col(OutboxRow.id)).limit(limit)
    return list((await session.exec(query)).all())


async def next_due(session: AsyncSession, *, platforms: Sequence[str]) -> datetime | None:
    """When the earliest pending row for these platforms may go, or None."""
    query = (
        select(OutboxRow.not_before)
        .join(CommunityRow, col(CommunityRow.id) == OutboxRow.community_id)
        .where(OutboxRow.status == PENDING, col(CommunityRow.platform).in_(platforms))
    )
    return (await session.exec(query.order_by(col(OutboxRow.not_before)).limit(1))).first()


async def by_handles(session: AsyncSession, *, handles: Iterable[str]) -> dict[str, OutboxRow]:
    """Rows by their handles (an edit's target, a cog's stored reference)."""
    wanted = list(set(handles))
    if not wanted:
        return {}
    rows = await session.exec(select(OutboxRow).where(col(OutboxRow.handle).in_(wanted)))
    return {row.handle: row for row in rows}


async def members_of(session: AsyncSession, *, ids: Iterable[int]) -> dict[int, MemberRow]:
    """The members some DMs are for, to check their preferences in one query."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await session.exec(select(MemberRow).where(col(MemberRow.id).in_(wanted)))
    return {row.id: row for row in rows if row.id is not None}


@dataclass(frozen=True)
class Result:
    """What became of one row's attempt."""

    id: int
    status: str
    ref: str | None = None
    outcome: str = ""
    not_before: datetime | None = None  # a retry's time


async def record(session: AsyncSession, *, results: Sequence[Result], now: datetime) -> None:
    """Write the outcomes of a batch of attempts in one statement per kind."""
    finished = [r for r in results if r.status != PENDING]
    retried = [r for r in results if r.status == PENDING]
    if finished:
        ids = [r.id for r in finished]
        await session.exec(
            update(OutboxRow)
            .where(col(OutboxRow.id).in_(ids))
            .values(
                status=case({r.id: r.status for r in finished}, value=OutboxRow.id),
                ref=case({r.id: r.ref for r in finished}, value=OutboxRow.id),
                outcome=case({r.id: r.outcome for r in finished}, value=OutboxRow.id),
                attempts=OutboxRow.attempts + 1,
                sent_at=now,
            )
        )
    for result in retried:
        await session.exec(
            update(OutboxRow)
            .where(col(OutboxRow.id) == result.id)
            .values(
                attempts=OutboxRow.attempts + 1,
                not_before=result.not_before or now,
                outcome=result.outcome,
            )
        )


async def superseded(session: AsyncSession, *, target: str, newer_than: int) -> bool:
    """Whether a newer edit of the same message waits: only the last edit need be sent."""
    query = select(OutboxRow.id).where(
        OutboxRow.kind == "edit",
        OutboxRow.target == target,
        OutboxRow.status == PENDING,
        col(OutboxRow.id) > newer_than,
    )
    return (await session.exec(query.limit(1))).first() is not None


async def pending_count(session: AsyncSession, *, community_id: int | None = None) -> int:
    """How many rows wait to be sent (for tests, benchmarks and the log)."""
    query = select(OutboxRow.id).where(OutboxRow.status == PENDING)
    if community_id is not None:
        query = query.where(OutboxRow.community_id == community_id)
    return len((await session.exec(query)).all())
