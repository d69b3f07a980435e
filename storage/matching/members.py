"""A member's own say in matching rounds: in, out or paused, and whom they'd rather not meet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MatchAvoidRow, MatchMemberRow, MemberRow


async def standing(session: AsyncSession, *, member_id: int) -> MatchMemberRow | None:
    """What the member said about rounds, or None if they never said."""
    return await session.get(MatchMemberRow, member_id)


async def take_part(
    session: AsyncSession,
    *,
    community_id: int,
    member_id: int,
    status: str,
    paused_until: datetime | None,
    now: datetime,
) -> MatchMemberRow:
    """Record the member in (or out) of rounds, paused until a time or not."""
    row = await session.get(MatchMemberRow, member_id)
    if row is None:
        row = MatchMemberRow(
            member_id=member_id, community_id=community_id, status=status, changed_at=now
        )
    row.status, row.paused_until, row.changed_at = status, paused_until, now
    session.add(row)
    return row


async def avoid(
    session: AsyncSession, *, community_id: int, member_id: int, avoided_id: int, now: datetime
) -> bool:
    """Never pair these two; False if the member had already said so."""
    if await session.get(MatchAvoidRow, (member_id, avoided_id)) is not None:
        return False
    session.add(
        MatchAvoidRow(
            member_id=member_id, avoided_id=avoided_id, community_id=community_id, created_at=now
        )
    )
    return True


async def unavoid(session: AsyncSession, *, member_id: int, avoided_id: int) -> bool:
    """Allow the pair again; False if the member wasn't avoiding them."""
    found = await session.exec(
        delete(MatchAvoidRow)
        .where(col(MatchAvoidRow.member_id) == member_id)
        .where(col(MatchAvoidRow.avoided_id) == avoided_id)
    )
    return bool(found.rowcount)  # type: ignore[attr-defined]


async def avoided(session: AsyncSession, *, member_id: int) -> Sequence[MemberRow]:
    """The members this member avoids, by name: shown to them alone."""
    found = await session.exec(
        select(MemberRow)
        .join(MatchAvoidRow, col(MatchAvoidRow.avoided_id) == col(MemberRow.id))
        .where(MatchAvoidRow.member_id == member_id)
        .order_by(MemberRow.name)
    )
    return found.all()
