"""A poll's life: opened with its options, found by number, counted on its post, closed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import PollOptionRow, PollRow


@dataclass(frozen=True)
class NewPoll:
    """What a poll is opened with."""

    question: str
    options: Sequence[str]
    channel: str
    closes_at: datetime
    anonymous: bool = True
    open_question: str | None = None
    period: str | None = None  # a weekly poll's period
    asked_by: int | None = None


async def open_poll(
    session: AsyncSession, *, community_id: int, new: NewPoll, post: str, now: datetime
) -> PollRow:
    """Number a new poll in its community and store it with its options (none voted yet)."""
    poll = PollRow(
        community_id=community_id,
        number=await next_number(session, community_id=community_id),
        period=new.period,
        question=new.question,
        open_question=new.open_question,
        options=len(new.options),
        anonymous=new.anonymous,
        channel=new.channel,
        post=post,
        asked_by=new.asked_by,
        opened_at=now,
        closes_at=new.closes_at,
        edited_at=now,
    )
    session.add(poll)
    await session.flush()
    assert poll.id is not None
    for position, label in enumerate(new.options, start=1):
        session.add(PollOptionRow(poll_id=poll.id, position=position, label=label))
    await session.flush()
    return poll


async def next_number(session: AsyncSession, *, community_id: int) -> int:
    """The number the community's next poll gets."""
    highest = await session.exec(
        select(func.max(PollRow.number)).where(PollRow.community_id == community_id)
    )
    return (highest.one() or 0) + 1


async def by_number(session: AsyncSession, *, community_id: int, number: int) -> PollRow | None:
    """A community's poll by its number."""
    found = await session.exec(
        select(PollRow).where(PollRow.community_id == community_id, PollRow.number == number)
    )
    return found.first()


async def by_id(session: AsyncSession, *, community_id: int, poll_id: int) -> PollRow | None:
    """A community's poll by its row id (what its buttons carry)."""
    poll = await session.get(PollRow, poll_id)
    return poll if poll is not None and poll.community_id == community_id else None


async def weekly_of(session: AsyncSession, *, community_id: int, period: str) -> PollRow | None:
    """The weekly poll opened for a period, if it was."""
    found = await session.exec(
        select(PollRow).where(PollRow.community_id == community_id, PollRow.period == period)
    )
    return found.first()


async def recent(
    session: AsyncSession, *, community_id: int, offset: int, limit: int
) -> tuple[int, Sequence[PollRow]]:
    """A community's polls, newest first, and how many there are."""
    where = PollRow.community_id == community_id
    total = (await session.exec(select(func.count()).select_from(PollRow).where(where))).one()
    query = select(PollRow).where(where).order_by(col(PollRow.number).desc())
    return total, (await session.exec(query.offset(offset).limit(limit))).all()


async def latest_closed(
    session: AsyncSession,
    *,
    community_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> PollRow | None:
    """The community's most recently closed poll (closed in [since, until) if given)."""
    within = []
    if since is not None:
        within.append(col(PollRow.closed_at) >= since)
    if until is not None:
        within.append(col(PollRow.closed_at) < until)
    query = (
        select(PollRow)
        .where(PollRow.community_id == community_id, col(PollRow.closed_at).is_not(None), *within)
        .order_by(col(PollRow.closed_at).desc(), col(PollRow.number).desc())
    )
    return (await session.exec(query.limit(1))).first()


async def open_with_text(
    session: AsyncSession, *, community_id: int, now: datetime
) -> Sequence[PollRow]:
    """Open polls that ask for a written answer, newest first."""
    query = (
        select(PollRow)
        .where(
            PollRow.community_id == community_id,
            col(PollRow.closed_at).is_(None),
            col(PollRow.closes_at) > now,
            col(PollRow.open_question).is_not(None),
        )
        .order_by(col(PollRow.number).desc())
    )
    return (await session.exec(query)).all()


async def due_to_close(
    session: AsyncSession, *, community_id: int, now: datetime
) -> Sequence[PollRow]:
    """A community's open polls whose time is up, the earliest first."""
    query = (
        select(PollRow)
        .where(
            PollRow.community_id == community_id,
            col(PollRow.closed_at).is_(None),
            col(PollRow.closes_at) <= now,
        )
        .order_by(col(PollRow.closes_at), col(PollRow.id))
    )
    return (await session.exec(query)).all()


async def next_close(session: AsyncSession) -> datetime | None:
    """When the next open poll, in any community, closes."""
    query = select(PollRow.closes_at).where(col(PollRow.closed_at).is_(None))
    return (await session.exec(query.order_by(col(PollRow.closes_at)).limit(1))).first()


async def counts_due(
    session: AsyncSession, *, community_id: int, now: datetime
) -> Sequence[PollRow]:
    """A community's open polls whose post's count is due to change."""
    query = select(PollRow).where(
        PollRow.community_id == community_id,
        col(PollRow.closed_at).is_(None),
        col(PollRow.count_due_at) <= now,
    )
    return (await session.exec(query.order_by(col(PollRow.id)))).all()


async def next_count(session: AsyncSession) -> datetime | None:
    """When the next post's count, in any community, is due to change."""
    query = select(PollRow.count_due_at).where(
        col(PollRow.closed_at).is_(None), col(PollRow.count_due_at).is_not(None)
    )
    return (await session.exec(query.order_by(col(PollRow.count_due_at)).limit(1))).first()


async def counted(session: AsyncSession, *, poll: PollRow, shown: int, now: datetime) -> bool:
    """Note that the post's count is up to date; True if it changed (so the post is edited)."""
    changed = shown != poll.shown
    poll.shown, poll.count_due_at = shown, None
    if changed:
        poll.edited_at = now
    session.add(poll)
    return changed


async def close(session: AsyncSession, *, poll: PollRow, now: datetime) -> bool:
    """Close a poll once: False if it was closed already (by the job or a moderator)."""
    result = await session.exec(
        update(PollRow)
        .where(col(PollRow.id) == poll.id, col(PollRow.closed_at).is_(None))
        .values(closed_at=now, count_due_at=None)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    poll.closed_at, poll.count_due_at = now, None
    return True


async def options_of(session: AsyncSession, *, poll_id: int) -> Sequence[PollOptionRow]:
    """A poll's options with their counts, in button order."""
    query = select(PollOptionRow).where(PollOptionRow.poll_id == poll_id)
    return (await session.exec(query.order_by(col(PollOptionRow.position)))).all()
