"""Badge awards: given once even under races, granted and revoked by moderators, on record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.members import ignoring_insert, insert_or_ignore
from storage.models import BadgeAwardRow, BadgeEventRow


async def award(
    session: AsyncSession,
    *,
    community_id: int,
    member_id: int,
    badge: str,
    now: datetime,
    by_id: int | None = None,
    reason: str = "",
) -> bool:
    """Give a member a badge once; True only if this call gave it (a racing call gets False)."""
    # The unique key decides races: exactly one INSERT returns the new row's id.
    inserted = await session.exec(
        insert_or_ignore(session, BadgeAwardRow)
        .values(
            community_id=community_id,
            member_id=member_id,
            badge=badge,
            awarded_at=now,
            granted_by=by_id,
            reason=reason,
        )
        .returning(col(BadgeAwardRow.id))
    )
    if inserted.first() is None:
        return False
    action = "award" if by_id is None else "grant"
    await _record(session, community_id, member_id, badge, action, by_id, reason, now)
    return True


async def award_many(
    session: AsyncSession,
    *,
    community_id: int,
    earned: Sequence[tuple[int, str, str]],
    now: datetime,
) -> list[tuple[int, str]]:
    """Award many (member, badge, reason) at once; the (member, badge) pairs that were new."""
    if not earned:
        return []
    # One batched INSERT … RETURNING: only rows the unique key let in come back, so a racing
    # command's award is neither duplicated nor announced twice.
    rows = [
        {"community_id": community_id, "member_id": member, "badge": badge, "awarded_at": now,
         "reason": reason}
        for member, badge, reason in earned
    ]  # fmt: skip
    connection = await session.connection()
    statement = _award_statement(session.get_bind().dialect.name)
    inserted = [(member, badge) for member, badge in (await connection.execute(statement, rows))]
    reasons = {(member, badge): reason for member, badge, reason in earned}
    if inserted:
        events = [
            {"community_id": community_id, "member_id": member, "badge": badge,
             "action": "award", "reason": reasons[(member, badge)], "at": now}
            for member, badge in inserted
        ]  # fmt: skip
        await connection.execute(_INSERT_EVENTS, events)
    return inserted


_INSERT_EVENTS = insert(BadgeEventRow)


@cache
def _award_statement(dialect: str) -> Any:
    """The award INSERT, built once per SQL dialect (a first intro runs it)."""
    return ignoring_insert(dialect, BadgeAwardRow).returning(
        col(BadgeAwardRow.member_id), col(BadgeAwardRow.badge)
    )


async def grant(
    session: AsyncSession,
    *,
    community_id: int,
    member_id: int,
    badge: str,
    by_id: int,
    reason: str,
    now: datetime,
) -> bool:
    """A moderator gives a badge, with why; False if the member already holds it."""
    return await award(
        session,
        community_id=community_id,
        member_id=member_id,
        badge=badge,
        now=now,
        by_id=by_id,
        reason=reason,
    )


async def revoke(
    session: AsyncSession,
    *,
    community_id: int,
    member_id: int,
    badge: str,
    by_id: int,
    reason: str,
    now: datetime,
) -> bool:
    """A moderator takes a badge back, with why; False if the member did not hold it."""
    removed = await session.exec(
        delete(BadgeAwardRow)
        .where(
            col(BadgeAwardRow.community_id) == community_id,
            col(BadgeAwardRow.member_id) == member_id,
            col(BadgeAwardRow.badge) == badge,
        )
        .returning(col(BadgeAwardRow.id))
        # Plain SQL: award rows are never kept in the session, so there is nothing to sync.
        .execution_options(synchronize_session=False)
    )
    if not removed.all():
        return False
    await _record(session, community_id, member_id, badge, "revoke", by_id, reason, now)
    return True


async def _record(
    session: AsyncSession,
    community_id: int,
    member_id: int,
    badge: str,
    action: str,
    by_id: int | None,
    reason: str,
    now: datetime,
) -> None:
    event = BadgeEventRow(
        community_id=community_id,
        member_id=member_id,
        badge=badge,
        action=action,
        by_id=by_id,
        reason=reason,
        at=now,
    )
    # No flush: event rows go out with the transaction's next flush, batched together.
    session.add(event)
