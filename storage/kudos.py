"""Queries for kudos: giving (with running tallies), allowances, leaderboards and history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import case, distinct, func, insert, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.members import dialect_insert
from storage.models import KudosGroupRow, KudosRow, KudosTallyRow, MemberRow

Period = Literal["week", "month", "year", "all"]
PERIODS: tuple[Period, ...] = ("week", "month", "year", "all")
EVER = date(1970, 1, 1)  # the start of the "all" period


def period_start(period: Period, day: date) -> date:
    """The first day of the period that contains `day` (weeks start on Monday)."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "year":
        return day.replace(month=1, day=1)
    return EVER


async def give(
    session: AsyncSession,
    *,
    community_id: int,
    giver_id: int,
    receiver_ids: Sequence[int],
    reason: str,
    spotlight: bool,
    now: datetime,
    local_day: date,
    plus_one_of: int | None = None,
) -> KudosGroupRow:
    """Record one act of thanks to several members, and move every tally it touches."""
    group = KudosGroupRow(
        community_id=community_id,
        giver_id=giver_id,
        reason=reason,
        spotlight=spotlight,
        plus_one_of=plus_one_of,
        created_at=now,
    )
    session.add(group)
    await session.flush()
    rows = [
        {
            "community_id": community_id,
            "group_id": group.id,
            "giver_id": giver_id,
            "receiver_id": receiver,
            "spotlight": spotlight,
            "created_at": now,
        }
        for receiver in receiver_ids
    ]
    connection = await session.connection()
    await connection.execute(insert(KudosRow), rows)
    await _add_to_tallies(session, community_id, giver_id, receiver_ids, local_day)
    return group


async def _add_to_tallies(
    session: AsyncSession,
    community_id: int,
    giver_id: int,
    receiver_ids: Sequence[int],
    day: date,
) -> None:
    # One statement for every period of the giver and each receiver: counts only ever grow
    # by addition, so concurrent kudos can't lose an increment.
    rows: dict[tuple[str, date, int], dict[str, Any]] = {}
    for period in PERIODS:
        start = period_start(period, day)
        for member, received, given in [(giver_id, 0, len(receiver_ids))] + [
            (receiver, 1, 0) for receiver in receiver_ids
        ]:
            key = (period, start, member)
            row = rows.setdefault(
                key,
                {
                    "community_id": community_id,
                    "period": period,
                    "start": start,
                    "member_id": member,
                    "received": 0,
                    "given": 0,
                },
            )
            row["received"] += received
            row["given"] += given
    # Rows in one fixed order (period, start, member): Postgres locks them in the order given,
    # so two kudos naming the same people in another order would otherwise deadlock.
    ordered = [rows[key] for key in sorted(rows)]
    statement = dialect_insert(session, KudosTallyRow).values(ordered)
    table = KudosTallyRow.__table__  # type: ignore[attr-defined]
    await session.exec(
        statement.on_conflict_do_update(
            index_elements=["community_id", "period", "start", "member_id"],
            set_={
                "received": table.c.received + statement.excluded.received,
                "given": table.c.given + statement.excluded.given,
            },
        )
    )


@dataclass(frozen=True)
class Given:
    """What a member gave since a moment, split the way the daily limits count it."""

    plain: int  # people thanked with ordinary kudos: what the allowance counts
    by_receiver: dict[int, int]  # ordinary kudos per person: what the same-person rule counts
    spotlights: int  # people spotlighted: outside both, under their own cap


async def given_since(
    session: AsyncSession, *, community_id: int, giver_id: int, since: datetime
) -> Given:
    """Since a moment: how many a member thanked (ordinary and spotlights), and each how often."""
    # One query for every daily limit: the allowance, the same-person rule, the spotlight cap.
    plain = func.sum(case((col(KudosRow.spotlight), 0), else_=1))
    found = await session.exec(
        select(KudosRow.receiver_id, plain, func.count())
        .where(
            KudosRow.community_id == community_id,
            KudosRow.giver_id == giver_id,
            col(KudosRow.created_at) >= since,
        )
        .group_by(KudosRow.receiver_id)
    )
    rows = [(receiver, int(ordinary or 0), int(every)) for receiver, ordinary, every in found]
    return Given(
        plain=sum(ordinary for _, ordinary, _ in rows),
        by_receiver={receiver: ordinary for receiver, ordinary, _ in rows if ordinary},
        spotlights=sum(every - ordinary for _, ordinary, every in rows),
    )


