"""The outbox and the job-run record: what copbot said unasked, and what its jobs did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

from storage.models.core import when_column


class OutboxRow(SQLModel, table=True):
    """One post, DM or edit, queued in the transaction that decided it and sent after."""

    __tablename__ = "outbox"
    __table_args__ = (
        # The sender's one query: pending rows, replies to members first, then the oldest.
        Index("ix_outbox_due", "status", "unsolicited", "id"),
        Index("ix_outbox_community", "community_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    # A job's "say this once" (the poll of week W): a second queueing with it is dropped.
    key: str | None = Field(default=None, max_length=200, unique=True)
    handle: str = Field(max_length=24, unique=True)  # what ctx.post()/dm() returned to the cog
    kind: str = Field(max_length=8)  # post, dm or edit
    channel: str | None = Field(default=None, max_length=100)  # a post's channel (None: here)
    here: str | None = Field(default=None, max_length=100)  # where the command ran
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="CASCADE")
    fallback_channel: str | None = Field(default=None, max_length=100)
    unsolicited: bool = False  # a DM nobody asked for: preferences apply, a way out is added
    target: str | None = Field(default=None, max_length=24)  # an edit's message, by handle
    body: str = Field(sa_column=Column(Text, nullable=False))  # the Reply as JSON
    image: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    status: str = Field(default="pending", max_length=8)  # pending, sent, refused, skipped, failed
    attempts: int = 0
    not_before: datetime = Field(sa_column=when_column())
    ref: str | None = Field(default=None, max_length=200)  # the platform's id of what was sent
    outcome: str = Field(default="", max_length=300)  # why it was refused, skipped or failed
    created_at: datetime = Field(sa_column=when_column())
    sent_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    # Which sender is sending it, and until when: another process takes it over only after.
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_column=when_column(nullable=True))


class JobRunRow(SQLModel, table=True):
    """A job's work for one community and period: the truth about what was done."""

    __tablename__ = "job_run"

    community_id: int = Field(foreign_key="community.id", primary_key=True, ondelete="CASCADE")
    job: str = Field(primary_key=True, max_length=60)
    period: str = Field(primary_key=True, max_length=40)  # e.g. 2026-12-07T15:00 (local)
    started_at: datetime = Field(sa_column=when_column())
    finished_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))


class PaceRow(SQLModel, table=True):
    """A pacing bucket every process shares (on Postgres): when its next message may go."""

    __tablename__ = "pace"

    key: str = Field(primary_key=True, max_length=200)  # the bucket, as bot/pacing.py names it
    # The community whose bucket it is (None: the whole bot's, on its platform).
    community_id: int | None = Field(default=None, foreign_key="community.id", ondelete="CASCADE")
    # The bucket's theoretical arrival time: a message may go while it is at most the burst's
    # worth of intervals ahead of now, and each one sent moves it one interval on.
    due: datetime = Field(sa_column=when_column())
