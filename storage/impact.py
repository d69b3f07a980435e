"""Community keys, issued impact reports, and what each feature's impact listener reads."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import date, datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.members import insert_or_ignore
from storage.models import (
    ActiveDayRow,
    CommunityKeyRow,
    IssuedReportRow,
    KudosGroupRow,
    KudosRow,
    MatchGroupRow,
    MatchRoundRow,
    MatchSeatRow,
    MemberRow,
)

REPORT_HMAC = "report-hmac"
CREDENTIAL_ED25519 = "credential-ed25519"


async def key_for(
    session: AsyncSession,
    *,
    community_id: int,
    purpose: str,
    now: datetime,
    make: Callable[[], bytes] = lambda: secrets.token_bytes(32),
) -> bytes:
    """A community's key for a purpose, made on first use (a concurrent first use wins once)."""
    found = await _key(session, community_id, purpose)
    if found is None:
        await session.exec(
            insert_or_ignore(session, CommunityKeyRow).values(
                community_id=community_id, purpose=purpose, key=make(), created_at=now
            )
        )
        found = await _key(session, community_id, purpose)
        assert found is not None
    return found


async def existing_key(session: AsyncSession, *, community_id: int, purpose: str) -> bytes | None:
    """A community's key for a purpose, if it has one yet."""
    return await _key(session, community_id, purpose)


async def _key(session: AsyncSession, community_id: int, purpose: str) -> bytes | None:
    found = await session.exec(
        select(CommunityKeyRow.key).where(
            CommunityKeyRow.community_id == community_id, CommunityKeyRow.purpose == purpose
        )
    )
    return found.first()


async def issue(session: AsyncSession, *, row: IssuedReportRow) -> None:
    """Record a report as issued."""
    session.add(row)
    await session.flush()


async def issued(
    session: AsyncSession, *, community_id: int, code: str
) -> tuple[IssuedReportRow, str] | None:
    """The report a code names in a community, and whose it is; None if none."""
    found = await session.exec(
        select(IssuedReportRow, MemberRow.name)
        .join(MemberRow, col(MemberRow.id) == col(IssuedReportRow.member_id))
        .where(IssuedReportRow.community_id == community_id, IssuedReportRow.code == code)
    )
    return found.first()


async def kudos_received(
    session: AsyncSession,
    *,
    community_id: int,
    member_id: int,
    since: datetime,
    until: datetime,
    limit: int = 3,
) -> tuple[int, Sequence[tuple[str, str]]]:
    """Kudos a member received in a period, and the latest reasons with their givers."""
    where = (
        KudosRow.community_id == community_id,
        KudosRow.receiver_id == member_id,
        col(KudosRow.created_at) >= since,
        col(KudosRow.created_at) < until,
    )
    total = (await session.exec(select(func.count()).select_from(KudosRow).where(*where))).one()
    found = await session.exec(
        select(KudosGroupRow.reason, MemberRow.name)
        .select_from(KudosRow)
        .join(KudosGroupRow, col(KudosGroupRow.id) == col(KudosRow.group_id))
        .join(MemberRow, col(MemberRow.id) == col(KudosRow.giver_id))
        .where(*where)
        .order_by(col(KudosRow.created_at).desc(), col(KudosRow.id).desc())
        .limit(limit)
    )
    return total, found.all()


async def matches_that_led_somewhere(
    session: AsyncSession, *, community_id: int, member_id: int, since: datetime, until: datetime
) -> Sequence[tuple[int, datetime, str]]:
    """Rounds in a period where the member met their match and something came of it."""
    found = await session.exec(
        select(MatchRoundRow.number, MatchRoundRow.started_at, MatchSeatRow.came_of_it)
        .join(MatchGroupRow, col(MatchGroupRow.id) == col(MatchSeatRow.group_id))
        .join(MatchRoundRow, col(MatchRoundRow.id) == col(MatchGroupRow.round_id))
        .where(
            MatchSeatRow.member_id == member_id,
            MatchGroupRow.community_id == community_id,
            MatchSeatRow.answer == "met",
            col(MatchSeatRow.came_of_it).is_not(None),
            col(MatchRoundRow.started_at) >= since,
            col(MatchRoundRow.started_at) < until,
        )
        .order_by(col(MatchRoundRow.started_at).desc())
    )
    return [(number, at, str(came)) for number, at, came in found.all()]


async def active_days(
    session: AsyncSession, *, community_id: int, member_id: int, since: date, until: date
) -> Sequence[date]:
    """The days (community time) a member was active in a period, oldest first."""
    found = await session.exec(
        select(ActiveDayRow.day)
        .where(
            ActiveDayRow.community_id == community_id,
            ActiveDayRow.member_id == member_id,
            col(ActiveDayRow.day) >= since,
            col(ActiveDayRow.day) < until,
        )
        .order_by(col(ActiveDayRow.day))
    )
    return found.all()
