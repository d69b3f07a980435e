"""Each community's values, built from defaults and overrides, cached until they change."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from config.community import CommunityConfig, build_config
from storage import communities


class ConfigStore:
    """A cache in front of the overrides table.

    With one process (SQLite) it is the only writer, so its values stay good until it forgets
    them. Where several processes share the database (Postgres), `max_age` bounds how stale a
    value may be, so a `/config set` in one process is obeyed by the others within that time.
    """

    def __init__(
        self, *, max_age: float | None = None, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._cache: dict[int, tuple[CommunityConfig, float]] = {}
        self._max_age = max_age
        self._monotonic = monotonic

    async def get(self, session: AsyncSession, community_id: int) -> CommunityConfig:
        """A community's current values."""
        entry = self._cache.get(community_id)
        now = self._monotonic()
        if entry is not None and (self._max_age is None or now - entry[1] < self._max_age):
            return entry[0]
        stored = await communities.overrides(session, community_id=community_id)
        config = build_config(stored)
        self._cache[community_id] = (config, now)
        return config

    def cached(self, community_id: int) -> CommunityConfig | None:
        """A community's values if they are in memory (no database round trip)."""
        entry = self._cache.get(community_id)
        return entry[0] if entry is not None else None

    def forget(self, community_id: int) -> None:
        """Drop a community's cached values after they changed."""
        self._cache.pop(community_id, None)
