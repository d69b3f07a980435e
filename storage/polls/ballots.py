"""Answering a poll: one statement holds it open, then the choice is counted or the text kept.

Nothing here stores when an answer came or, for an anonymous poll, whose it was (see
storage/models/polls.py for how the tables keep that promise).

On Postgres every row also carries the transaction that wrote it (`xmin`) and lies in the heap
in the order it came (`ctid`, and so a dump's order), and the voter's mark is written in the
same transaction as their answer. So an anonymous answer rewrites all the rows that could give
it away, in that transaction: every option's count, and every written answer of the poll in a
fresh random order under fresh keys. The last answerer's transaction is then on all of them,
telling nothing of which is theirs, and no answer's place says when it came.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, update
from sqlmodel import select
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
    due = count_due(edited_at=poll.edited_at, now=now)
    connection = await session.connection()
    result = await connection.execute(_HOLD_OPEN, {"poll": poll.id, "now": now, "due": due})
    return result.rowcount == 1


async def choose_anonymously(
    session: AsyncSession, *, poll_id: int, member_id: int, position: int
) -> bool:
    """Count one anonymous choice; False (nothing counted) if this member chose already."""
    if not await _first_time(session, poll_id, member_id, CHOICE):
        return False
    connection = await session.connection()
    await connection.execute(_ADD_ALL, {"poll": poll_id, "option": position})
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
    # Called after hold_open, whose lock on the poll row makes a poll's answers one at a time,
    # so the rewrite below never loses an answer written alongside.
    if not await _first_time(session, poll_id, member_id, TEXT):
        return False
    if session.get_bind().dialect.name != "postgresql":
        # SQLite keeps no writer on a row, and a random rowid is a random place: one insert.
        await session.exec(insert(PollAnswerRow).values(id=_key(), poll_id=poll_id, text=text))
        return True
    found = await session.exec(select(PollAnswerRow.text).where(PollAnswerRow.poll_id == poll_id))
    texts = [*found.all(), text]
    secrets.SystemRandom().shuffle(texts)
    await session.exec(delete(PollAnswerRow).where(PollAnswerRow.poll_id == poll_id))  # type: ignore[call-overload]
    connection = await session.connection()
    rows = [{"id": _key(), "poll_id": poll_id, "text": each} for each in texts]
    await connection.execute(insert(PollAnswerRow), rows)
    return True


def _key() -> int:
    """A written answer's random key."""
    return secrets.randbelow(_KEY_SPACE) + 1


async def has_answered(session: AsyncSession, *, poll_id: int, member_id: int, part: str) -> bool:
    """Whether a member already answered this part of an anonymous poll."""
    return await session.get(PollVoterRow, (poll_id, member_id, part)) is not None


async def answered(session: AsyncSession, *, poll: PollRow) -> int:
    """How many members answered a poll (any part of it)."""
    table = PollVoterRow if poll.anonymous else PollVoteRow
    query = select(func.count(func.distinct(table.member_id))).where(table.poll_id == poll.id)
    return (await session.exec(query)).one()


async def _first_time(session: AsyncSession, poll_id: int, member_id: int, part: str) -> bool:
    dialect = session.get_bind().dialect.name
    statement = _FIRST_TIME.get(dialect)
    if statement is None:
        columns = {name: bindparam(name) for name in ("poll_id", "member_id", "part")}
        statement = _FIRST_TIME[dialect] = insert_or_ignore(session, PollVoterRow).values(columns)
    connection = await session.connection()
    params = {"poll_id": poll_id, "member_id": member_id, "part": part}
    return (await connection.execute(statement, params)).rowcount == 1


async def _add(session: AsyncSession, poll_id: int, position: int, step: int) -> None:
    connection = await session.connection()
    await connection.execute(_ADD, {"poll": poll_id, "option": position, "step": step})


# Built once, on the tables themselves: a busy minute runs these a thousand times, and building
# an ORM statement costs about as much as running it.
_POLL, _OPTION = PollRow.__table__.c, PollOptionRow.__table__.c  # type: ignore[attr-defined]
_HOLD_OPEN = (
    update(PollRow.__table__)  # type: ignore[arg-type]
    .where(
        _POLL.id == bindparam("poll"),
        _POLL.closed_at.is_(None),
        _POLL.closes_at > bindparam("now", type_=AwareDateTime()),
    )
    .values(count_due_at=func.coalesce(_POLL.count_due_at, bindparam("due", type_=AwareDateTime())))
)
_ADD = (
    update(PollOptionRow.__table__)  # type: ignore[arg-type]
    .where(_OPTION.poll_id == bindparam("poll"), _OPTION.position == bindparam("option"))
    .values(votes=_OPTION.votes + bindparam("step"))
)
# An anonymous choice touches every option of the poll, not only the one chosen: on Postgres the
# transaction that last wrote a row shows, and it must not show which option its voter chose.
_ADD_ALL = (
    update(PollOptionRow.__table__)  # type: ignore[arg-type]
    .where(_OPTION.poll_id == bindparam("poll"))
    .values(votes=_OPTION.votes + case((_OPTION.position == bindparam("option"), 1), else_=0))
)
_FIRST_TIME: dict[str, Any] = {}  # per SQL dialect: INSERT … ON CONFLICT DO NOTHING
