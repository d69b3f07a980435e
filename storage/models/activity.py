"""Members' rhythm: the days each was active, and the lapses welcome back keeps its word by."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.core import when_column


class ActiveDayRow(SQLModel, table=True):
    """A day, in the community's time zone, on which a member was active (never what they did)."""

    __tablename__ = "active_day"

    community_id: int = Field(foreign_key="community.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    day: date = Field(primary_key=True)


class LapseRow(SQLModel, table=True):
    """One silence of a member long enough to be a lapse: noticed, nudged, ended by a return."""

    __tablename__ = "lapse"
    __table_args__ = (
        # One lapse per silence: a silence is known by the last day the member was active.
        UniqueConstraint("community_id", "member_id", "since_day"),
        # The welcome job's one question: who came back and is still to be welcomed?
        Index("ix_lapse_welcome_due", "welcome_due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    since_day: date  # the last day they were active, in the community's time zone
    since_at: datetime = Field(sa_column=when_column())  # their last activity before the silence
    noticed_at: datetime = Field(sa_column=when_column())
    nudged_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    returned_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    welcome_due: bool = False  # back, and the welcome-back DM is still to be queued
    welcomed_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))


class ErasedMemberRow(SQLModel, table=True):
    """A fence after /forget-me: activity buffered before it, in any process, is not written."""

    __tablename__ = "erased_member"

    community_id: int = Field(foreign_key="community.id", primary_key=True, ondelete="CASCADE")
    # A SHA-256 of the platform id, never the id: kept only for FENCE_KEEP, long enough for
    # every process's buffer to have flushed, then dropped by the next erasure.
    digest: str = Field(primary_key=True, max_length=64)
    erased_at: datetime = Field(sa_column=when_column())
