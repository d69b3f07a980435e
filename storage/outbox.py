"""The outbox's queries: queue in the caller's transaction, pick what is due, record outcomes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import String, bindparam, column, exists, func, insert, or_, table, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CommunityRow, MemberRow, OutboxRow

PENDING, SENT, REFUSED, SKIPPED, FAILED = "pending", "sent", "refused", "skipped", "failed"
# Ids or keys per IN (...): SQLite and asyncpg both cap a statement's parameters (32,766).
CHUNK = 1_000

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """The items in runs of at most `size`, so no statement carries too many parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def queue(session: AsyncSession, *, rows: Sequence[OutboxRow]) -> list[OutboxRow]:
    """Add rows to the outbox; a row whose key was queued before is dropped. The rows kept."""
    keys = list({row.key for row in rows if row.key})
    seen: set[str] = set()
    for part in chunks(keys):
        found = await session.exec(select(OutboxRow.key).where(col(OutboxRow.key).in_(part)))
        seen.update(key for key in found if key)
    kept = []
    for row in rows:
        if row.key and row.key in seen:
            continue  # said once already: the key is the promise
        if row.key:
            seen.add(row.key)
        session.add(row)
        kept.append(row)
    await session.flush()
    return kept


async def queue_values(
    session: AsyncSession, *, rows: Sequence[dict[str, Any]]
) -> list[OutboxRow | None]:
    """Add rows, given as column values, in one statement; None where a key was queued before."""
    # A job's 10,000 DMs go in at once, without building (and validating) an ORM object each.
    keys = list({row["key"] for row in rows if row.get("key")})
    seen: set[str] = set()
    for part in chunks(keys):
        found = await session.exec(select(OutboxRow.key).where(col(OutboxRow.key).in_(part)))
        seen.update(key for key in found if key)
    kept: list[dict[str, Any]] = []
    placed: list[int | None] = []
    for row in rows:
        key = row.get("key")
        if key and key in seen:
            placed.append(None)  # said once already: the key is the promise
            continue
        if key:
            seen.add(key)
        placed.append(len(kept))
        kept.append(row)
    if not kept:
        return [None] * len(rows)
    # One statement (batches of them for a job's thousands), the rows coming back with it.
    # Nulls are written as nulls, so rows that differ in which columns are empty still go
    # together; with no order asked of RETURNING, SQLAlchemy needn't split it row by row.
    options = {"render_nulls": True}
    found = await session.exec(_QUEUE, params=kept, execution_options=options)  # type: ignore[call-overload]
    made = {row.handle: row for row in found.scalars()}
    return [None if at is None else made[kept[at]["handle"]] for at in placed]


_QUEUE = insert(OutboxRow).returning(OutboxRow)  # built once: every command with a reply runs it


def _pending_for(platforms: Sequence[str]) -> Any:
    return (
        select(OutboxRow)
        .join(CommunityRow, col(CommunityRow.id) == OutboxRow.community_id)
        .where(OutboxRow.status == PENDING, col(CommunityRow.platform).in_(platforms))
    )


async def due(
    session: AsyncSession, *, now: datetime, limit: int, platforms: Sequence[str]
) -> list[OutboxRow]:
    """Pending rows for these platforms whose time has come: replies first, then the oldest."""
    query = _pending_for(platforms).where(col(OutboxRow.not_before) <= now)
    query = query.order_by(col(OutboxRow.unsolicited), col(OutboxRow.id)).limit(limit)
    return list((await session.exec(query)).all())


def _claimable(now: datetime, by: str) -> Any:
    # Unclaimed, or the claim ran out (its sender died mid-send), or already this sender's.
    return or_(
        col(OutboxRow.claimed_until).is_(None),
        col(OutboxRow.claimed_until) <= now,
        col(OutboxRow.claimed_by) == by,
    )


