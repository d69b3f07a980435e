"""Injected clocks, so tests and the console's `:clock` can move time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

# The span a moved clock may show: far inside what datetime holds (years 1 to 9999), so
# that adding a day, a week's schedule or a time zone to any time shown never overflows.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 12, 31, 23, 59, tzinfo=UTC)


class ClockRangeError(ValueError):
    """A move would take the clock outside the years it may show."""


class Clock(Protocol):
    """Something that tells the time as an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current time, aware and in UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Return the wall-clock time in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that runs with real time but can be moved forward or set."""

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        self._real = SystemClock()
        self._frozen = frozen
        self._offset = timedelta(0)
        self._fixed = start
        if start is not None:
            require_aware(start)
            self._offset = start - self._real.now()

    def now(self) -> datetime:
        """Return the moved time; a frozen clock only moves when told."""
        if self._frozen and self._fixed is not None:
            return self._fixed
        return self._real.now() + self._offset

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward (or back, with a negative delta), within the allowed years."""
        now = self.now()
        # Compared as spans, so even a delta far past datetime's range cannot overflow here.
        if not EARLIEST - now <= delta <= LATEST - now:
            raise ClockRangeError(_RANGE)
        self._offset += delta
        if self._fixed is not None:
            self._fixed += delta
        elif self._frozen:
            self._fixed = self._real.now() + self._offset

    def set(self, when: datetime) -> None:
        """Jump to an absolute time, within the allowed years."""
        require_aware(when)
        if not EARLIEST <= when <= LATEST:
            raise ClockRangeError(_RANGE)
        self._offset = when - self._real.now()
        self._fixed = when


_RANGE = f"the clock stays between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}"


def require_aware(when: datetime) -> None:
    """Refuse naive datetimes: every time in copbot is aware UTC."""
    if when.tzinfo is None:
        raise ValueError("naive datetime: copbot works in aware UTC")
