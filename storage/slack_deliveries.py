"""Claiming Slack event deliveries, so a retry reaching any process is handled once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import SlackDeliveryRow

# The two databases copbot runs on; both skip a conflicting row instead of failing the
# transaction, so a lost race is an answer, not an error.
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


async def claim(session: AsyncSession, *, event_id: str, now: datetime) -> bool:
    """Record an event id; True only for the one transaction that recorded it first."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    statement = (
        _INSERTS[dialect](SlackDeliveryRow)
        .values(event_id=event_id, received_at=now)
        .on_conflict_do_nothing(index_elements=["event_id"])
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return bool(result.rowcount)


async def prune(session: AsyncSession, *, before: datetime) -> int:
    """Forget deliveries received before a time (Slack stops retrying long before); how many."""
    result = await session.exec(  # type: ignore[call-overload]
        delete(SlackDeliveryRow).where(col(SlackDeliveryRow.received_at) < before)
    )
    return int(result.rowcount or 0)
