"""Queries for outcomes: adding under the next number, credits, the register and the tally."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MemberRow, OutcomeCreditRow, OutcomeRow

Credit = tuple[OutcomeCreditRow, MemberRow]


async def add(
    session: AsyncSession,
    *,
    community_id: int,
    added_by: int,
    title: str,
    type: str,
    link: str,
    license: str,
    description: str,
    now: datetime,
) -> OutcomeRow:
    """Store a new outcome under the community's next number."""
    highest = await session.exec(
        select(func.max(OutcomeRow.number)).where(OutcomeRow.community_id == community_id)
    )
    row = OutcomeRow(
        community_id=community_id,
        number=(highest.one() or 0) + 1,
        title=title,
        type=type,
        link=link,
        license=license,
        description=description,
        added_by=added_by,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def by_number(session: AsyncSession, *, community_id: int, number: int) -> OutcomeRow | None:
    """A community's outcome by its number, removed or not."""
    found = await session.exec(
        select(OutcomeRow).where(
            OutcomeRow.community_id == community_id, OutcomeRow.number == number
        )
    )
    return found.first()


async def credit(
    session: AsyncSession, *, row: OutcomeRow, member_id: int, role: str, now: datetime
) -> bool:
    """Credit a member with a role (again, if they had withdrawn); False if already credited."""
    assert row.id is not None
    found = await session.get(OutcomeCreditRow, (row.id, member_id))
    if found is not None and found.removed_at is None:
        if found.role == role:
            return False
        found.role = role
    elif found is not None:
        found.role, found.removed_at, found.added_at = role, None, now
    else:
        found = OutcomeCreditRow(
            outcome_id=row.id,
            member_id=member_id,
            community_id=row.community_id,
            role=role,
            added_at=now,
        )
    session.add(found)
    await session.flush()
    return True


async def uncredit(
    session: AsyncSession, *, outcome_id: int, member_id: int, now: datetime
) -> OutcomeCreditRow | None:
    """Withdraw a member's credit, keeping its row; None if they had none to withdraw."""
    found = await session.get(OutcomeCreditRow, (outcome_id, member_id))
    if found is None or found.removed_at is not None:
        return None
    found.removed_at = now
    session.add(found)
    await session.flush()
    return found


async def credits(session: AsyncSession, *, outcome_id: int) -> Sequence[Credit]:
    """An outcome's standing credits with their members, in the order they were added."""
    found = await session.exec(
        select(OutcomeCreditRow, MemberRow)
        .join(MemberRow, col(MemberRow.id) == col(OutcomeCreditRow.member_id))
        .where(
            OutcomeCreditRow.outcome_id == outcome_id, col(OutcomeCreditRow.removed_at).is_(None)
        )
        .order_by(col(OutcomeCreditRow.added_at), col(MemberRow.name))
    )
    return found.all()


async def credits_of(
    session: AsyncSession, *, outcome_ids: Sequence[int]
) -> dict[int, list[Credit]]:
    """Many outcomes' standing credits at once (a month's digest lists hundreds), by outcome."""
    found: dict[int, list[Credit]] = {outcome_id: [] for outcome_id in outcome_ids}
    unique = list(found)
    for start in range(0, len(unique), 1_000):
        rows = await session.exec(
            select(OutcomeCreditRow, MemberRow)
            .join(MemberRow, col(MemberRow.id) == col(OutcomeCreditRow.member_id))
            .where(
                col(OutcomeCreditRow.outcome_id).in_(unique[start : start + 1_000]),
                col(OutcomeCreditRow.removed_at).is_(None),
            )
            .order_by(col(OutcomeCreditRow.added_at), col(MemberRow.name))
        )
        for credit in rows.all():
            found[credit[0].outcome_id].append(credit)
    return found


async def register(
    session: AsyncSession,
    *,
    community_id: int,
    type: str | None,
    member_id: int | None,
    offset: int,
    limit: int,
) -> tuple[int, Sequence[OutcomeRow]]:
    """Outcomes not removed, of that type or crediting that member if given, newest first."""
    query = select(OutcomeRow).where(
        OutcomeRow.community_id == community_id, col(OutcomeRow.removed_at).is_(None)
    )
    if type is not None:
        query = query.where(func.lower(OutcomeRow.type) == type.lower())
    if member_id is not None:
        query = query.join(
            OutcomeCreditRow,
            (col(OutcomeCreditRow.outcome_id) == col(OutcomeRow.id))
            & (col(OutcomeCreditRow.member_id) == member_id)
            & col(OutcomeCreditRow.removed_at).is_(None),
        )
    total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
    page = await session.exec(
        query.order_by(col(OutcomeRow.created_at).desc(), col(OutcomeRow.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return total, page.all()


async def of_member(
    session: AsyncSession, *, community_id: int, member_id: int
) -> Sequence[tuple[OutcomeRow, str]]:
    """The outcomes a member is credited on, with their role, newest first."""
    found = await session.exec(
        select(OutcomeRow, OutcomeCreditRow.role)
        .join(OutcomeCreditRow, col(OutcomeCreditRow.outcome_id) == col(OutcomeRow.id))
        .where(
            OutcomeRow.community_id == community_id,
            col(OutcomeRow.removed_at).is_(None),
            OutcomeCreditRow.member_id == member_id,
            col(OutcomeCreditRow.removed_at).is_(None),
        )
        .order_by(col(OutcomeRow.created_at).desc(), col(OutcomeRow.id).desc())
    )
    return found.all()


async def created_between(
    session: AsyncSession, *, community_id: int, since: datetime, until: datetime
) -> Sequence[OutcomeRow]:
    """Outcomes added in [since, until) and not removed, oldest first."""
    found = await session.exec(
        select(OutcomeRow)
        .where(
            OutcomeRow.community_id == community_id,
            col(OutcomeRow.removed_at).is_(None),
            col(OutcomeRow.created_at) >= since,
            col(OutcomeRow.created_at) < until,
        )
        .order_by(col(OutcomeRow.created_at), col(OutcomeRow.id))
    )
    return found.all()


def contributed_tally(community: Any, only: Callable[[Any], Any]) -> Any:
    """Per member: outcomes they are credited on (withdrawn credits and removed outcomes aside)."""
    return (
        select(col(OutcomeCreditRow.member_id).label("member_id"), func.count().label("count"))
        .join(OutcomeRow, col(OutcomeRow.id) == col(OutcomeCreditRow.outcome_id))
        .where(
            col(OutcomeCreditRow.community_id) == community,
            col(OutcomeCreditRow.removed_at).is_(None),
            col(OutcomeRow.removed_at).is_(None),
            only(OutcomeCreditRow.member_id),
        )
        .group_by(OutcomeCreditRow.member_id)
    )