async def group_of(
    session: AsyncSession, *, community_id: int, group_id: int
) -> KudosGroupRow | None:
    """A kudos post by its id, in this community only."""
    group = await session.get(KudosGroupRow, group_id)
    return group if group is not None and group.community_id == community_id else None


async def recipients(session: AsyncSession, *, group_id: int) -> list[MemberRow]:
    """The members a kudos post thanked."""
    found = await session.exec(
        select(MemberRow)
        .join(KudosRow, col(KudosRow.receiver_id) == col(MemberRow.id))
        .where(KudosRow.group_id == group_id)
        .order_by(KudosRow.id)
    )
    return list(found.all())


async def joined_already(session: AsyncSession, *, group_id: int, giver_id: int) -> bool:
    """Whether a member already added their +1 to a kudos post."""
    found = await session.exec(
        select(KudosGroupRow.id).where(
            KudosGroupRow.plus_one_of == group_id, KudosGroupRow.giver_id == giver_id
        )
    )
    return found.first() is not None


@dataclass(frozen=True)
class Standing:
    """One line of a leaderboard."""

    member_id: int
    name: str
    count: int
    left: bool = False  # they left the community; their thanks still count


async def leaderboard(
    session: AsyncSession,
    *,
    community_id: int,
    period: Period,
    start: date,
    by: Literal["received", "given"],
    offset: int,
    limit: int,
) -> tuple[int, list[Standing]]:
    """Members ranked by kudos received or given in a period, and how many are ranked."""
    count = col(KudosTallyRow.received) if by == "received" else col(KudosTallyRow.given)
    where = (
        KudosTallyRow.community_id == community_id,
        KudosTallyRow.period == period,
        KudosTallyRow.start == start,
        count > 0,
    )
    total = (await session.exec(select(func.count()).where(*where))).one()
    found = await session.exec(
        select(KudosTallyRow.member_id, MemberRow.name, count, MemberRow.left_at)
        .join(MemberRow, col(MemberRow.id) == col(KudosTallyRow.member_id))
        .where(*where)
        .order_by(count.desc(), func.lower(MemberRow.name))
        .offset(offset)
        .limit(limit)
    )
    rows = found.all()
    return total, [Standing(member, name, n, left is not None) for member, name, n, left in rows]


async def tally(
    session: AsyncSession, *, community_id: int, member_id: int, period: Period, start: date
) -> tuple[int, int]:
    """A member's kudos received and given in a period."""
    row = await session.get(KudosTallyRow, (community_id, period, start, member_id))
    return (row.received, row.given) if row else (0, 0)


@dataclass(frozen=True)
class Entry:
    """One line of a member's kudos history."""

    received: bool
    other: str
    reason: str
    spotlight: bool
    at: datetime
    other_left: bool = False  # the other member has left the community


async def history(
    session: AsyncSession, *, community_id: int, member_id: int, offset: int, limit: int
) -> tuple[int, list[Entry]]:
    """Kudos a member received and gave, newest first."""
    mine = or_(col(KudosRow.receiver_id) == member_id, col(KudosRow.giver_id) == member_id)
    where = (KudosRow.community_id == community_id, mine)
    total = (await session.exec(select(func.count()).where(*where))).one()
    other = case(
        (col(KudosRow.receiver_id) == member_id, col(KudosRow.giver_id)),
        else_=col(KudosRow.receiver_id),
    )
    found = await session.exec(
        select(KudosRow, KudosGroupRow.reason, MemberRow.name, MemberRow.left_at)
        .join(KudosGroupRow, col(KudosGroupRow.id) == col(KudosRow.group_id))
        .join(MemberRow, col(MemberRow.id) == other)
        .where(*where)
        .order_by(col(KudosRow.created_at).desc(), col(KudosRow.id).desc())
        .offset(offset)
        .limit(limit)
    )
    entries = [
        Entry(
            row.receiver_id == member_id,
            name,
            reason,
            row.spotlight,
            row.created_at,
            gone is not None,
        )
        for row, reason, name, gone in found.all()
    ]
    return total, entries


