"""Needs and offers: what members look for and what they can give, and the intros between them.

A need and an offer are one kind of row (`kind`), numbered together within their community,
so "#4" names one thing whichever list shows it. Nothing is deleted: a met or dropped need
keeps its row, its helper and its dates, for the member's history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.core import when_column

NEED, OFFER = "need", "offer"
OPEN, MET, DROPPED = "open", "met", "dropped"


class NeedRow(SQLModel, table=True):
    """A member's need (what they look for) or offer (what they can give), numbered "#4"."""

    __tablename__ = "need"
    __table_args__ = (
        UniqueConstraint("community_id", "number"),
        Index("ix_need_board", "community_id", "kind", "status", "created_at"),
        Index("ix_need_member", "community_id", "member_id", "kind", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    number: int  # per community, from 1, shared by needs and offers
    kind: str = Field(max_length=8)  # need or offer
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    what: str = Field(sa_column=Column(Text, nullable=False))
    tags: str = Field(max_length=250)  # normalised tags, comma-separated, as shown
    status: str = Field(default=OPEN, max_length=8)  # open, met or dropped
    created_at: datetime = Field(sa_column=when_column())
    edited_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    helper_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    thanked: bool = False  # the one-press kudos to the helper was given: a second press can't
    # The check-in clock: it starts when the need is added, and again on "Still need it".
    renewed_at: datetime = Field(sa_column=when_column())
    checkins: int = 0  # check-in DMs queued so far; each renewal allows one more
    checked_in_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))


class NeedTagRow(SQLModel, table=True):
    """One tag of a need or offer, so boards and fits find them by tag."""

    __tablename__ = "need_tag"
    __table_args__ = (Index("ix_need_tag_tag", "community_id", "tag"),)

    need_id: int = Field(foreign_key="need.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True, max_length=40)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")


class NeedIntroRow(SQLModel, table=True):
    """A member asked for an intro to a possible helper about a need, and what they answered."""

    __tablename__ = "need_intro"

    need_id: int = Field(foreign_key="need.id", primary_key=True, ondelete="CASCADE")
    helper_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    asked_at: datetime = Field(sa_column=when_column())
    answer: str | None = Field(default=None, max_length=8)  # yes or no; None: not yet
    answered_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
