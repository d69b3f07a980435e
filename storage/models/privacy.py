"""Members' privacy choices, kept off the member table (altering it on SQLite drops an index)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.models.core import when_column


class MemberPrivacyRow(SQLModel, table=True):
    """A member's say over being named in what copbot shows the community (the digest)."""

    __tablename__ = "member_privacy"

    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    community_id: int = Field(foreign_key="community.id", index=True, ondelete="CASCADE")
    credit_off: bool = False
    changed_at: datetime = Field(sa_column=when_column())
