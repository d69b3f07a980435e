"""Queries for lapses: who fell silent against their own rhythm, who came back, who to welcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import Date, and_, case, exists, func, literal, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.members import dialect_insert, insert_or_ignore
from storage.models import LapseRow, MemberRow

MIN_ACTIVE_DAYS = 3  # a one-time visitor is not chased
DRIFT_DAYS = 7  # shorter silences are not worth a moderator's attention, whatever the rhythm
QUIET_DAYS = 7  # the least silence any lapse takes (lapse_min_days is at least this)


@dataclass(frozen=True)
class LapseRule:
    """When a silence is a lapse: longer than `min_days` and `factor` times the usual gap."""

    min_days: int
    factor: int

    def lapsed(self, silence: int, usual_gap: float) -> bool:
        """Whether `silence` days without activity is a lapse for this rhythm."""
        return self.beyond(silence, usual_gap) > 0

    def beyond(self, silence: int, usual_gap: float) -> float:
        """How many days `silence` goes past the longest silence that is not yet a lapse."""
        return silence - max(self.min_days, self.factor * usual_gap)


class Standing(Protocol):
    """What the lapse rule reads of a member: a row, or an activity flush's view of one."""

    @property
    def left_at(self) -> datetime | None: ...
    @property
    def is_bot(self) -> bool: ...
    @property
    def dms_off(self) -> bool: ...
    @property
    def away_until(self) -> datetime | None: ...
    @property
    def active_days(self) -> int: ...
    @property
    def last_active_on(self) -> date | None: ...
    @property
    def last_active_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class Return:
    """A member active again after a lapse: which silence it ended, and when."""

    member_id: int
    since_day: date
    since_at: datetime
    at: datetime


def watched(now: datetime) -> list[Any]:
    """Who can lapse at all: present, human, open to DMs, not paused, more than a visitor."""
    # The same rule as `is_watched`, in SQL for the scan; keep the two together.
    return [
        col(MemberRow.left_at).is_(None),
        col(MemberRow.is_bot).is_(False),
        col(MemberRow.dms_off).is_(False),
        or_(col(MemberRow.away_until).is_(None), col(MemberRow.away_until) <= now),
        col(MemberRow.active_days) >= MIN_ACTIVE_DAYS,
        col(MemberRow.last_active_on).is_not(None),
    ]


def is_watched(member: Standing, now: datetime) -> bool:
    """`watched`, for one row already in hand (the activity flush)."""
    return (
        member.left_at is None
        and not member.is_bot
        and not member.dms_off
        and (member.away_until is None or member.away_until <= now)
        and member.active_days >= MIN_ACTIVE_DAYS
        and member.last_active_on is not None
    )


def silence(session: AsyncSession, today: date) -> Any:
    """Whole days from a member's last active day to `today`, as SQL in the session's dialect."""
    day = literal(today, Date)
    if session.get_bind().dialect.name == "postgresql":
        return day - col(MemberRow.last_active_on)
    return func.julianday(day) - func.julianday(col(MemberRow.last_active_on))


def _recorded() -> Any:
    """A lapse row already stands for the member's current silence."""
    return exists().where(
        LapseRow.community_id == MemberRow.community_id,
        LapseRow.member_id == MemberRow.id,
        LapseRow.since_day == MemberRow.last_active_on,
    )


async def newly_lapsed(
    session: AsyncSession,
    *,
    community_id: int,
    rule: LapseRule,
    today: date,
    now: datetime,
    after_id: int,
    limit: int,
) -> list[MemberRow]:
    """Members whose silence is a lapse not recorded yet, by id after `after_id`: one chunk."""
    found = await session.exec(
        select(MemberRow)
        .where(
            MemberRow.community_id == community_id,
            col(MemberRow.id) > after_id,
            *watched(now),
            col(MemberRow.last_active_on) < today - timedelta(days=rule.min_days),
            silence(session, today) > rule.factor * col(MemberRow.usual_gap),
            ~_recorded(),
        )
        .order_by(col(MemberRow.id))
        .limit(limit)
    )
    return list(found.all())


def since_of(member: Standing) -> datetime:
    """A member's last activity (the start of their last active day if the time isn't known)."""
    assert member.last_active_on is not None
    return member.last_active_at or datetime.combine(member.last_active_on, time(), UTC)


async def record(
    session: AsyncSession,
    *,
    community_id: int,
    members: Sequence[MemberRow],
    now: datetime,
    nudged: bool,
) -> None:
    """Note these members' lapses, nudged now or not (a lapse already noted stays as it was)."""
    rows = [
        {
            "community_id": community_id,
            "member_id": member.id,
            "since_day": member.last_active_on,
            "since_at": since_of(member),
            "noticed_at": now,
            "nudged_at": now if nudged else None,
            "welcome_due": False,
        }
        for member in members
    ]
    if rows:
        connection = await session.connection()
        await connection.execute(insert_or_ignore(session, LapseRow), rows)


