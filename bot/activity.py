"""The write-behind buffer for activity: messages are counted in memory, written in batches."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.configstore import ConfigStore
from storage import activity as activity_store
from storage.activity import Local, quarter
from storage.db import Database
from storage.lapses import LapseRule

log = logging.getLogger(__name__)


class ActivityBuffer:
    """Collects who was active and writes it in one transaction per flush, never per message."""

    def __init__(
        self, db: Database, *, default_role: str = "member", configs: ConfigStore | None = None
    ) -> None:
        self._db = db
        self._default_role = default_role
        # Each community's time zone and lapse rule; without them, days are UTC days.
        self._configs = configs
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
                community_id, external_id, name, at, {quarter(at)}
            )
            return
        entry.last_at = max(entry.last_at, at)
        entry.quarters.add(quarter(at))
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
                local = {cid: await self._local(session, cid) for cid in {c for c, _ in batch}}
                touched = await activity_store.apply(
                    session, entries=batch.values(), default_role=self._default_role, local=local
                )
        except Exception:
            # Put the batch back so a passing database hiccup loses nothing.
            for key, entry in batch.items():
                self._merge_back(key, entry)
            raise
        self.commits += 1
        return touched

    async def _local(self, session: AsyncSession, community_id: int) -> Local:
        if self._configs is None:
            return Local()
        config = await self._configs.get(session, community_id)
        rule = LapseRule(config.lapse_min_days, config.lapse_factor)
        return Local(ZoneInfo(config.timezone), rule if config.welcome_back else None)

    def _merge_back(self, key: tuple[int, str], entry: activity_store.Activity) -> None:
        newer = self._pending.get(key)
        if newer is None:
            self._pending[key] = entry
            return
        newer.quarters |= entry.quarters
        newer.last_at = max(newer.last_at, entry.last_at)
