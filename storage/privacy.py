"""Queries for members' privacy choices: who paused their public credit."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MemberPrivacyRow


async def credit_off(session: AsyncSession, *, community_id: int, member_id: int) -> bool:
    """Whether a member paused their public credit."""
    row = await session.get(MemberPrivacyRow, member_id)
    return bool(row and row.community_id == community_id and row.credit_off)


async def set_credit_off(
    session: AsyncSession, *, community_id: int, member_id: int, off: bool, now: datetime
) -> None:
    """Pause (or resume) a member's public credit."""
    row = await session.get(MemberPrivacyRow, member_id)
    if row is None:
        row = MemberPrivacyRow(member_id=member_id, community_id=community_id, changed_at=now)
    row.credit_off, row.changed_at = off, now
    session.add(row)
    await session.flush()


async def credit_paused(session: AsyncSession, *, community_id: int) -> frozenset[int]:
    """The ids of a community's members who paused their public credit."""
    found = await session.exec(
        select(MemberPrivacyRow.member_id).where(
            MemberPrivacyRow.community_id == community_id, col(MemberPrivacyRow.credit_off)
        )
    )
    return frozenset(found.all())
