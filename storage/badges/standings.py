"""Badge standings: every rule metric of members, and the badges rules must not award them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from sqlalchemy import Integer, bindparam, func, true, union_all
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import BadgeAwardRow, BadgeEventRow, MemberRow

# Bound parameters per IN list: well under SQLite's limit and kind to Postgres' planner.
CHUNK = 500

MetricValues = dict[str, int | str]


class Counted(Protocol):
    """A badge metric as standings need it (bot.metrics.Metric is one)."""

    @property
    def name(self) -> str: ...
    @property
    def tally(self) -> Callable[[Any, Callable[[Any], Any]], Any] | None: ...
    @property
    def column(self) -> str: ...
    @property
    def finish(self) -> Callable[[Any, datetime], int | str] | None: ...


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
    metrics: Sequence[Counted],
) -> dict[int, Standing]:
    """Metrics and settled badges of these members (None: current members who aren't bots)."""
    where = {"community_id": community_id, "now": now, "metrics": tuple(metrics)}
    if member_ids is None:
        return await _gather(session, **where, ids=None)
    found: dict[int, Standing] = {}
    for chunk in _chunks(member_ids):
        found.update(await _gather(session, **where, ids=chunk))
    return found


async def metrics(
    session: AsyncSession,
    *,
    community_id: int,
    member_ids: Collection[int] | None,
    now: datetime,
    metrics: Sequence[Counted],
) -> dict[int, MetricValues]:
    """Every rule metric of these members (None: every current member who is not a bot)."""
    found = await standings(
        session, community_id=community_id, member_ids=member_ids, now=now, metrics=metrics
    )
    return {member_id: standing.metrics for member_id, standing in found.items()}


async def _gather(
    session: AsyncSession,
    *,
    community_id: int,
    now: datetime,
    metrics: tuple[Counted, ...],
    ids: Sequence[int] | None,
) -> dict[int, Standing]:
    params: dict[str, Any] = {"community_id": community_id}
    if ids is not None:
        params["ids"] = list(ids)
    found: dict[int, Standing] = {}
    query = _standings_query(ids is not None, metrics)
    for member_id, settled, *counts in (await session.exec(query, params=params)).all():
        values: MetricValues = {
            metric.name: metric.finish(raw, now) if metric.finish else _plain(raw)
            for metric, raw in zip(metrics, counts, strict=True)
        }
        found[member_id] = Standing(values, frozenset((settled or "").split(_SEPARATOR)) - {""})
    return found


def _plain(raw: Any) -> int | str:
    return raw if isinstance(raw, str) else int(raw or 0)


@cache
def _standings_query(by_ids: bool, metrics: tuple[Counted, ...]) -> Any:
    """One statement for every metric and settled badge, built once with bound parameters."""
    # One statement, built once: the progress listener runs inside a command's write
    # transaction, so every round trip (and every millisecond of Python) holds SQLite's write
    # lock longer. With no id list the GROUP BYs cover the whole community, which beats
    # thousands of bound parameters. Each feature's tally is one grouped pass, joined once.
    community = bindparam("community_id", type_=Integer)
    ids = bindparam("ids", expanding=True)

    def only(column: Any) -> Any:
        return col(column).in_(ids) if by_ids else true()

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
    tallies: dict[Any, Any] = {}
    for metric in metrics:
        if metric.tally is not None and metric.tally not in tallies:
            tallies[metric.tally] = metric.tally(community, only).subquery()
    values = [
        member.c[m.column] if m.tally is None else tallies[m.tally].c[m.column] for m in metrics
    ]
    query = select(member.c.id, closed.c.ids, *values)
    for tally in tallies.values():
        query = query.outerjoin(tally, tally.c.member_id == member.c.id)
    return query.outerjoin(closed, closed.c.member_id == member.c.id)


def _chunks(member_ids: Collection[int]) -> list[list[int]]:
    ids = sorted(set(member_ids))
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
