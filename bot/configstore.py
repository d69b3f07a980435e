"""Each community's values, built from defaults and overrides, cached until they change."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from config.community import CommunityConfig, build_config
from storage import communities


class ConfigStore:
    """A cache in front of the overrides table; this process is the only writer (SQLite)."""

    def __init__(self) -> None:
        self._cache: dict[int, CommunityConfig] = {}

    async def get(self, session: AsyncSession, community_id: int) -> CommunityConfig:
        """A community's current values."""
        config = self._cache.get(community_id)
        if config is None:
            stored = await communities.overrides(session, community_id=community_id)
            config = self._cache[community_id] = build_config(stored)
        return config

    def cached(self, community_id: int) -> CommunityConfig | None:
        """A community's values if they are in memory (no database round trip)."""
        return self._cache.get(community_id)

    def forget(self, community_id: int) -> None:
        """Drop a community's cached values after they changed."""
        self._cache.pop(community_id, None)
