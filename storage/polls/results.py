"""What a closed poll shows: counts, written answers, who chose what, the weekly trend, and
what the community did about it ("you said, we did")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    MemberRow,
    PollAnswerRow,
    PollOptionRow,
    PollResponseRow,
    PollRow,
    PollVoteRow,
)

TREND_WEEKS = 8  # how many weekly polls the trend looks back over


@dataclass(frozen=True)
class Chooser:
    """A member's choice in a poll that is not anonymous."""

    position: int
    name: str
    left: bool


@dataclass(frozen=True)
class WeekAverage:
    """One weekly poll's average rating."""

    number: int
    opened_at: datetime
    average: float
    votes: int


async def answers(session: AsyncSession, *, poll_id: int) -> list[str]:
    """A poll's written answers, in their stored (random) order."""
    query = select(PollAnswerRow.text).where(PollAnswerRow.poll_id == poll_id)
    return list((await session.exec(query.order_by(col(PollAnswerRow.id)))).all())


async def choosers(session: AsyncSession, *, poll_id: int) -> list[Chooser]:
    """Who chose what in a poll that is not anonymous, by name."""
    query = (
        select(PollVoteRow.position, MemberRow.name, MemberRow.left_at)
        .join(MemberRow, col(MemberRow.id) == PollVoteRow.member_id)
        .where(PollVoteRow.poll_id == poll_id)
        .order_by(func.lower(MemberRow.name))
    )
    rows = (await session.exec(query)).all()
    return [Chooser(position, name, left_at is not None) for position, name, left_at in rows]


async def weekly_trend(
    session: AsyncSession, *, community_id: int, up_to: int, weeks: int = TREND_WEEKS
) -> list[WeekAverage]:
    """The average rating of the closed weekly polls up to poll number `up_to`, oldest first."""
    query = (
        select(
            PollRow.number,
            PollRow.opened_at,
            func.sum(PollOptionRow.position * PollOptionRow.votes),
            func.sum(PollOptionRow.votes),
        )
        .join(PollOptionRow, col(PollOptionRow.poll_id) == PollRow.id)
        .where(
            PollRow.community_id == community_id,
            col(PollRow.period).is_not(None),
            col(PollRow.closed_at).is_not(None),
            col(PollRow.number) <= up_to,
        )
        .group_by(col(PollRow.id), col(PollRow.number), col(PollRow.opened_at))
        .order_by(col(PollRow.number).desc())
        .limit(weeks)
    )
    rows = (await session.exec(query)).all()
    return [
        WeekAverage(number, opened, total / votes, votes)
        for number, opened, total, votes in reversed(rows)
        if votes
    ]


async def respond(
    session: AsyncSession, *, poll: PollRow, text: str, by_id: int, now: datetime
) -> PollResponseRow:
    """Record what the community did about a poll's results."""
    assert poll.id is not None
    response = PollResponseRow(
        community_id=poll.community_id, poll_id=poll.id, text=text, by_id=by_id, created_at=now
    )
    session.add(response)
    await session.flush()
    return response


async def responses_to(session: AsyncSession, *, poll_id: int) -> Sequence[PollResponseRow]:
    """What was done about one poll, oldest first."""
    query = select(PollResponseRow).where(PollResponseRow.poll_id == poll_id)
    return (await session.exec(query.order_by(col(PollResponseRow.created_at)))).all()


async def unlisted(
    session: AsyncSession, *, community_id: int
) -> Sequence[tuple[PollResponseRow, PollRow]]:
    """Responses no weekly poll has listed yet, with their polls, oldest first."""
    query = (
        select(PollResponseRow, PollRow)
        .join(PollRow, col(PollRow.id) == PollResponseRow.poll_id)
        .where(
            PollResponseRow.community_id == community_id,
            col(PollResponseRow.listed_in).is_(None),
        )
        .order_by(col(PollResponseRow.created_at), col(PollResponseRow.id))
    )
    return (await session.exec(query)).all()


async def listed_in(
    session: AsyncSession, *, poll_id: int
) -> Sequence[tuple[PollResponseRow, PollRow]]:
    """The responses a weekly poll listed at its top, with the polls they answered."""
    query = (
        select(PollResponseRow, PollRow)
        .join(PollRow, col(PollRow.id) == PollResponseRow.poll_id)
        .where(PollResponseRow.listed_in == poll_id)
        .order_by(col(PollResponseRow.created_at), col(PollResponseRow.id))
    )
    return (await session.exec(query)).all()


async def listed(
    session: AsyncSession, *, responses: Sequence[PollResponseRow], poll_id: int
) -> None:
    """Note that a weekly poll listed these responses at its top."""
    for response in responses:
        response.listed_in = poll_id
        session.add(response)


async def closed_since(
    session: AsyncSession, *, community_id: int, since: datetime
) -> Sequence[PollRow]:
    """Polls of a community that closed after `since`, oldest first."""
    query = select(PollRow).where(
        PollRow.community_id == community_id, col(PollRow.closed_at) > since
    )
    return (await session.exec(query.order_by(col(PollRow.closed_at)))).all()


async def responded_since(
    session: AsyncSession, *, community_id: int, since: datetime
) -> Sequence[tuple[PollResponseRow, PollRow]]:
    """What the community did about its polls after `since`, with the polls, oldest first."""
    query = (
        select(PollResponseRow, PollRow)
        .join(PollRow, col(PollRow.id) == PollResponseRow.poll_id)
        .where(
            PollResponseRow.community_id == community_id,
            col(PollResponseRow.created_at) > since,
        )
        .order_by(col(PollResponseRow.created_at), col(PollResponseRow.id))
    )
    return (await session.exec(query)).all()
