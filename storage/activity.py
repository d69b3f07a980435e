"""Applying buffered activity: last-active times, active days and rhythm, returns from a lapse."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import bindparam, delete, insert, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import lapses
from storage.lapses import LapseRule, Return
from storage.members import insert_or_ignore
from storage.models import ActiveDayRow, ErasedMemberRow, MemberRow
from storage.rhythm import gap_of, recent_gaps

_CHUNK = 500  # stays under SQLite's bound-parameter limit in the IN (...) lookups
# How long an erased member's fence stands: far longer than any buffer waits for its flush.
FENCE_KEEP = timedelta(days=1)
# The member columns every flush reads: plain values, cheap for thousands of members at once.
_SEEN = (
    MemberRow.id,
    MemberRow.external_id,
    MemberRow.last_active_on,
    MemberRow.active_days,
    MemberRow.usual_gap,
)


def quarter(at: datetime) -> datetime:
    """The quarter-hour a moment falls in."""
    # Every time zone's offset is a whole number of quarter-hours, so a local midnight always
    # falls on one: keeping quarters, not moments, loses no local day, in any zone.
    return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)


@dataclass(frozen=True)
class Seen:
    """A stored member as a flush reads them (the columns in `_SEEN`, in order)."""

    id: int
    external_id: str
    last_active_on: date | None
    active_days: int
    usual_gap: float


@dataclass
class Activity:
    """What one member did since the last flush."""

    community_id: int
    external_id: str
    name: str
    last_at: datetime
    quarters: set[datetime] = field(default_factory=set)  # UTC quarter-hours they were active


@dataclass(frozen=True)
class Local:
    """How a community counts days: its time zone, and its lapse rule (None: welcome back off)."""

    zone: tzinfo = UTC
    lapse: LapseRule | None = None

    def days(self, quarters: set[datetime]) -> list[date]:
        """The community's local days these quarter-hours fall on, in order."""
        if len(quarters) == 1:  # the usual case between two flushes, kept cheap
            return [next(iter(quarters)).astimezone(self.zone).date()]
        return sorted({moment.astimezone(self.zone).date() for moment in quarters})


async def apply(
    session: AsyncSession,
    *,
    entries: Iterable[Activity],
    default_role: str,
    local: Mapping[int, Local] | None = None,
) -> int:
    """Record activity: create unseen members, move last-active times, count new active days."""
    by_community: dict[int, dict[str, Activity]] = {}
    for entry in entries:
        by_community.setdefault(entry.community_id, {})[entry.external_id] = entry
    changed = 0
    for community_id, batch in by_community.items():
        rules = (local or {}).get(community_id, Local())
        changed += await _apply_community(session, community_id, batch, default_role, rules)
    return changed


async def _apply_community(
    session: AsyncSession,
    community_id: int,
    batch: dict[str, Activity],
    default_role: str,
    local: Local,
) -> int:
    known = await _known_members(session, community_id, list(batch))
    # Read after the members are locked: an erasure that committed meanwhile has its fence seen.
    batch = await _unfenced(session, community_id, batch)
    inserts, moved, days_of = [], [], {}
    for external_id, entry in batch.items():
        days = local.days(entry.quarters)
        found = known.get(external_id)
        if found is None:
            inserts.append(_new_member(community_id, entry, days, default_role))
            days_of[external_id] = days
            continue
        last_on = found.last_active_on
        new = [day for day in days if last_on is None or day > last_on]
        moved.append((found, entry, new))
    connection = await session.connection()
    if inserts:
        # One batched INSERT … RETURNING (SQLAlchemy's insertmanyvalues), not one per member.
        statement = insert(MemberRow).returning(col(MemberRow.id), col(MemberRow.external_id))
        created = await connection.execute(statement, inserts)
        await _add_days(session, community_id, {i: days_of[e] for i, e in created})
    renewed = {found.id: new for found, _, new in moved if new}
    await _add_days(session, community_id, renewed)
    gaps = await recent_gaps(session, community_id=community_id, member_ids=list(renewed))
    await _note_returns(session, community_id, moved, local)
    if moved:
        statement = (
            update(MemberRow)
            .where(col(MemberRow.id) == bindparam("member_id"))
            .values(
                last_active_at=bindparam("at"),
                last_active_on=bindparam("on"),
                active_days=bindparam("days"),
                usual_gap=bindparam("gap"),
            )
        )
        await connection.execute(statement, [_moved(f, e, n, gaps) for f, e, n in moved])
    return len(batch)


def _new_member(community_id: int, entry: Activity, days: list[date], role: str) -> dict:
    return {
        "community_id": community_id,
        "external_id": entry.external_id,
        "name": entry.name[:100],
        "role": role,
        "is_bot": False,
        "last_active_at": entry.last_at,
        "last_active_on": days[-1],
        "active_days": len(days),
        "usual_gap": gap_of(len(days), days[0], days[-1]),
    }


def _moved(
    found: Seen, entry: Activity, new: list[date], gaps: dict[int, float]
) -> dict[str, object]:
    return {
        "member_id": found.id,
        "at": entry.last_at,
        "on": new[-1] if new else found.last_active_on,
        "days": found.active_days + len(new),
        # Too little history in the table (a member from before it) keeps the gap it had.
        "gap": gaps.get(found.id, found.usual_gap),
    }


