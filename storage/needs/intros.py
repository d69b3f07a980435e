"""Intro requests: a member asks copbot to introduce them to someone who may help with a need."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import NeedIntroRow, NeedRow


async def asked(session: AsyncSession, *, need_id: int, helper_id: int) -> NeedIntroRow | None:
    """The request for an intro to this helper about this need, if there is one."""
    return await session.get(NeedIntroRow, (need_id, helper_id))


async def ask(
    session: AsyncSession, *, need: NeedRow, helper_id: int, now: datetime
) -> NeedIntroRow:
    """Record that the need's member asked for an intro to this helper."""
    assert need.id is not None
    row = NeedIntroRow(
        need_id=need.id, helper_id=helper_id, community_id=need.community_id, asked_at=now
    )
    session.add(row)
    await session.flush()
    return row


async def answer(session: AsyncSession, *, intro: NeedIntroRow, said: str, now: datetime) -> None:
    """Record the helper's answer: yes or no."""
    intro.answer, intro.answered_at = said, now
    session.add(intro)
    await session.flush()
