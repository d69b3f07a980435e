"""Matching rounds: who takes part, whom they'd rather not meet, and each round's record.

The record is the table: a round, its groups (a pair, or a trio), why each was made, and a
seat per member holding what they answered. A group nobody said happened, and somebody said
didn't, is not a meeting for the recency rule.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.core import when_column

IN, OUT = "in", "out"
MET, NOT_YET, CANT = "met", "not_yet", "cant"  # a seat's answer
NEED_MET, MADE, CHAT = "need", "made", "chat"  # what came of a meeting


class MatchMemberRow(SQLModel, table=True):
    """A member's own say in matching rounds: in or out, and paused until when."""

    __tablename__ = "match_member"

    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    community_id: int = Field(foreign_key="community.id", index=True, ondelete="CASCADE")
    status: str = Field(max_length=4)  # in or out; no row: the community's match_default_in
    paused_until: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    changed_at: datetime = Field(sa_column=when_column())


class MatchAvoidRow(SQLModel, table=True):
    """Someone a member would rather not be paired with; never shown to anyone else."""

    __tablename__ = "match_avoid"

    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    avoided_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    community_id: int = Field(foreign_key="community.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(sa_column=when_column())


class MatchRoundRow(SQLModel, table=True):
    """One round in one community, numbered from 1."""

    __tablename__ = "match_round"
    __table_args__ = (
        UniqueConstraint("community_id", "number"),
        Index("ix_match_round_follow_up", "followed_up_at", "follow_up_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    number: int
    period: str = Field(max_length=40)  # the job period it ran for
    started_at: datetime = Field(sa_column=when_column())
    pool: int  # members who could be paired
    unpaired: int = 0  # members no group could take (avoid lists can force it)
    # When those who haven't answered are asked once; set from the settings of the day.
    follow_up_at: datetime = Field(sa_column=when_column())
    followed_up_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))


class MatchGroupRow(SQLModel, table=True):
    """A pair or trio of one round, with why it was made (as told to its members)."""

    __tablename__ = "match_group"
    __table_args__ = (UniqueConstraint("round_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="match_round.id", ondelete="CASCADE")
    position: int  # its place in the round, from 0: how a round's bulk insert finds its ids
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    score: int
    why: str = Field(sa_column=Column(Text, nullable=False))  # JSON: each pair's reasons
    needs_met: int = 0  # need↔offer tags behind the pairing


class MatchSeatRow(SQLModel, table=True):
    """A member's place in a group, and what they answered."""

    __tablename__ = "match_seat"
    __table_args__ = (Index("ix_match_seat_member", "member_id", "group_id"),)

    group_id: int = Field(foreign_key="match_group.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    answer: str | None = Field(default=None, max_length=8)  # met, not_yet, cant; None: not yet
    answered_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    came_of_it: str | None = Field(default=None, max_length=8)  # need, made, chat
    followed_up: bool = False  # the one follow-up question was queued
