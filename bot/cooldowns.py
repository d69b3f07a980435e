"""Per-member command cooldowns: at most `rate` uses in any `per` seconds."""

from __future__ import annotations

from collections import deque

from bot.clock import Clock


class Cooldowns:
    """Sliding windows of recent uses, kept in memory (a restart forgives everyone)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._uses: dict[tuple[object, ...], deque[float]] = {}

    def retry_after(
        self, key: tuple[object, ...], rate: int, per: float, *, count: bool = True
    ) -> float:
        """Seconds until the next use is allowed (0: allowed now, and counted unless told)."""
        now = self._clock.now().timestamp()
        uses = self._uses.setdefault(key, deque())
        while uses and now - uses[0] >= per:
            uses.popleft()
        if len(uses) >= rate:
            return per - (now - uses[0])
        if count:
            uses.append(now)
        return 0.0
