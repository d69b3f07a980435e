"""Answering a poll: one statement holds it open, then the choice is counted or the text kept.

Nothing here stores when an answer came or, for an anonymous poll, whose it was (see
storage/models/polls.py for how the tables keep that promise).
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, insert, literal, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.members import insert_or_ignore
from storage.models import PollAnswerRow, PollOptionRow, PollRow, PollVoteRow, PollVoterRow
from storage.models.polls import CHOICE, TEXT
from storage.types import AwareDateTime

COUNT_EVERY = timedelta(seconds=30)  # a post's "N answered" changes at most this often
_KEY_SPACE = 2**63 - 1  # a written answer's random key fits a signed 64-bit integer


def count_due(*, edited_at: datetime, now: datetime) -> datetime:
    """When the post's count may next change: 30 s after its last edit, on a 30-second grid."""
    # The grid keeps the moment of any one answer out of the table: only its half-minute shows.
    step = COUNT_EVERY.total_seconds()
    grid = datetime.fromtimestamp(math.ceil(now.timestamp() / step) * step, tz=now.tzinfo)
    return max(edited_at + COUNT_EVERY, grid)


async def hold_open(session: AsyncSession, *, poll: PollRow, now: datetime) -> bool:
    """Take the poll for this answer in one write (so a close can't slip in); False if closed."""
    result = await session.exec(
        update(PollRow)
        .where(
            col(PollRow.id) == poll.id,
            col(PollRow.closed_at).is_(None),
            col(PollRow.closes_at) > now,
        )
        .values(
            count_due_at=func.coalesce(
                PollRow.count_due_at,
                literal(count_due(edited_at=poll.edited_at, now=now), AwareDateTime()),
            )
        )
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def choose_anonymously(
    session: AsyncSession, *, poll_id: int, member_id: int, position: int
) -> bool:
    """Count one anonymous choice; False (nothing counted) if this member chose already."""
    if not await _first_time(session, poll_id, member_id, CHOICE):
        return False
    await _add(session, poll_id, position, 1)
    return True


async def choose_openly(
    session: AsyncSession, *, poll_id: int, member_id: int, position: int
) -> int | None:
    """Record or change a named choice; the position it replaced (None: it is their first)."""
    vote = await session.get(PollVoteRow, (poll_id, member_id))
    if vote is None:
        session.add(PollVoteRow(poll_id=poll_id, member_id=member_id, position=position))
        await _add(session, poll_id, position, 1)
        return None
    before = vote.position
    if before != position:
        await _add(session, poll_id, before, -1)
        await _add(session, poll_id, position, 1)
        vote.position = position
        session.add(vote)
    return before


async def write_answer(session: AsyncSession, *, poll_id: int, member_id: int, text: str) -> bool:
    """Keep a written answer, without author or time; False if this member wrote one already."""
    if not await _first_time(session, poll_id, member_id, TEXT):
        return False
    key = secrets.randbelow(_KEY_SPACE) + 1
    await session.exec(insert(PollAnswerRow).values(id=key, poll_id=poll_id, text=text))
    return True


async def has_answered(session: AsyncSession, *, poll_id: int, member_id: int, part: str) -> bool:
    """Whether a member already answered this part of an anonymous poll."""
    return await session.get(PollVoterRow, (poll_id, member_id, part)) is not None


async def answered(session: AsyncSession, *, poll: PollRow) -> int:
    """How many members answered a poll (any part of it)."""
    table = PollVoterRow if poll.anonymous else PollVoteRow
    query = select(func.count(func.distinct(table.member_id))).where(table.poll_id == poll.id)
    return (await session.exec(query)).one()


async def _first_time(session: AsyncSession, poll_id: int, member_id: int, part: str) -> bool:
    result = await session.exec(
        insert_or_ignore(session, PollVoterRow).values(
            poll_id=poll_id, member_id=member_id, part=part
        )
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def _add(session: AsyncSession, poll_id: int, position: int, step: int) -> None:
    await session.exec(
        update(PollOptionRow)
        .where(col(PollOptionRow.poll_id) == poll_id, col(PollOptionRow.position) == position)
        .values(votes=PollOptionRow.votes + step)
    )
