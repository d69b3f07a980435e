"""Badge lists: what a member holds, who holds what, how many, and the most generous."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.badges.standings import CHUNK
from storage.models import BadgeAwardRow, BadgeEventRow, KudosRow, MemberRow


async def awards_of(
    session: AsyncSession, *, community_id: int, member_id: int
) -> Sequence[BadgeAwardRow]:
    """The badges a member holds, oldest first."""
    found = await session.exec(
        select(BadgeAwardRow)
        .where(BadgeAwardRow.community_id == community_id, BadgeAwardRow.member_id == member_id)
        .order_by(col(BadgeAwardRow.awarded_at), col(BadgeAwardRow.id))
    )
    return found.all()


async def events_of(
    session: AsyncSession, *, community_id: int, member_id: int
) -> Sequence[BadgeEventRow]:
    """The record of a member's awards, grants and revocations, oldest first."""
    found = await session.exec(
        select(BadgeEventRow)
        .where(BadgeEventRow.community_id == community_id, BadgeEventRow.member_id == member_id)
        .order_by(col(BadgeEventRow.at), col(BadgeEventRow.id))
    )
    return found.all()


async def holders(
    session: AsyncSession, *, community_id: int, badges: Collection[str]
) -> list[tuple[BadgeAwardRow, MemberRow]]:
    """Current members holding any of these badges, by badge and then earliest first."""
    if not badges:
        return []
    found = await session.exec(
        select(BadgeAwardRow, MemberRow)
        .join(MemberRow, col(MemberRow.id) == col(BadgeAwardRow.member_id))
        .where(
            BadgeAwardRow.community_id == community_id,
            col(BadgeAwardRow.badge).in_(list(badges)),
            col(MemberRow.left_at).is_(None),
        )
        .order_by(col(BadgeAwardRow.badge), col(BadgeAwardRow.awarded_at), col(MemberRow.id))
    )
    return list(found.all())


async def holders_page(
    session: AsyncSession,
    *,
    community_id: int,
    badges: Sequence[str],
    offset: int,
    limit: int,
) -> tuple[int, list[tuple[str, MemberRow]]]:
    """Current holders of these badges in the order given, earliest first; and how many."""
    if not badges:
        return 0, []
    where = (
        BadgeAwardRow.community_id == community_id,
        col(BadgeAwardRow.badge).in_(list(badges)),
        col(MemberRow.left_at).is_(None),
    )
    joined = (
        select(func.count())
        .select_from(BadgeAwardRow)
        .join(MemberRow, col(MemberRow.id) == col(BadgeAwardRow.member_id))
    )
    total = (await session.exec(joined.where(*where))).one()
    # The caller's order (the catalogue's), so a badge's holders stay together across pages.
    position = case({badge: index for index, badge in enumerate(badges)}, value=BadgeAwardRow.badge)
    found = await session.exec(
        select(BadgeAwardRow.badge, MemberRow)
        .join(MemberRow, col(MemberRow.id) == col(BadgeAwardRow.member_id))
        .where(*where)
        .order_by(position, col(BadgeAwardRow.awarded_at), col(MemberRow.id))
        .offset(offset)
        .limit(limit)
    )
    return total, list(found.all())


async def counts(session: AsyncSession, *, community_id: int) -> dict[str, int]:
    """How many current members hold each badge."""
    found = await session.exec(
        select(BadgeAwardRow.badge, func.count())
        .join(MemberRow, col(MemberRow.id) == col(BadgeAwardRow.member_id))
        .where(BadgeAwardRow.community_id == community_id, col(MemberRow.left_at).is_(None))
        .group_by(BadgeAwardRow.badge)
    )
    return dict(found.all())


async def top_givers(
    session: AsyncSession, *, community_id: int, since: datetime, limit: int = 10
) -> list[tuple[MemberRow, int]]:
    """The current members who gave the most kudos since a time, with how many."""
    given = func.count(col(KudosRow.id)).label("given")
    found = await session.exec(
        select(MemberRow, given)
        .join(KudosRow, col(KudosRow.giver_id) == col(MemberRow.id))
        .where(
            KudosRow.community_id == community_id,
            col(KudosRow.created_at) >= since,
            col(MemberRow.left_at).is_(None),
        )
        .group_by(col(MemberRow.id))
        .order_by(given.desc(), func.lower(MemberRow.name))
        .limit(limit)
    )
    return list(found.all())


async def rows_of(
    session: AsyncSession, *, community_id: int, member_ids: Collection[int]
) -> dict[int, MemberRow]:
    """Member rows by id, so announcements can name and mention them."""
    found: dict[int, MemberRow] = {}
    ids = sorted(set(member_ids))
    for start in range(0, len(ids), CHUNK):
        rows = await session.exec(
            select(MemberRow).where(
                MemberRow.community_id == community_id,
                col(MemberRow.id).in_(ids[start : start + CHUNK]),
            )
        )
        found.update((row.id, row) for row in rows.all() if row.id is not None)
    return found


async def earned_since(
    session: AsyncSession, *, community_id: int, member_id: int, since: datetime
) -> list[str]:
    """The badges a member was awarded or granted since a moment, oldest first."""
    found = await session.exec(
        select(BadgeAwardRow.badge)
        .where(
            BadgeAwardRow.community_id == community_id,
            BadgeAwardRow.member_id == member_id,
            col(BadgeAwardRow.awarded_at) >= since,
        )
        .order_by(col(BadgeAwardRow.awarded_at), col(BadgeAwardRow.id))
    )
    return list(found.all())


async def awarded_between(
    session: AsyncSession, *, community_id: int, since: datetime, until: datetime, names: int = 5
) -> list[tuple[str, int, list[tuple[int, str]]]]:
    """Badges awarded in [since, until) to members still here: (badge, count, first (id, name)s)."""
    where = (
        BadgeAwardRow.community_id == community_id,
        col(BadgeAwardRow.awarded_at) >= since,
        col(BadgeAwardRow.awarded_at) < until,
        col(MemberRow.left_at).is_(None),
    )
    counts = await session.exec(
        select(BadgeAwardRow.badge, func.count())
        .join(MemberRow, col(MemberRow.id) == col(BadgeAwardRow.member_id))
        .where(*where)
        .group_by(col(BadgeAwardRow.badge))
        .order_by(func.min(BadgeAwardRow.awarded_at))
    )
    found: list[tuple[str, int, list[tuple[int, str]]]] = []
    for badge, count in counts.all():
        first = await session.exec(
            select(MemberRow.id, MemberRow.name)
            .join(BadgeAwardRow, col(BadgeAwardRow.member_id) == col(MemberRow.id))
            .where(*where, BadgeAwardRow.badge == badge)
            .order_by(col(BadgeAwardRow.awarded_at), col(BadgeAwardRow.id))
            .limit(names)
        )
        found.append((badge, count, [(member_id, name) for member_id, name in first.all()]))
    return found