async def _add_days(session: AsyncSession, community_id: int, days: dict[int, list[date]]) -> None:
    rows = [
        {"community_id": community_id, "member_id": member_id, "day": day}
        for member_id, member_days in days.items()
        for day in member_days
    ]
    if rows:
        connection = await session.connection()
        await connection.execute(insert_or_ignore(session, ActiveDayRow), rows)


async def _note_returns(
    session: AsyncSession,
    community_id: int,
    moved: list[tuple[Seen, Activity, list[date]]],
    local: Local,
) -> None:
    """A member back after a lapse (noticed by the scan or not) is owed one welcome back."""
    # Only a silence longer than any lapse rule's least can be one: most flushes stop here.
    long_quiet = [
        (found, entry, new)
        for found, entry, new in moved
        if new and found.last_active_on and (new[0] - found.last_active_on).days > lapses.QUIET_DAYS
    ]
    for start in range(0, len(long_quiet), _CHUNK):
        await _returns_among(session, community_id, long_quiet[start : start + _CHUNK], local)


async def _returns_among(
    session: AsyncSession,
    community_id: int,
    long_quiet: list[tuple[Seen, Activity, list[date]]],
    local: Local,
) -> None:
    silences = {found.id: found.last_active_on for found, _, _ in long_quiet}
    noticed = await lapses.open_among(session, community_id=community_id, silences=silences)
    rows = await lapses.members(session, ids=list(silences))
    returns = []
    for found, entry, new in long_quiet:
        row = rows[found.id]
        assert row.last_active_on is not None
        quiet = (new[0] - row.last_active_on).days
        rule = local.lapse
        by_rule = (
            rule is not None
            and lapses.is_watched(row, entry.last_at)
            and rule.lapsed(quiet, row.usual_gap)
        )
        if found.id in noticed or by_rule:
            since = lapses.since_of(row)
            returns.append(Return(found.id, row.last_active_on, since, entry.last_at))
    await lapses.mark_returned(session, community_id=community_id, returns=returns)


async def _known_members(
    session: AsyncSession, community_id: int, external_ids: list[str]
) -> dict[str, Seen]:
    known: dict[str, Seen] = {}
    # Locked (on Postgres) until the flush commits, so an erasure in another process waits for
    # it and then erases what it wrote; in one order, so two flushes never deadlock.
    external_ids = sorted(external_ids)
    for start in range(0, len(external_ids), _CHUNK):
        chunk = external_ids[start : start + _CHUNK]
        rows = await session.exec(
            select(*_SEEN)
            .where(MemberRow.community_id == community_id, col(MemberRow.external_id).in_(chunk))
            .order_by(col(MemberRow.external_id))
            .with_for_update(key_share=True)
        )
        for row in rows:
            known[row.external_id] = Seen(*row)
    return known


def digest_of(community_id: int, external_id: str) -> str:
    """How a fence names a member: a hash, so it never holds their platform id."""
    return hashlib.sha256(f"{community_id}:{external_id}".encode()).hexdigest()


async def fence(
    session: AsyncSession, *, community_id: int, external_id: str, now: datetime
) -> None:
    """Keep activity a member had before this erasure, buffered in any process, out of the table."""
    digest = digest_of(community_id, external_id)
    # Fences past their time go with each new one: the table holds a day's erasures at most.
    stale = or_(col(ErasedMemberRow.erased_at) < now - FENCE_KEEP, ErasedMemberRow.digest == digest)
    await session.exec(
        delete(ErasedMemberRow).where(ErasedMemberRow.community_id == community_id, stale)  # type: ignore[call-overload]
    )
    session.add(ErasedMemberRow(community_id=community_id, digest=digest, erased_at=now))
    await session.flush()


async def _unfenced(
    session: AsyncSession, community_id: int, batch: dict[str, Activity]
) -> dict[str, Activity]:
    """The batch without what erased members did before their erasure."""
    found = await session.exec(
        select(ErasedMemberRow.digest, ErasedMemberRow.erased_at).where(
            ErasedMemberRow.community_id == community_id
        )
    )
    fences = dict(found.all())
    if not fences:  # the usual case: nobody was erased lately
        return batch
    kept = {}
    for external_id, entry in batch.items():
        erased_at = fences.get(digest_of(community_id, external_id))
        after = entry if erased_at is None else _after(entry, erased_at)
        if after is not None:
            kept[external_id] = after
    return kept


def _after(entry: Activity, erased_at: datetime) -> Activity | None:
    """What a member did after being erased, as someone new (None: nothing)."""
    if entry.last_at <= erased_at:
        return None
    # A quarter-hour the erasure fell in may hold activity from before it: only its last moment,
    # which came after, is kept.
    quarters = {moment for moment in entry.quarters if moment > erased_at}
    return Activity(
        entry.community_id,
        entry.external_id,
        entry.name,
        entry.last_at,
        quarters or {quarter(entry.last_at)},
    )
