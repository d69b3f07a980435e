"""Queries for needs and offers: adding, numbering, changing, the boards and a member's own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import InterestRow, MemberRow, NeedRow, NeedTagRow
from storage.models.needs import MET, NEED, OFFER, OPEN
from storage.needs.fit import Fit, fitting_needs, helpers_for
from storage.needs.intros import answer, ask, asked
from storage.needs.lists import (
    checkins_due,
    helped_by,
    helped_tally,
    met_between,
    met_needs,
    met_tally,
    mine,
    new_offers_for,
    open_of,
    open_tags,
)

__all__ = [
    "MET",
    "NEED",
    "OFFER",
    "OPEN",
    "Fit",
    "add",
    "answer",
    "ask",
    "asked",
    "board",
    "by_number",
    "checkins_due",
    "close",
    "count_open",
    "edit",
    "fitting_needs",
    "helped_by",
    "helped_tally",
    "helpers_for",
    "met_between",
    "met_needs",
    "met_tally",
    "mine",
    "new_offers_for",
    "open_of",
    "open_tags",
    "renew",
    "tag_list",
    "tags_in_use",
]


def tag_list(row: NeedRow) -> tuple[str, ...]:
    """A need's or offer's tags, as stored."""
    return tuple(tag for tag in row.tags.split(", ") if tag)


async def add(
    session: AsyncSession,
    *,
    community_id: int,
    member_id: int,
    kind: str,
    what: str,
    tags: Sequence[str],
    now: datetime,
) -> NeedRow:
    """Store a new open need or offer under the community's next number."""
    highest = await session.exec(
        select(func.max(NeedRow.number)).where(NeedRow.community_id == community_id)
    )
    row = NeedRow(
        community_id=community_id,
        number=(highest.one() or 0) + 1,
        kind=kind,
        member_id=member_id,
        what=what,
        tags=", ".join(tags),
        created_at=now,
        renewed_at=now,
    )
    session.add(row)
    await session.flush()
    _tag(session, row, tags)
    await session.flush()
    return row


def _tag(session: AsyncSession, row: NeedRow, tags: Sequence[str]) -> None:
    assert row.id is not None
    for tag in tags:
        session.add(NeedTagRow(need_id=row.id, tag=tag, community_id=row.community_id))


async def count_open(session: AsyncSession, *, community_id: int, member_id: int, kind: str) -> int:
    """How many open needs (or offers) a member has."""
    found = await session.exec(
        select(func.count())
        .select_from(NeedRow)
        .where(
            NeedRow.community_id == community_id,
            NeedRow.member_id == member_id,
            NeedRow.kind == kind,
            NeedRow.status == OPEN,
        )
    )
    return found.one()


async def by_number(session: AsyncSession, *, community_id: int, number: int) -> NeedRow | None:
    """A community's need or offer by its number."""
    found = await session.exec(
        select(NeedRow).where(NeedRow.community_id == community_id, NeedRow.number == number)
    )
    return found.first()


async def edit(
    session: AsyncSession,
    *,
    row: NeedRow,
    what: str | None,
    tags: Sequence[str] | None,
    now: datetime,
) -> None:
    """Change what a need or offer says, or its tags."""
    if what is not None:
        row.what = what
    if tags is not None:
        await session.exec(delete(NeedTagRow).where(col(NeedTagRow.need_id) == row.id))
        row.tags = ", ".join(tags)
        _tag(session, row, tags)
    row.edited_at = now
    session.add(row)
    await session.flush()


async def close(
    session: AsyncSession, *, row: NeedRow, status: str, helper_id: int | None, now: datetime
) -> None:
    """Mark a need met (with who helped, if anyone) or dropped; the row stays as history."""
    row.status, row.helper_id, row.closed_at = status, helper_id, now
    session.add(row)
    await session.flush()


async def renew(session: AsyncSession, *, row: NeedRow, now: datetime) -> None:
    """Start a need's check-in clock again: it is still needed."""
    row.renewed_at = now
    session.add(row)
    await session.flush()


async def board(
    session: AsyncSession,
    *,
    community_id: int,
    kind: str,
    tag: str | None,
    offset: int,
    limit: int,
) -> tuple[int, Sequence[tuple[NeedRow, MemberRow]]]:
    """Open needs (or offers) of members still here, with that tag if given, newest first."""
    query = (
        select(NeedRow, MemberRow)
        .join(MemberRow, col(MemberRow.id) == col(NeedRow.member_id))
        .where(
            NeedRow.community_id == community_id,
            NeedRow.kind == kind,
            NeedRow.status == OPEN,
            col(MemberRow.left_at).is_(None),
        )
    )
    if tag:
        query = query.join(
            NeedTagRow,
            (col(NeedTagRow.need_id) == col(NeedRow.id)) & (col(NeedTagRow.tag) == tag),
        )
    total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
    page = await session.exec(
        query.order_by(col(NeedRow.created_at).desc(), col(NeedRow.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return total, page.all()


async def tags_in_use(session: AsyncSession, *, community_id: int, limit: int = 100) -> list[str]:
    """Tags of open needs and offers, then intro interests, the most used first."""
    on_board = await session.exec(
        select(NeedTagRow.tag, func.count())
        .join(NeedRow, col(NeedRow.id) == col(NeedTagRow.need_id))
        .where(NeedTagRow.community_id == community_id, NeedRow.status == OPEN)
        .group_by(NeedTagRow.tag)
        .order_by(func.count().desc(), NeedTagRow.tag)
        .limit(limit)
    )
    interests = await session.exec(
        select(InterestRow.tag, func.count())
        .where(InterestRow.community_id == community_id)
        .group_by(InterestRow.tag)
        .order_by(func.count().desc(), InterestRow.tag)
        .limit(limit)
    )
    tags = [tag for tag, _ in on_board.all()] + [tag for tag, _ in interests.all()]
    return list(dict.fromkeys(tags))[:limit]
