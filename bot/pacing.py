"""Token buckets on the injected clock: how fast copbot may speak on each platform."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from bot.clock import Clock
from storage import pacing as shared
from storage.db import Database
from storage.models import OutboxRow

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


class PaceKeeper:
    """Where a message's turn is taken: this process's buckets, or the database's for DMs."""

    # Several processes on Postgres each send from the one outbox: with buckets of their own,
    # N of them would DM a community N times as fast as its pace. DMs, the messages nobody
    # asked for, take their turns from rows every process shares; posts keep local buckets
    # (the platform's per-channel limits answer with a retry), as does everything on SQLite,
    # where one process sends.

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._local = Pacer(clock)
        self._shared = db.engine.dialect.name == "postgresql"

    async def turn(
        self, pacing: Pacing, platform: str, row: OutboxRow, target: OutboxRow | None
    ) -> float:
        """Take an outbox row's turn and return 0, or return how long it must wait (taking none)."""
        kind, channel = row.kind, row.channel or row.here or ""
        if row.kind == "dm":
            channel = f"dm:{row.member_id}"
        if target is not None:
            # An edit counts against the channel of the message it changes, as a post there.
            kind, channel = "post", target.channel or target.here or ""
            if target.kind == "dm":
                channel = f"dm:{target.member_id}"
        needs = pacing.needs(platform, kind, row.community_id, channel)
        if not (self._shared and kind == "dm" and needs):
            return self._local.reserve(needs)
        wanted = [_need(key, rate, row.community_id) for key, rate in needs]
        async with self._db.session() as session, session.begin():
            return await shared.reserve(session, needs=wanted, now=self._clock.now())


def _need(key: Hashable, rate: Rate, community_id: int) -> shared.Need:
    """A bucket as the database keeps it: its key as text, and whose it is."""
    parts = key if isinstance(key, tuple) else (key,)
    # A bucket keyed by the community is that community's; the others are the whole bot's.
    whose = community_id if community_id in parts[1:] else None
    return shared.Need(":".join(str(part) for part in parts), whose, rate.per_second, rate.burst)
