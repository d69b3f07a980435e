"""Polls, designed for the promise an anonymous poll makes: no row ties a member to an answer.

- `poll_option` counts each choice in place (one row per option, `votes = votes + 1`).
- `poll_voter` only stops a second answer: (poll, member, part), no time and no choice; it is a
  WITHOUT ROWID table on SQLite, so even its physical order is by member, not by arrival.
- `poll_answer` keeps written answers with no author and no time, under a random 63-bit key
  (on SQLite the rowid itself), so their stored order is random too.
- `poll_vote` exists for polls that are not anonymous, where members see who chose what.

On Postgres, where rows lie in arrival order and carry their writing transaction (`xmin`),
storage/polls/ballots.py rewrites a poll's counts and written answers with each answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.core import when_column

CHOICE, TEXT = "choice", "text"  # the parts of a poll a member answers, once each


class PollRow(SQLModel, table=True):
    """A poll: the weekly check-in or a moderator's question, numbered within its community."""

    __tablename__ = "poll"
    __table_args__ = (
        UniqueConstraint("community_id", "number"),
        # A weekly poll is opened once per period, whatever the job-run record says.
        UniqueConstraint("community_id", "period"),
        Index("ix_poll_open", "closed_at", "closes_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    number: int  # "Poll #3": per community, from 1
    period: str | None = Field(default=None, max_length=40)  # a weekly poll's job period
    question: str = Field(sa_column=Column(Text, nullable=False))  # the choice question
    open_question: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    options: int  # how many options the choice question has
    anonymous: bool = True
    channel: str = Field(max_length=100)
    post: str = Field(max_length=24)  # the post's outbox handle, to edit it
    asked_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    opened_at: datetime = Field(sa_column=when_column())
    closes_at: datetime = Field(sa_column=when_column())
    closed_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    shown: int = 0  # how many answered, as the post last said
    edited_at: datetime = Field(sa_column=when_column())  # when the post last changed
    # When the post's count is next due to change (None: it is up to date). At most every 30 s,
    # on a 30-second grid, so it never holds the time of any one answer.
    count_due_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))


class PollOptionRow(SQLModel, table=True):
    """One option of a poll's choice question and how many chose it."""

    __tablename__ = "poll_option"

    poll_id: int = Field(foreign_key="poll.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)  # from 1, as the buttons are numbered
    label: str = Field(max_length=80)
    votes: int = 0


class PollVoterRow(SQLModel, table=True):
    """That a member answered one part of a poll: only to refuse a second answer."""

    __tablename__ = "poll_voter"
    __table_args__ = {"sqlite_with_rowid": False}  # no arrival order, even on disk

    poll_id: int = Field(foreign_key="poll.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    part: str = Field(primary_key=True, max_length=8)  # choice or text


class PollAnswerRow(SQLModel, table=True):
    """A written answer, with neither author nor time; its key is random, so is its order."""

    __tablename__ = "poll_answer"
    __table_args__ = (Index("ix_poll_answer_poll", "poll_id"),)

    # Random, never an autoincrement; on SQLite an INTEGER key is the rowid, so order is random.
    id: int = Field(
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    )
    poll_id: int = Field(foreign_key="poll.id", ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False))


class PollVoteRow(SQLModel, table=True):
    """A member's choice in a poll that is not anonymous: changeable, and shown at close."""

    __tablename__ = "poll_vote"

    poll_id: int = Field(foreign_key="poll.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    position: int


class PollResponseRow(SQLModel, table=True):
    """ "You said, we did": what the community did about a poll's results."""

    __tablename__ = "poll_response"
    __table_args__ = (Index("ix_poll_response_poll", "poll_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    poll_id: int = Field(foreign_key="poll.id", ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False))
    by_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_column=when_column())
    # The weekly poll that listed it at its top (None: the next one will).
    listed_in: int | None = Field(default=None, foreign_key="poll.id", ondelete="SET NULL")
