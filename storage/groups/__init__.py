"""Queries for work groups: proposing, members, updates, the lists and what is due a check-in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MemberRow, WorkGroupMemberRow, WorkGroupRow, WorkGroupUpdateRow
from storage.models.outcomes import ACTIVE, CLOSED, PENDING

__all__ = [
    "ACTIVE",
    "CLOSED",
    "PENDING",
    "by_name",
    "changed_between",
    "checkins_due",
    "join",
    "last_update",
    "leave",
    "listed",
    "members",
    "of_member",
    "propose",
    "update",
    "updates",
]


def name_key(name: str) -> str:
    """A group's name folded, so "Open Labs" and "open labs" are one name."""
    return " ".join(name.split()).casefold()


async def by_name(session: AsyncSession, *, community_id: int, name: str) -> WorkGroupRow | None:
    """A community's work group by name, whatever its case."""
    found = await session.exec(
        select(WorkGroupRow).where(
            WorkGroupRow.community_id == community_id, WorkGroupRow.name_key == name_key(name)
        )
    )
    return found.first()


async def propose(
    session: AsyncSession,
    *,
    community_id: int,
    lead_id: int,
    name: str,
    purpose: str,
    produces: str,
    capacity: int,
    ends_on: date,
    roles: Sequence[str],
    pending: bool,
    now: datetime,
) -> WorkGroupRow:
    """Store a new group, its proposer as lead and first member."""
    row = WorkGroupRow(
        community_id=community_id,
        name=name,
        name_key=name_key(name),
        purpose=purpose,
        produces=produces,
        capacity=capacity,
        ends_on=ends_on,
        roles="; ".join(roles),
        lead_id=lead_id,
        status=PENDING if pending else ACTIVE,
        created_at=now,
        started_at=None if pending else now,
    )
    session.add(row)
    await session.flush()
    await join(session, row=row, member_id=lead_id, role="", now=now)
    return row


async def members(
    session: AsyncSession, *, group_id: int
) -> Sequence[tuple[WorkGroupMemberRow, MemberRow]]:
    """A group's current members, in the order they joined."""
    found = await session.exec(
        select(WorkGroupMemberRow, MemberRow)
        .join(MemberRow, col(MemberRow.id) == col(WorkGroupMemberRow.member_id))
        .where(WorkGroupMemberRow.group_id == group_id, col(WorkGroupMemberRow.left_at).is_(None))
        .order_by(col(WorkGroupMemberRow.joined_at), col(MemberRow.name))
    )
    return found.all()


async def join(
    session: AsyncSession, *, row: WorkGroupRow, member_id: int, role: str, now: datetime
) -> None:
    """Add a member (again, if they had left) with their role in the group."""
    assert row.id is not None
    found = await session.get(WorkGroupMemberRow, (row.id, member_id))
    if found is None:
        found = WorkGroupMemberRow(
            group_id=row.id, member_id=member_id, community_id=row.community_id, joined_at=now
        )
    found.role, found.left_at, found.joined_at = role, None, now
    session.add(found)
    await session.flush()


async def leave(session: AsyncSession, *, group_id: int, member_id: int, now: datetime) -> bool:
    """Mark a member as having left the group; False if they were not in it."""
    found = await session.get(WorkGroupMemberRow, (group_id, member_id))
    if found is None or found.left_at is not None:
        return False
    found.left_at = now
    session.add(found)
    await session.flush()
    return True


async def update(
    session: AsyncSession, *, row: WorkGroupRow, member_id: int, text: str, now: datetime
) -> WorkGroupUpdateRow:
    """Store a member's update on their group."""
    assert row.id is not None
    found = WorkGroupUpdateRow(
        group_id=row.id,
        community_id=row.community_id,
        member_id=member_id,
        text=text,
        created_at=now,
    )
    session.add(found)
    await session.flush()
    return found


async def updates(
    session: AsyncSession, *, group_id: int, limit: int = 5
) -> Sequence[tuple[WorkGroupUpdateRow, MemberRow | None]]:
    """A group's latest updates with who posted them, newest first."""
    found = await session.exec(
        select(WorkGroupUpdateRow, MemberRow)
        .join(MemberRow, col(MemberRow.id) == col(WorkGroupUpdateRow.member_id), isouter=True)
        .where(WorkGroupUpdateRow.group_id == group_id)
        .order_by(col(WorkGroupUpdateRow.created_at).desc(), col(WorkGroupUpdateRow.id).desc())
        .limit(limit)
    )
    return found.all()


async def last_update(session: AsyncSession, *, group_id: int) -> datetime | None:
    """When a group last posted an update, if it ever did."""
    found = await session.exec(
        select(func.max(WorkGroupUpdateRow.created_at)).where(
            WorkGroupUpdateRow.group_id == group_id
        )
    )
    return found.one()


async def listed(
    session: AsyncSession, *, community_id: int, status: str, offset: int, limit: int
) -> tuple[int, Sequence[WorkGroupRow]]:
    """Groups in a state (active takes pending ones too), newest first."""
    states = (ACTIVE, PENDING) if status == ACTIVE else (status,)
    where = (WorkGroupRow.community_id == community_id, col(WorkGroupRow.status).in_(states))
    total = (await session.exec(select(func.count()).select_from(WorkGroupRow).where(*where))).one()
    page = await session.exec(
        select(WorkGroupRow)
        .where(*where)
        .order_by(col(WorkGroupRow.created_at).desc(), col(WorkGroupRow.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return total, page.all()


async def of_member(
    session: AsyncSession, *, community_id: int, member_id: int
) -> Sequence[tuple[WorkGroupRow, WorkGroupMemberRow]]:
    """The groups a member is or was in, with their place there, newest first."""
    found = await session.exec(
        select(WorkGroupRow, WorkGroupMemberRow)
        .join(WorkGroupMemberRow, col(WorkGroupMemberRow.group_id) == col(WorkGroupRow.id))
        .where(
            WorkGroupRow.community_id == community_id,
            WorkGroupMemberRow.member_id == member_id,
            WorkGroupRow.status != PENDING,
        )
        .order_by(col(WorkGroupRow.created_at).desc(), col(WorkGroupRow.id).desc())
    )
    return found.all()


async def checkins_due(session: AsyncSession, *, community_id: int) -> Sequence[WorkGroupRow]:
    """Active groups, for the check-in job to weigh (a community has few)."""
    found = await session.exec(
        select(WorkGroupRow)
        .where(WorkGroupRow.community_id == community_id, WorkGroupRow.status == ACTIVE)
        .order_by(col(WorkGroupRow.id))
    )
    return found.all()


async def changed_between(
    session: AsyncSession, *, community_id: int, since: datetime, until: datetime
) -> Sequence[WorkGroupRow]:
    """Groups started, updated or closed in [since, until), oldest first."""
    updated = select(WorkGroupUpdateRow.group_id).where(
        WorkGroupUpdateRow.community_id == community_id,
        col(WorkGroupUpdateRow.created_at) >= since,
        col(WorkGroupUpdateRow.created_at) < until,
    )
    found = await session.exec(
        select(WorkGroupRow)
        .where(
            WorkGroupRow.community_id == community_id,
            or_(
                (col(WorkGroupRow.started_at) >= since) & (col(WorkGroupRow.started_at) < until),
                (col(WorkGroupRow.closed_at) >= since) & (col(WorkGroupRow.closed_at) < until),
                col(WorkGroupRow.id).in_(updated),
            ),
        )
        .order_by(col(WorkGroupRow.id))
    )
    return found.all()
