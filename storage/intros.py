"""Queries for intros: the current one, its history, and the directory by interest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, delete, func, insert, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import InterestRow, IntroRow, MemberRow

MAX_TAGS = 10  # an intro's interests, at most (the intro cog's own limit)


@dataclass(frozen=True)
class IntroDraft:
    """What a member wrote in the intro form, already checked and normalised."""

    about: str
    goals: str
    interests: tuple[str, ...]
    can_help: str = ""


async def save(
    session: AsyncSession,
    *,
    community_id: int,
    member_id: int,
    draft: IntroDraft,
    now: datetime,
) -> tuple[IntroRow, bool]:
    """Store a new version of a member's intro; True if it replaced one, kept as history."""
    # One statement both retires the current version and says whether there was one.
    retired = await session.exec(
        _RETIRE, params={"in_community": community_id, "of_member": member_id}
    )
    replaced = bool(retired.all())
    if replaced:
        await session.exec(
            delete(InterestRow).where(
                col(InterestRow.community_id) == community_id,
                col(InterestRow.member_id) == member_id,
            )
        )
    # Written as statements, not through the unit of work: the intro comes back from its
    # INSERT, and the interests go in one executemany.
    values = {
        "community_id": community_id,
        "member_id": member_id,
        "about": draft.about,
        "goals": draft.goals,
        "interests": ", ".join(draft.interests),
        "can_help": draft.can_help,
        "is_current": True,
        "created_at": now,
    }
    made = await session.exec(_INSERT, params=values)  # type: ignore[call-overload]
    intro: IntroRow = made.scalars().one()
    if draft.interests:
        tags = [
            {"community_id": community_id, "tag": tag, "member_id": member_id, "since": now}
            for tag in draft.interests
        ]
        connection = await session.connection()
        await connection.execute(_INSERT_TAGS, tags)
    return intro, replaced


# Statements built once (with their cache keys): a first intro's writes cost more to build
# than SQLite takes to run them.
_RETIRE = (
    update(IntroRow)
    .where(
        col(IntroRow.community_id) == bindparam("in_community", type_=Integer),
        col(IntroRow.member_id) == bindparam("of_member", type_=Integer),
        col(IntroRow.is_current).is_(True),
    )
    .values(is_current=False)
    .returning(col(IntroRow.id))
    # Plain SQL, no ORM bookkeeping: this session holds no intro rows to keep in sync.
    .execution_options(synchronize_session=False)
)
_INSERT = insert(IntroRow).returning(IntroRow)
_INSERT_TAGS = insert(InterestRow.__table__)  # type: ignore[arg-type]


async def current(session: AsyncSession, *, community_id: int, member_id: int) -> IntroRow | None:
    """A member's current intro."""
    found = await session.exec(
        select(IntroRow).where(
            IntroRow.community_id == community_id,
            IntroRow.member_id == member_id,
            col(IntroRow.is_current).is_(True),
        )
    )
    return found.first()


