"""Slack deliveries already taken, shared by every process serving the same app."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.models.core import when_column


class SlackDeliveryRow(SQLModel, table=True):
    """An Events API event id one process claimed; a retry of it elsewhere finds the row."""

    __tablename__ = "slack_delivery"
    # No community_id: Slack's event ids are unique across the app, and an event is claimed
    # before anyone reads which workspace it came from.
    __table_args__ = (Index("ix_slack_delivery_received_at", "received_at"),)

    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = Field(sa_column=when_column())
