"""The community, its members, intros, settings, kudos and badges."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, func
from sqlmodel import Field, SQLModel

from storage.types import AwareDateTime


def when_column(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    """An aware UTC timestamp column."""
    return Column(AwareDateTime(), nullable=nullable)


class CommunityRow(SQLModel, table=True):
    """A community: one Discord guild, one Slack workspace, or the console playground."""

    __tablename__ = "community"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    name: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=when_column())


class MemberRow(SQLModel, table=True):
    """A person in a community, with their role and how active they are."""

    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("community_id", "external_id"),
        Index("ix_member_community_role", "community_id", "role"),
        # Scans over a community's members (the lapse scan) go by id, chunk after chunk.
        Index("ix_member_community_id", "community_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    external_id: str = Field(max_length=64)
    name: str = Field(max_length=100)
    role: str = Field(default="member", max_length=50)
    is_bot: bool = False
    joined_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    left_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    last_active_at: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    last_active_on: date | None = None
    active_days: int = 0
    # The mean gap in days between their recent active days (0: not known yet).
    usual_gap: float = 0.0
    # The member's own say over what copbot sends them unasked (the outbox enforces both).
    away_until: datetime | None = Field(default=None, sa_column=when_column(nullable=True))
    dms_off: bool = False


# Names are looked up ignoring case (`@Alice` finds alice): index the lower-cased name.
Index(
    "ix_member_community_lower_name",
    MemberRow.community_id,  # type: ignore[arg-type]
    func.lower(MemberRow.name),  # type: ignore[arg-type]
)


class IntroRow(SQLModel, table=True):
    """One version of a member's intro; the newest is current, older ones are their history."""

    __tablename__ = "intro"
    __table_args__ = (
        Index("ix_intro_member", "community_id", "member_id", "created_at"),
        Index("ix_intro_current", "community_id", "is_current", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    about: str = Field(sa_column=Column(Text, nullable=False))
    goals: str = Field(sa_column=Column(Text, nullable=False))
    interests: str = Field(default="", max_length=1000)  # normalised tags, comma-separated
    can_help: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    is_current: bool = True
    created_at: datetime = Field(sa_column=when_column())


class InterestRow(SQLModel, table=True):
    """A tag of a member's current intro, so the directory finds members by interest."""

    __tablename__ = "interest"
    __table_args__ = (Index("ix_interest_member", "community_id", "member_id"),)

    community_id: int = Field(foreign_key="community.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True, max_length=40)
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    since: datetime = Field(sa_column=when_column())


class SettingRow(SQLModel, table=True):
    """A community's override of one default value, with who changed it and when."""

    __tablename__ = "community_setting"

    community_id: int = Field(foreign_key="community.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    updated_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    updated_at: datetime = Field(sa_column=when_column())


class KudosGroupRow(SQLModel, table=True):
    """One act of thanks: a giver, a reason, and (in kudos rows) up to five recipients."""

    __tablename__ = "kudos_group"
    __table_args__ = (
        # A +1 joins someone else's thanks, once per member.
        UniqueConstraint("plus_one_of", "giver_id"),
        Index("ix_kudos_group_community_created", "community_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    giver_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    reason: str = Field(sa_column=Column(Text, nullable=False))
    spotlight: bool = False  # a moderator's kudos: shown with ⭐, outside any allowance
    plus_one_of: int | None = Field(default=None, foreign_key="kudos_group.id", ondelete="CASCADE")
    created_at: datetime = Field(sa_column=when_column())


class KudosRow(SQLModel, table=True):
    """Thanks from one giver to one recipient: what counts, leaderboards and badges read."""

    __tablename__ = "kudos"
    __table_args__ = (
        Index("ix_kudos_receiver", "community_id", "receiver_id", "created_at"),
        Index("ix_kudos_giver", "community_id", "giver_id", "created_at"),
        Index("ix_kudos_group", "group_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    group_id: int = Field(foreign_key="kudos_group.id", ondelete="CASCADE")
    giver_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    receiver_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    spotlight: bool = False
    created_at: datetime = Field(sa_column=when_column())


class KudosTallyRow(SQLModel, table=True):
    """Running counts per member and period, so leaderboards never scan every kudos."""

    __tablename__ = "kudos_tally"
    __table_args__ = (
        Index("ix_kudos_tally_received", "community_id", "period", "start", "received"),
        Index("ix_kudos_tally_given", "community_id", "period", "start", "given"),
    )

    community_id: int = Field(foreign_key="community.id", primary_key=True, ondelete="CASCADE")
    period: str = Field(primary_key=True, max_length=8)  # week, month, year or all
    start: date = Field(primary_key=True)  # the period's first day, in the community's zone
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    received: int = 0
    given: int = 0


class BadgeAwardRow(SQLModel, table=True):
    """A badge a member holds; the unique key makes every award happen once."""

    __tablename__ = "badge_award"
    __table_args__ = (UniqueConstraint("community_id", "member_id", "badge"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    badge: str = Field(max_length=40)
    awarded_at: datetime = Field(sa_column=when_column())
    granted_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class BadgeEventRow(SQLModel, table=True):
    """The record of grants, revocations and awards: who, which badge, by whom and why."""

    __tablename__ = "badge_event"
    __table_args__ = (Index("ix_badge_event_member", "community_id", "member_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    badge: str = Field(max_length=40)
    action: str = Field(max_length=8)  # award, grant or revoke
    by_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    at: datetime = Field(sa_column=when_column())