async def history(
    session: AsyncSession, *, community_id: int, member_id: int, offset: int = 0, limit: int = 25
) -> tuple[int, Sequence[IntroRow]]:
    """How many versions a member's intro has, and a page of them, newest first."""
    where = (IntroRow.community_id == community_id, IntroRow.member_id == member_id)
    total = (await session.exec(select(func.count()).select_from(IntroRow).where(*where))).one()
    found = await session.exec(
        select(IntroRow)
        .where(*where)
        .order_by(col(IntroRow.created_at).desc(), col(IntroRow.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return total, found.all()


async def directory(
    session: AsyncSession,
    *,
    community_id: int,
    interest: str | None,
    offset: int,
    limit: int,
) -> tuple[int, Sequence[tuple[MemberRow, IntroRow]]]:
    """Current members with an intro (with that interest, if given), newest intro first."""
    query = (
        select(MemberRow, IntroRow)
        .join(IntroRow, col(IntroRow.member_id) == col(MemberRow.id))
        .where(
            IntroRow.community_id == community_id,
            col(IntroRow.is_current).is_(True),
            col(MemberRow.left_at).is_(None),
        )
    )
    if interest:
        query = query.join(
            InterestRow,
            (col(InterestRow.member_id) == col(IntroRow.member_id))
            & (col(InterestRow.community_id) == community_id)
            & (col(InterestRow.tag) == interest),
        )
    total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
    page = await session.exec(
        query.order_by(col(IntroRow.created_at).desc(), col(IntroRow.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return total, page.all()


async def popular_interests(
    session: AsyncSession, *, community_id: int, limit: int = 10
) -> Sequence[tuple[str, int]]:
    """The interests most members share, for suggestions."""
    found = await session.exec(
        select(InterestRow.tag, func.count())
        .where(InterestRow.community_id == community_id)
        .group_by(InterestRow.tag)
        .order_by(func.count().desc(), InterestRow.tag)
        .limit(limit)
    )
    return found.all()


@dataclass(frozen=True)
class Newcomers:
    """Members who introduced themselves for the first time since a moment."""

    count: int
    sharing: list[tuple[str, list[str]]]  # (name, shared tags) of the first few who share some


async def newcomers_since(
    session: AsyncSession, *, community_id: int, member_id: int, since: datetime, limit: int = 5
) -> Newcomers:
    """Who wrote a first intro since `since`, and which of them share this member's interests."""
    older = aliased(IntroRow)  # an earlier version, beside the current one being looked at
    earlier = select(older.id).where(
        older.community_id == community_id,
        older.member_id == col(MemberRow.id),
        older.created_at < since,
    )
    new = (
        select(MemberRow.id)
        .join(IntroRow, col(IntroRow.member_id) == col(MemberRow.id))
        .where(
            IntroRow.community_id == community_id,
            col(IntroRow.is_current).is_(True),
            col(IntroRow.created_at) >= since,
            col(MemberRow.id) != member_id,
            col(MemberRow.left_at).is_(None),
            ~earlier.exists(),
        )
    )
    count = (await session.exec(select(func.count()).select_from(new.subquery()))).one()
    if not count:
        return Newcomers(0, [])
    mine = select(InterestRow.tag).where(
        InterestRow.community_id == community_id, InterestRow.member_id == member_id
    )
    found = await session.exec(
        select(MemberRow.id, MemberRow.name, InterestRow.tag)
        .join(InterestRow, col(InterestRow.member_id) == col(MemberRow.id))
        .where(
            InterestRow.community_id == community_id,
            # Uncorrelated: the newcomers are their own question, not about this row.
            col(MemberRow.id).in_(new.correlate(None)),
            col(InterestRow.tag).in_(mine),
        )
        .order_by(col(MemberRow.id), col(InterestRow.tag))
        .limit(limit * MAX_TAGS)
    )
    shared: dict[int, tuple[str, list[str]]] = {}
    for other, name, tag in found:
        shared.setdefault(other, (name, []))[1].append(tag)
    return Newcomers(count, list(shared.values())[:limit])


async def introduced_between(
    session: AsyncSession, *, community_id: int, since: datetime, until: datetime, limit: int = 10
) -> tuple[int, list[tuple[int, str, str]]]:
    """Who wrote a first intro in [since, until) and is still here: how many; the first few
    (member id, name, interests), oldest first."""
    older = aliased(IntroRow)
    earlier = select(older.id).where(
        older.community_id == community_id,
        older.member_id == col(IntroRow.member_id),
        older.created_at < since,
    )
    where = (
        IntroRow.community_id == community_id,
        col(IntroRow.is_current).is_(True),
        col(IntroRow.created_at) >= since,
        col(IntroRow.created_at) < until,
        col(MemberRow.left_at).is_(None),
        col(MemberRow.is_bot).is_(False),
        ~earlier.exists(),
    )
    joined = select(IntroRow.id).join(MemberRow, col(MemberRow.id) == col(IntroRow.member_id))
    count = (
        await session.exec(select(func.count()).select_from(joined.where(*where).subquery()))
    ).one()
    if not count:
        return 0, []
    found = await session.exec(
        select(MemberRow.id, MemberRow.name, IntroRow.interests)
        .join(MemberRow, col(MemberRow.id) == col(IntroRow.member_id))
        .where(*where)
        .order_by(col(IntroRow.created_at), col(IntroRow.id))
        .limit(limit)
    )
    return count, [(member_id, name, interests) for member_id, name, interests in found.all()]


async def joined_between(
    session: AsyncSession, *, community_id: int, since: datetime, until: datetime
) -> int:
    """How many members (bots aside) joined in [since, until) and are still here."""
    query = select(func.count()).where(
        MemberRow.community_id == community_id,
        col(MemberRow.joined_at) >= since,
        col(MemberRow.joined_at) < until,
        col(MemberRow.left_at).is_(None),
        col(MemberRow.is_bot).is_(False),
    )
    return (await session.exec(query)).one()


def intros_tally(community: Any, only: Callable[[Any], Any]) -> Any:
    """Per member: the intros they wrote (every version counts), for the badge metric."""
    return (
        select(col(IntroRow.member_id).label("member_id"), func.count().label("count"))
        .where(col(IntroRow.community_id) == community, only(IntroRow.member_id))
        .group_by(IntroRow.member_id)
    )
