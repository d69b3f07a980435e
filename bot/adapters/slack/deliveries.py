"""Events already taken, kept in the database so every process serving the app agrees."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import Clock
from storage import slack_deliveries
from storage.db import Database

EVENT_TTL = timedelta(hours=1)  # Slack retries an event for about five minutes
PRUNE_EVERY = timedelta(minutes=10)  # old ids go in one delete now and then, not per event


class Deliveries:
    """Event ids claimed by any process: Slack may redeliver an event to another process."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._pruned_at: datetime | None = None

    async def first_time(self, event_id: str | None) -> bool:
        """True for the one delivery of an event id that claims it (and for events without one)."""
        if not event_id:
            return True
        now = self._clock.now()
        async with self._db.session() as session, session.begin():
            if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
                await slack_deliveries.prune(session, before=now - EVENT_TTL)
                self._pruned_at = now
            return await slack_deliveries.claim(session, event_id=event_id, now=now)
