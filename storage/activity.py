"""Applying buffered activity: many members' last-active times in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, insert, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MemberRow

_CHUNK = 500  # stays under SQLite's bound-parameter limit in the IN (...) lookups


@dataclass
class Activity:
    """What one member did since the last flush."""

    community_id: int
    external_id: str
    name: str
    last_at: datetime
    days: set[date]


async def apply(session: AsyncSession, *, entries: Iterable[Activity], default_role: str) -> int:
    """Record activity: create unseen members, move last-active times, count new active days."""
    by_community: dict[int, dict[str, Activity]] = {}
    for entry in entries:
        by_community.setdefault(entry.community_id, {})[entry.external_id] = entry
    changed = 0
    for community_id, batch in by_community.items():
        changed += await _apply_community(session, community_id, batch, default_role)
    return changed


async def _apply_community(
    session: AsyncSession, community_id: int, batch: dict[str, Activity], default_role: str
) -> int:
    known = await _known_members(session, community_id, list(batch))
    updates, inserts = [], []
    for external_id, entry in batch.items():
        found = known.get(external_id)
        if found is None:
            inserts.append(
                {
                    "community_id": community_id,
                    "external_id": external_id,
                    "name": entry.name[:100],
                    "role": default_role,
                    "is_bot": False,
                    "last_active_at": entry.last_at,
                    "last_active_on": max(entry.days),
                    "active_days": len(entry.days),
                }
            )
            continue
        member_id, last_on, days = found
        new_days = sum(1 for day in entry.days if last_on is None or day > last_on)
        updates.append(
            {
                "member_id": member_id,
                "at": entry.last_at,
                "on": max([*entry.days, *([last_on] if last_on else [])]),
                "days": days + new_days,
            }
        )
    connection = await session.connection()
    if inserts:
        # One executemany, not an INSERT … RETURNING per member: their ids aren't needed here.
        await connection.execute(insert(MemberRow), inserts)
    if updates:
        statement = (
            update(MemberRow)
            .where(col(MemberRow.id) == bindparam("member_id"))
            .values(
                last_active_at=bindparam("at"),
                last_active_on=bindparam("on"),
                active_days=bindparam("days"),
            )
        )
        await connection.execute(statement, updates)
    return len(batch)


async def _known_members(
    session: AsyncSession, community_id: int, external_ids: list[str]
) -> dict[str, tuple[int, date | None, int]]:
    known: dict[str, tuple[int, date | None, int]] = {}
    for start in range(0, len(external_ids), _CHUNK):
        chunk = external_ids[start : start + _CHUNK]
        rows = await session.exec(
            select(
                MemberRow.external_id,
                MemberRow.id,
                MemberRow.last_active_on,
                MemberRow.active_days,
            ).where(MemberRow.community_id == community_id, col(MemberRow.external_id).in_(chunk))
        )
        for external_id, member_id, last_on, days in rows:
            known[external_id] = (member_id, last_on, days)
    return known
