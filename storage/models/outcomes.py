"""Outcomes (what the community made, with who made it) and the work groups that make them.

Nothing is deleted: a removed outcome keeps its row (who removed it, when, why), a withdrawn
credit keeps its row with `removed_at`, and a closed group keeps its members and updates.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.core import when_column

PENDING, ACTIVE, CLOSED = "pending", "active", "closed"


class OutcomeRow(SQLModel, table=True):
    """Something the community produced (a guide, a talk), numbered "Outcome #3"."""

    __tablename__ = "outcome"
    __table_args__ = (
        UniqueConstraint("community_id", "number"),
        Index("ix_outcome_register", "community_id", "removed_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    number: int  # per community, from 1
    title: str = Field(max_length=120)
    type: str = Field(max_length=200)  # one of outcome_types when it was saved
    link: str = Field(max_length=2000)  # http or https, checked for shape, never fetched
    license: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    added_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_column=when_column())
    edited_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    removed_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    removed_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    removed_reason: str = Field(default="", max_length=300)


class OutcomeCreditRow(SQLModel, table=True):
    """A member credited on an outcome with a role; a withdrawn credit keeps its row."""

    __tablename__ = "outcome_credit"
    __table_args__ = (Index("ix_outcome_credit_member", "community_id", "member_id"),)

    outcome_id: int = Field(foreign_key="outcome.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    role: str = Field(max_length=200)
    added_at: datetime = Field(sa_column=when_column())
    removed_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))


class WorkGroupRow(SQLModel, table=True):
    """A volunteer work group: a purpose, what it produces, places, a lead and an end date."""

    __tablename__ = "work_group"
    __table_args__ = (
        UniqueConstraint("community_id", "name_key"),
        Index("ix_work_group_status", "community_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    name: str = Field(max_length=60)
    name_key: str = Field(max_length=60)  # the name folded, so names are unique whatever case
    purpose: str = Field(sa_column=Column(Text, nullable=False))
    produces: str = Field(max_length=200)
    capacity: int
    ends_on: date = Field(sa_column=Column(Date, nullable=False))
    roles: str = Field(default="", max_length=500)  # the group's roles, "; "-separated
    lead_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    status: str = Field(default=ACTIVE, max_length=8)  # pending, active or closed
    post: str | None = Field(default=None, max_length=40)  # the call for volunteers' handle
    created_at: datetime = Field(sa_column=when_column())
    started_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    outcome_id: int | None = Field(default=None, foreign_key="outcome.id", ondelete="SET NULL")
    checkins: int = 0  # check-in periods the lead was asked about so far
    flagged: int = 0  # the check-in period it was last flagged to moderators in (0: never)


class WorkGroupMemberRow(SQLModel, table=True):
    """A member of a work group, with their role there; leaving keeps the row."""

    __tablename__ = "work_group_member"

    group_id: int = Field(foreign_key="work_group.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    role: str = Field(default="", max_length=60)
    joined_at: datetime = Field(sa_column=when_column())
    left_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))


class WorkGroupUpdateRow(SQLModel, table=True):
    """An update a member posted on how their work group is going."""

    __tablename__ = "work_group_update"
    __table_args__ = (Index("ix_work_group_update", "group_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=when_column())
