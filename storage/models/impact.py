"""Keys a community signs with, and the impact reports it issued (so a code can be checked)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.core import when_column


class CommunityKeyRow(SQLModel, table=True):
    """A community's secret for one purpose (report codes, credential signing), never shown."""

    __tablename__ = "community_key"
    __table_args__ = (UniqueConstraint("community_id", "purpose"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    purpose: str = Field(max_length=20)  # report-hmac or credential-ed25519
    key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=when_column())


class IssuedReportRow(SQLModel, table=True):
    """An impact report copbot issued: the code printed in it, and what it covered."""

    __tablename__ = "issued_report"
    __table_args__ = (UniqueConstraint("community_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    code: str = Field(max_length=32)  # base32 of the signature, as printed without dashes
    since: datetime = Field(sa_column=when_column())
    until: datetime = Field(sa_column=when_column())
    issued_at: datetime = Field(sa_column=when_column())
    digest: str = Field(max_length=64)  # SHA-256 of the report's Markdown, hex
    summary: str = Field(sa_column=Column(Text, nullable=False))