async def members(session: AsyncSession, *, ids: Sequence[int]) -> dict[int, MemberRow]:
    """Member rows by id (the few a flush finds back after a long silence)."""
    found = await session.exec(select(MemberRow).where(col(MemberRow.id).in_(list(ids))))
    return {row.id or 0: row for row in found}


async def open_among(
    session: AsyncSession, *, community_id: int, silences: dict[int, date]
) -> set[int]:
    """Which of these members (id → last active day) have that silence noted as a lapse."""
    if not silences:
        return set()
    found = await session.exec(
        select(LapseRow.member_id, LapseRow.since_day).where(
            LapseRow.community_id == community_id,
            col(LapseRow.member_id).in_(list(silences)),
            col(LapseRow.returned_at).is_(None),
        )
    )
    return {member_id for member_id, day in found if silences.get(member_id) == day}


async def mark_returned(session: AsyncSession, *, community_id: int, returns: list[Return]) -> None:
    """End these lapses (noting the ones never noticed), each now due a welcome back."""
    if not returns:
        return
    rows = [
        {
            "community_id": community_id,
            "member_id": back.member_id,
            "since_day": back.since_day,
            "since_at": back.since_at,
            "noticed_at": back.at,
            "returned_at": back.at,
            "welcome_due": True,
        }
        for back in returns
    ]
    statement = dialect_insert(session, LapseRow)
    table = LapseRow.__table__  # type: ignore[attr-defined]
    upsert = statement.on_conflict_do_update(
        index_elements=["community_id", "member_id", "since_day"],
        set_={"returned_at": statement.excluded.returned_at, "welcome_due": True},
        where=table.c.returned_at.is_(None),  # a return already noted is not welcomed twice
    )
    connection = await session.connection()
    await connection.execute(upsert, rows)


async def any_welcome_due(session: AsyncSession) -> bool:
    """Whether anyone, in any community, came back and is still to be welcomed."""
    found = await session.exec(select(LapseRow.id).where(col(LapseRow.welcome_due)).limit(1))
    return found.first() is not None


async def welcomes_due(
    session: AsyncSession, *, community_id: int, limit: int
) -> list[tuple[LapseRow, MemberRow]]:
    """Members of this community back from a lapse and not welcomed yet, first back first."""
    found = await session.exec(
        select(LapseRow, MemberRow)
        .join(MemberRow, col(MemberRow.id) == col(LapseRow.member_id))
        .where(col(LapseRow.welcome_due), LapseRow.community_id == community_id)
        .order_by(col(LapseRow.returned_at), col(LapseRow.id))
        .limit(limit)
    )
    return list(found.all())


async def welcomed(session: AsyncSession, *, lapse_ids: Sequence[int], now: datetime) -> None:
    """Note that these returns were answered (with a welcome back, or on purpose without)."""
    if lapse_ids:
        await session.exec(
            update(LapseRow)
            .where(col(LapseRow.id).in_(list(lapse_ids)))
            .values(welcome_due=False, welcomed_at=now)
        )


@dataclass(frozen=True)
class Quiet:
    """A member silent longer than their usual gap: lapsed or drifting, and whether nudged."""

    member: MemberRow
    lapsed: bool
    nudged_at: datetime | None


async def quiet_page(
    session: AsyncSession,
    *,
    community_id: int,
    rule: LapseRule,
    today: date,
    now: datetime,
    offset: int,
    limit: int,
) -> tuple[int, list[Quiet]]:
    """Lapsed members, then drifting ones, longest silent first; and how many there are."""
    quiet = silence(session, today)
    join = and_(
        LapseRow.community_id == MemberRow.community_id,
        LapseRow.member_id == MemberRow.id,
        LapseRow.since_day == MemberRow.last_active_on,
    )
    lapsed = or_(
        col(LapseRow.id).is_not(None),
        and_(quiet > rule.min_days, quiet > rule.factor * col(MemberRow.usual_gap)),
    )
    where = (
        MemberRow.community_id == community_id,
        *watched(now),
        col(MemberRow.last_active_on) <= today - timedelta(days=DRIFT_DAYS),
        quiet > col(MemberRow.usual_gap),
    )
    base = select(MemberRow.id).outerjoin(LapseRow, join).where(*where)
    total = (await session.exec(select(func.count()).select_from(base.subquery()))).one()
    first = case((lapsed, 0), else_=1)
    found = await session.exec(
        select(MemberRow, first, LapseRow.nudged_at)
        .outerjoin(LapseRow, join)
        .where(*where)
        .order_by(first, col(MemberRow.last_active_on), col(MemberRow.id))
        .offset(offset)
        .limit(limit)
    )
    return total, [Quiet(row, rank == 0, nudged) for row, rank, nudged in found.all()]
