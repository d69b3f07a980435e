"""The write-behind buffer for activity: messages are counted in memory, written in batches."""

from __future__ import annotations

import logging
from datetime import datetime

from storage import activity as activity_store
from storage.db import Database

log = logging.getLogger(__name__)


class ActivityBuffer:
    """Collects who was active and writes it in one transaction per flush, never per message."""

    def __init__(self, db: Database, *, default_role: str = "member") -> None:
        self._db = db
        self._default_role = default_role
        self._pending: dict[tuple[int, str], activity_store.Activity] = {}
        self.commits = 0
        self.events = 0

    def record(self, *, community_id: int, external_id: str, name: str, at: datetime) -> None:
        """Note that a member was active; cheap enough for every message on a busy server."""
        self.events += 1
        key = (community_id, external_id)
        entry = self._pending.get(key)
        if entry is None:
            self._pending[key] = activity_store.Activity(
                community_id, external_id, name, at, {at.date()}
            )
            return
        entry.last_at = max(entry.last_at, at)
        entry.days.add(at.date())
        entry.name = name or entry.name

    @property
    def pending(self) -> int:
        """How many members have activity waiting to be written."""
        return len(self._pending)

    async def flush(self) -> int:
        """Write everything pending in one transaction; return how many members it touched."""
        if not self._pending:
            return 0
        batch, self._pending = self._pending, {}
        try:
            async with self._db.session() as session, session.begin():
                touched = await activity_store.apply(
                    session, entries=batch.values(), default_role=self._default_role
                )
        except Exception:
            # Put the batch back so a passing database hiccup loses nothing.
            for key, entry in batch.items():
                self._merge_back(key, entry)
            raise
        self.commits += 1
        return touched

    def _merge_back(self, key: tuple[int, str], entry: activity_store.Activity) -> None:
        newer = self._pending.get(key)
        if newer is None:
            self._pending[key] = entry
            return
        newer.days |= entry.days
        newer.last_at = max(newer.last_at, entry.last_at)
