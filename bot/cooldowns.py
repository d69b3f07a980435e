"""Per-member command cooldowns: at most `rate` successful uses in any `per` seconds."""

from __future__ import annotations

from collections import deque

from bot.clock import Clock


class Cooldowns:
    """Sliding windows of recent successful uses, kept in memory (a restart forgives everyone)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._uses: dict[tuple[object, ...], deque[float]] = {}

    def retry_after(self, key: tuple[object, ...], rate: int, per: float) -> float:
        """Seconds until the next use is allowed (0: allowed now); nothing is counted."""
        uses = self._recent(key, per)
        return per - (self._clock.now().timestamp() - uses[0]) if len(uses) >= rate else 0.0

    def use(self, key: tuple[object, ...], per: float) -> None:
        """Count one successful use (called after it committed, so failures never count)."""
        self._recent(key, per).append(self._clock.now().timestamp())

    def _recent(self, key: tuple[object, ...], per: float) -> deque[float]:
        now = self._clock.now().timestamp()
        uses = self._uses.setdefault(key, deque())
        while uses and now - uses[0] >= per:
            uses.popleft()
        return uses
