"""Queries for members: who they are, their role, when they joined and left."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, String, bindparam, case, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MemberRow


async def upsert(
    session: AsyncSession,
    *,
    community_id: int,
    external_id: str,
    name: str,
    is_bot: bool = False,
    default_role: str = "member",
) -> MemberRow:
    """The member with this platform id, created or renamed as the platform says."""
    member = await by_external_id(session, community_id=community_id, external_id=external_id)
    if member is None:
        # Two commands from a newcomer can race to create them: the loser inserts nothing
        # and reads the winner's row, instead of failing on the unique key.
        await session.exec(
            insert_or_ignore(session, MemberRow).values(
                community_id=community_id,
                external_id=external_id,
                name=name[:100],
                is_bot=is_bot,
                role=default_role,
                active_days=0,
            )
        )
        member = await by_external_id(session, community_id=community_id, external_id=external_id)
        assert member is not None
    elif name and member.name != name[:100]:
        member.name = name[:100]
    return member


def dialect_insert(session: AsyncSession, table: type[SQLModel]) -> Any:
    """An INSERT in the session's SQL dialect, which offers ON CONFLICT clauses."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table)


def insert_or_ignore(session: AsyncSession, table: type[SQLModel]) -> Any:
    """An INSERT that does nothing on a unique-key conflict."""
    return ignoring_insert(session.get_bind().dialect.name, table)


@cache
def ignoring_insert(dialect: str, table: type[SQLModel]) -> Any:
    """An INSERT … ON CONFLICT DO NOTHING in this SQL dialect, built once per table."""
    # Statements are immutable: each caller's .values() or .returning() makes its own copy.
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()


async def by_external_id(
    session: AsyncSession, *, community_id: int, external_id: str
) -> MemberRow | None:
    """The member with this platform id, if copbot has seen them."""
    params = {"community_id": community_id, "external_id": external_id}
    return (await session.exec(_BY_EXTERNAL_ID, params=params)).first()


# Built once: every command by a member not yet cached runs it, and building a statement (and
# its cache key) costs more than SQLite takes to answer it.
_BY_EXTERNAL_ID = select(MemberRow).where(
    col(MemberRow.community_id) == bindparam("community_id", type_=Integer),
    col(MemberRow.external_id) == bindparam("external_id", type_=String),
)


async def by_name(
    session: AsyncSession, *, community_id: int, name: str, include_left: bool = False
) -> MemberRow | None:
    """A member by name, ignoring case: current members first, then the most recently active."""
    query = select(MemberRow).where(
        MemberRow.community_id == community_id, func.lower(MemberRow.name) == name.lower()
    )
    if not include_left:
        query = query.where(col(MemberRow.left_at).is_(None))
    found = await session.exec(
        query.order_by(col(MemberRow.left_at).is_not(None), col(MemberRow.last_active_at).desc())
    )
    return found.first()


async def joined(session: AsyncSession, *, member: MemberRow, now: datetime) -> None:
    """Record that a member (re)joined."""
    member.joined_at, member.left_at = now, None
    session.add(member)


async def left(session: AsyncSession, *, member: MemberRow, now: datetime) -> None:
    """Record that a member left; their history stays."""
    member.left_at = now
    session.add(member)


async def set_role(session: AsyncSession, *, member: MemberRow, role: str) -> None:
    """Give a member a community role."""
    member.role = role
    session.add(member)


async def by_role(
    session: AsyncSession, *, community_id: int, role: str | None = None
) -> Sequence[MemberRow]:
    """Current members holding a role (or any role other than the default when None)."""
    query = select(MemberRow).where(
        MemberRow.community_id == community_id,
        col(MemberRow.left_at).is_(None),
        col(MemberRow.is_bot).is_(False),
    )
    if role is not None:
        query = query.where(MemberRow.role == role)
    return (await session.exec(query.order_by(MemberRow.role, func.lower(MemberRow.name)))).all()


async def holders_page(
    session: AsyncSession,
    *,
    community_id: int,
    role: str | None,
    order: Sequence[str],
    offset: int,
    limit: int,
) -> tuple[int, Sequence[MemberRow]]:
    """Current members (holding `role`, if given) by role in `order`, then name; how many."""
    where = [
        MemberRow.community_id == community_id,
        col(MemberRow.left_at).is_(None),
        col(MemberRow.is_bot).is_(False),
    ]
    if role is not None:
        where.append(MemberRow.role == role)
    total = (await session.exec(select(func.count()).select_from(MemberRow).where(*where))).one()
    # Roles the community no longer lists come after its own, so nobody drops out of sight.
    rank = case(
        {name: index for index, name in enumerate(order)}, value=MemberRow.role, else_=len(order)
    )
    found = await session.exec(
        select(MemberRow)
        .where(*where)
        .order_by(rank, MemberRow.role, func.lower(MemberRow.name), MemberRow.id)
        .offset(offset)
        .limit(limit)
    )
    return total, found.all()


async def role_counts(session: AsyncSession, *, community_id: int) -> dict[str, int]:
    """How many current members (not bots) hold each role."""
    found = await session.exec(
        select(MemberRow.role, func.count())
        .where(
            MemberRow.community_id == community_id,
            col(MemberRow.left_at).is_(None),
            col(MemberRow.is_bot).is_(False),
        )
        .group_by(MemberRow.role)
    )
    return dict(found.all())


async def set_away(session: AsyncSession, *, member: MemberRow, until: datetime | None) -> None:
    """Pause what copbot sends a member unasked until a moment (None: not paused)."""
    member.away_until = until
    session.add(member)


async def set_dms_off(session: AsyncSession, *, member: MemberRow, off: bool) -> None:
    """Stop (or allow again) every DM copbot would send a member unasked."""
    member.dms_off = off
    session.add(member)