async def received_since(
    session: AsyncSession, *, community_id: int, member_id: int, since: datetime, limit: int = 5
) -> tuple[int, int, list[str]]:
    """Since a moment: thanks a member received, from how many people, and the first givers."""
    where = (
        KudosRow.community_id == community_id,
        KudosRow.receiver_id == member_id,
        col(KudosRow.created_at) >= since,
    )
    counted = select(func.count(), func.count(func.distinct(KudosRow.giver_id))).where(*where)
    count, givers = (await session.exec(counted)).one()
    if not count:
        return 0, 0, []
    found = await session.exec(
        select(MemberRow.name)
        .join(KudosRow, col(KudosRow.giver_id) == col(MemberRow.id))
        .where(*where)
        .group_by(col(MemberRow.id), col(MemberRow.name))
        .order_by(func.min(KudosRow.created_at))
        .limit(limit)
    )
    return count, givers, list(found.all())


@dataclass(frozen=True)
class Thanks:
    """One /kudos (or spotlight) of a period: who thanked whom, for what."""

    giver: str
    receivers: list[str]
    reason: str
    spotlight: bool
    giver_id: int
    receiver_ids: list[int]


async def thanks_between(
    session: AsyncSession, *, community_id: int, since: datetime, until: datetime, limit: int = 5
) -> tuple[int, list[Thanks]]:
    """Kudos given in [since, until): how many, and the latest few thanks (+1s aside)."""
    where = (
        KudosGroupRow.community_id == community_id,
        col(KudosGroupRow.created_at) >= since,
        col(KudosGroupRow.created_at) < until,
    )
    in_period = select(KudosGroupRow.id).where(*where)
    counted = select(func.count()).where(col(KudosRow.group_id).in_(in_period))
    count = (await session.exec(counted)).one()
    if not count:
        return 0, []
    groups = (
        await session.exec(
            select(KudosGroupRow, MemberRow.name)
            .join(MemberRow, col(MemberRow.id) == col(KudosGroupRow.giver_id))
            .where(*where, col(KudosGroupRow.plus_one_of).is_(None))
            .order_by(col(KudosGroupRow.created_at).desc(), col(KudosGroupRow.id).desc())
            .limit(limit)
        )
    ).all()
    names: dict[int, list[str]] = {group.id or 0: [] for group, _ in groups}
    ids: dict[int, list[int]] = {group_id: [] for group_id in names}
    found = await session.exec(
        select(KudosRow.group_id, MemberRow.name, KudosRow.receiver_id)
        .join(MemberRow, col(MemberRow.id) == col(KudosRow.receiver_id))
        .where(col(KudosRow.group_id).in_(names))
        .order_by(col(KudosRow.id))
    )
    for group_id, name, receiver_id in found.all():
        names[group_id].append(name)
        ids[group_id].append(receiver_id)
    thanks = [
        Thanks(
            giver,
            names[group.id or 0],
            group.reason,
            group.spotlight,
            group.giver_id,
            ids[group.id or 0],
        )
        for group, giver in groups
    ]
    return count, thanks


def received_tally(community: Any, only: Callable[[Any], Any]) -> Any:
    """Per receiver: kudos, distinct givers and spotlights, for the badge metrics."""
    return (
        select(
            col(KudosRow.receiver_id).label("member_id"),
            func.count().label("count"),
            func.count(distinct(KudosRow.giver_id)).label("people"),
            func.sum(case((col(KudosRow.spotlight), 1), else_=0)).label("spotlights"),
        )
        .where(col(KudosRow.community_id) == community, only(KudosRow.receiver_id))
        .group_by(KudosRow.receiver_id)
    )


def given_tally(community: Any, only: Callable[[Any], Any]) -> Any:
    """Per giver: kudos and distinct receivers, for the badge metrics."""
    return (
        select(
            col(KudosRow.giver_id).label("member_id"),
            func.count().label("count"),
            func.count(distinct(KudosRow.receiver_id)).label("people"),
        )
        .where(col(KudosRow.community_id) == community, only(KudosRow.giver_id))
        .group_by(KudosRow.giver_id)
    )
