"""Token buckets on the injected clock: how fast copbot may speak on each platform."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from bot.clock import Clock

_EPSILON = 1e-9  # of a token


@dataclass(frozen=True)
class Rate:
    """At most `burst` at once, then one every `1 / per_second` seconds."""

    per_second: float
    burst: int = 1


class Bucket:
    """A token bucket: it refills as the clock moves, and a send takes one token."""

    def __init__(self, rate: Rate, clock: Clock) -> None:
        self.rate = rate
        self._clock = clock
        self._tokens = float(rate.burst)
        self._at = clock.now()

    def wait(self) -> float:
        """Seconds until a token is there (0: now)."""
        self._refill()
        # A hair short of a token is a whole one: 3 s at 20 a minute sums to 0.999…9.
        missing = 1 - self._tokens
        return 0.0 if missing <= _EPSILON else missing / self.rate.per_second

    def take(self) -> None:
        """Spend one token (after wait() said 0)."""
        self._refill()
        self._tokens = max(0.0, self._tokens - 1)

    def _refill(self) -> None:
        now = self._clock.now()
        elapsed = max(0.0, (now - self._at).total_seconds())
        self._tokens = min(float(self.rate.burst), self._tokens + elapsed * self.rate.per_second)
        self._at = now


class Pacer:
    """Buckets by key, made on first use; a send goes only when every bucket it needs allows."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._buckets: dict[Hashable, Bucket] = {}

    def reserve(self, needs: Iterable[tuple[Hashable, Rate]]) -> float:
        """Take a token from each bucket and return 0, or return how long to wait (taking none)."""
        buckets = [self._bucket(key, rate) for key, rate in needs]
        wait = max((bucket.wait() for bucket in buckets), default=0.0)
        if wait > 0:
            return wait
        for bucket in buckets:
            bucket.take()
        return 0.0

    def _bucket(self, key: Hashable, rate: Rate) -> Bucket:
        found = self._buckets.get(key)
        if found is None or found.rate != rate:
            found = self._buckets[key] = Bucket(rate, self._clock)
        return found


@dataclass(frozen=True)
class Pacing:
    """The rates each platform's messages leave at, from the deploy-time settings."""

    discord_dm_seconds: float = 2.0
    discord_dms_per_minute: int = 20
    discord_posts_per_second: float = 1.0
    slack_posts_per_second: float = 1.0

    def needs(
        self, platform: str, kind: str, community_id: int, channel: str
    ) -> list[tuple[Hashable, Rate]]:
        """The buckets one message must pass (none on platforms copbot need not protect)."""
        if platform == "discord":
            if kind == "dm":
                needs: list[tuple[Hashable, Rate]] = [
                    (("discord", "dms"), Rate(self.discord_dms_per_minute / 60, 1))
                ]
                if self.discord_dm_seconds > 0:
                    per_community = Rate(1 / self.discord_dm_seconds, 1)
                    needs.append((("discord", "dm", community_id), per_community))
                return needs
            # Channel names repeat across guilds: each community's #general is its own.
            per_channel = Rate(self.discord_posts_per_second, 5)
            return [(("discord", "channel", community_id, channel), per_channel)]
        if platform == "slack":
            # Slack's limit is per channel, and a DM is a channel of its own.
            return [(("slack", community_id, channel), Rate(self.slack_posts_per_second, 1))]
        return []
