"""Badge standings: every rule metric of members, and the badges rules must not award them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam, case, distinct, func, true, union_all
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import BadgeAwardRow, BadgeEventRow, IntroRow, KudosRow, MemberRow

# Bound parameters per IN list: well under SQLite's limit and kind to Postgres' planner.
CHUNK = 500

MetricValues = dict[str, int | str]
_COUNTED = (
    "intros",
    "kudos_received",
    "kudos_given",
    "distinct_givers",
    "distinct_receivers",
    "spotlights",
)
_SEPARATOR = "\n"  # between badge ids in one aggregated column; TOML keys never hold it


@dataclass(frozen=True)
class Standing:
    """A member's metrics, and the badges rules must not award them (held or revoked)."""

    metrics: MetricValues
    settled: frozenset[str]


async def standings(
    session: AsyncSession,
    *,
    community_id: int,
    member_ids: Collection[int] | None,
    now: datetime,
) -> dict[int, Standing]:
    """Metrics and settled badges of these members (None: current members who aren't bots)."""
    if member_ids is None:
        return await _gather(session, community_id=community_id, now=now, ids=None)
    found: dict[int, Standing] = {}
    for chunk in _chunks(member_ids):
        found.update(await _gather(session, community_id=community_id, now=now, ids=chunk))
    return found


async def metrics(
    session: AsyncSession,
    *,
    community_id: int,
    member_ids: Collection[int] | None,
    now: datetime,
) -> dict[int, MetricValues]:
    """Every rule metric of these members (None: every current member who is not a bot)."""
    found = await standings(session, community_id=community_id, member_ids=member_ids, now=now)
    return {member_id: standing.metrics for member_id, standing in found.items()}


async def _gather(
    session: AsyncSession, *, community_id: int, now: datetime, ids: Sequence[int] | None
) -> dict[int, Standing]:
    params: dict[str, Any] = {"community_id": community_id}
    if ids is not None:
        params["ids"] = list(ids)
    found: dict[int, Standing] = {}
    for row in (await session.exec(_standings_query(ids is not None), params=params)).all():
        member_id, role, active_days, joined_at, settled, *counts = row
        values: MetricValues = dict(zip(_COUNTED, (int(n) for n in counts), strict=True))
        values["active_days"] = active_days
        # No join date (seen before joins were recorded): count from zero.
        values["days_since_join"] = max(0, (now - joined_at).days) if joined_at else 0
        values["role"] = role
        found[member_id] = Standing(values, frozenset((settled or "").split(_SEPARATOR)) - {""})
    return found


@cache
def _standings_query(by_ids: bool) -> Any:
    """One statement for every metric and settled badge, built once with bound parameters."""
    # One statement, built once: the progress listener runs inside a command's write
    # transaction, so every round trip (and every millisecond of Python) holds SQLite's write
    # lock longer. With no id list the GROUP BYs cover the whole community, which beats
    # thousands of bound parameters.
    community = bindparam("community_id", type_=Integer)
    ids = bindparam("ids", expanding=True)

    def only(column: Any) -> Any:
        return col(column).in_(ids) if by_ids else true()

    received = (
        select(
            col(KudosRow.receiver_id).label("member_id"),
            func.count().label("count"),
            func.count(distinct(KudosRow.giver_id)).label("people"),
            func.sum(case((col(KudosRow.spotlight), 1), else_=0)).label("spotlights"),
        )
        .where(col(KudosRow.community_id) == community, only(KudosRow.receiver_id))
        .group_by(KudosRow.receiver_id)
        .subquery()
    )
    given = (
        select(
            col(KudosRow.giver_id).label("member_id"),
            func.count().label("count"),
            func.count(distinct(KudosRow.receiver_id)).label("people"),
        )
        .where(col(KudosRow.community_id) == community, only(KudosRow.giver_id))
        .group_by(KudosRow.giver_id)
        .subquery()
    )
    wrote = (
        select(col(IntroRow.member_id).label("member_id"), func.count().label("count"))
        .where(col(IntroRow.community_id) == community, only(IntroRow.member_id))
        .group_by(IntroRow.member_id)
        .subquery()
    )
    # A revocation sticks until a moderator grants the badge again (which makes it held).
    marks = union_all(
        select(col(BadgeAwardRow.member_id).label("member_id"), col(BadgeAwardRow.badge)).where(
            col(BadgeAwardRow.community_id) == community, only(BadgeAwardRow.member_id)
        ),
        select(BadgeEventRow.member_id, BadgeEventRow.badge).where(
            col(BadgeEventRow.community_id) == community,
            BadgeEventRow.action == "revoke",
            only(BadgeEventRow.member_id),
        ),
    ).subquery()
    closed = (
        select(marks.c.member_id, func.aggregate_strings(marks.c.badge, _SEPARATOR).label("ids"))
        .group_by(marks.c.member_id)
        .subquery()
    )
    people = select(MemberRow).where(col(MemberRow.community_id) == community)
    if by_ids:
        people = people.where(only(MemberRow.id))
    else:
        people = people.where(col(MemberRow.left_at).is_(None), col(MemberRow.is_bot).is_(False))
    member = people.subquery()
    return (
        select(
            member.c.id,
            member.c.role,
            member.c.active_days,
            member.c.joined_at,
            closed.c.ids,
            func.coalesce(wrote.c.count, 0),
            func.coalesce(received.c.count, 0),
            func.coalesce(given.c.count, 0),
            func.coalesce(received.c.people, 0),
            func.coalesce(given.c.people, 0),
            func.coalesce(received.c.spotlights, 0),
        )
        .outerjoin(received, received.c.member_id == member.c.id)
        .outerjoin(given, given.c.member_id == member.c.id)
        .outerjoin(wrote, wrote.c.member_id == member.c.id)
        .outerjoin(closed, closed.c.member_id == member.c.id)
    )


def _chunks(member_ids: Collection[int]) -> list[list[int]]:
    ids = sorted(set(member_ids))
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