async def claim(
    session: AsyncSession,
    *,
    now: datetime,
    until: datetime,
    by: str,
    limit: int,
    platforms: Sequence[str],
) -> list[OutboxRow]:
    """Claim for sender `by` the due rows nobody else holds: replies first, then the oldest."""
    chosen = (
        _pending_for(platforms)
        .with_only_columns(col(OutboxRow.id))
        .where(col(OutboxRow.not_before) <= now, _claimable(now, by))
        .order_by(col(OutboxRow.unsolicited), col(OutboxRow.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Rows another sender is claiming this instant are passed over, not waited for.
        chosen = chosen.with_for_update(skip_locked=True, of=OutboxRow.__table__)  # type: ignore[arg-type]
    statement = (
        update(OutboxRow)
        # The conditions again: a row claimed meanwhile is left out, not taken twice.
        .where(col(OutboxRow.id).in_(chosen), OutboxRow.status == PENDING, _claimable(now, by))
        .values(claimed_by=by, claimed_until=until)
        .returning(OutboxRow)
        .execution_options(synchronize_session=False)
    )
    rows = list((await session.exec(statement)).scalars())  # type: ignore[call-overload]
    return sorted(rows, key=lambda row: (row.unsolicited, row.id))


async def unclaim_all(session: AsyncSession) -> int:
    """Let every claim go (one process alone on its database, at start-up); how many."""
    statement = (
        update(OutboxRow)
        .where(col(OutboxRow.claimed_by).is_not(None), OutboxRow.status == PENDING)
        .values(claimed_by=None, claimed_until=None)
    )
    return (await session.exec(statement)).rowcount  # type: ignore[call-overload,no-any-return]


async def unclaim_gone(session: AsyncSession) -> int:
    """Let go the claims of senders whose process has no Postgres session left; how many."""
    # A sender's claim starts with its process's name, which each of that process's sessions
    # carries as application_name: with none left, the process died (kill -9, a lost machine),
    # and its rows need not wait for their claims to run out. A live process always keeps its
    # leader connection open; one cut off from the database for a moment may see a row resent,
    # which Discord drops by its nonce.
    sessions = table("pg_stat_activity", column("application_name", String))
    name = sessions.c.application_name
    alive = exists().where(name != "", col(OutboxRow.claimed_by).like(name.concat(":%")))
    statement = (
        update(OutboxRow)
        .where(OutboxRow.status == PENDING, col(OutboxRow.claimed_by).is_not(None), ~alive)
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return (await session.exec(statement)).rowcount  # type: ignore[call-overload,no-any-return]


async def next_due(
    session: AsyncSession, *, platforms: Sequence[str], after: datetime | None = None
) -> datetime | None:
    """When the earliest pending row for these platforms may go (later than `after`), or None."""
    query = (
        select(OutboxRow.not_before)
        .join(CommunityRow, col(CommunityRow.id) == OutboxRow.community_id)
        .where(OutboxRow.status == PENDING, col(CommunityRow.platform).in_(platforms))
    )
    if after is not None:
        query = query.where(col(OutboxRow.not_before) > after)
    return (await session.exec(query.order_by(col(OutboxRow.not_before)).limit(1))).first()


async def by_handles(session: AsyncSession, *, handles: Iterable[str]) -> dict[str, OutboxRow]:
    """Rows by their handles (an edit's target, a cog's stored reference)."""
    found: dict[str, OutboxRow] = {}
    for part in chunks(list(set(handles))):
        rows = await session.exec(select(OutboxRow).where(col(OutboxRow.handle).in_(part)))
        found.update((row.handle, row) for row in rows)
    return found


async def newest_edits(session: AsyncSession, *, targets: Iterable[str]) -> dict[str, int]:
    """The id of the newest pending edit of each message: only that one need be sent."""
    found: dict[str, int] = {}
    for part in chunks(list(set(targets))):
        query = (
            select(OutboxRow.target, func.max(OutboxRow.id))
            .where(
                OutboxRow.kind == "edit",
                OutboxRow.status == PENDING,
                col(OutboxRow.target).in_(part),
            )
            .group_by(col(OutboxRow.target))
        )
        found.update((target, newest) for target, newest in await session.exec(query) if target)
    return found


async def members_of(session: AsyncSession, *, ids: Iterable[int]) -> dict[int, MemberRow]:
    """The members some DMs are for, to check their preferences in one query."""
    found: dict[int, MemberRow] = {}
    for part in chunks(list(set(ids))):
        rows = await session.exec(select(MemberRow).where(col(MemberRow.id).in_(part)))
        found.update((row.id, row) for row in rows if row.id is not None)
    return found


async def standings_of(session: AsyncSession, *, ids: Iterable[int]) -> dict[int, Any]:
    """What decides whether unsolicited DMs may reach these members, by id: no ORM objects."""
    # A job queueing 10,000 DMs reads four columns of 10,000 members, not 10,000 whole rows.
    found: dict[int, Any] = {}
    columns = (
        MemberRow.id,
        MemberRow.left_at,
        MemberRow.is_bot,
        MemberRow.dms_off,
        MemberRow.away_until,
    )
    for part in chunks(list(set(ids))):
        rows = await session.exec(select(*columns).where(col(MemberRow.id).in_(part)))
        found.update((row.id, row) for row in rows)
    return found


@dataclass(frozen=True)
class Result:
    """What became of one row's turn: an attempt, a skip, or a wait for its edit's target."""

    id: int
    status: str
    ref: str | None = None
    outcome: str = ""
    not_before: datetime | None = None  # a retry's time
    tried: bool = True  # False when nothing was sent (a wait): it spends no attempt


# Each statement runs once per row (executemany): a batch's outcomes in one round trip each,
# whatever its size, and never more than a handful of parameters per statement.
_FINISH = (
    update(OutboxRow)
    .where(col(OutboxRow.id) == bindparam("row_id"))
    .values(
        status=bindparam("new_status"),
        ref=bindparam("new_ref"),
        outcome=bindparam("new_outcome"),
        attempts=OutboxRow.attempts + bindparam("tries"),
        sent_at=bindparam("done_at"),
        claimed_by=None,
        claimed_until=None,
    )
)
_RETRY = (
    update(OutboxRow)
    .where(col(OutboxRow.id) == bindparam("row_id"))
    .values(
        outcome=bindparam("new_outcome"),
        attempts=OutboxRow.attempts + bindparam("tries"),
        not_before=bindparam("retry_at"),
        claimed_by=None,  # whichever sender comes first retries it
        claimed_until=None,
    )
)


async def record(session: AsyncSession, *, results: Sequence[Result], now: datetime) -> None:
    """Write the outcomes of a batch of turns: one statement for the finished, one for the rest."""
    finished = [
        {
            "row_id": r.id,
            "new_status": r.status,
            "new_ref": r.ref,
            "new_outcome": r.outcome,
            "tries": int(r.tried),
            "done_at": now,
        }
        for r in results
        if r.status != PENDING
    ]
    retried = [
        {
            "row_id": r.id,
            "new_outcome": r.outcome,
            "tries": int(r.tried),
            "retry_at": r.not_before or now,
        }
        for r in results
        if r.status == PENDING
    ]
    connection = await session.connection()
    for statement, params in ((_FINISH, finished), (_RETRY, retried)):
        if params:
            await connection.execute(statement, params)


async def pending_count(session: AsyncSession, *, community_id: int | None = None) -> int:
    """How many rows wait to be sent (for tests, benchmarks and the log)."""
    query = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == PENDING)
    if community_id is not None:
        query = query.where(OutboxRow.community_id == community_id)
    return (await session.exec(query)).one()
