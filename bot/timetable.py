"""When local-time jobs fall due: `daily="10:00"`, `weekly="mon 15:00"` or a cron line, per zone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from config import values

DAYS = values.DAYS
# How far back a due run is still caught up (once) after downtime.
_LOOKBACK = {"daily": timedelta(days=2), "weekly": timedelta(days=8), "cron": timedelta(days=8)}
_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CRON_STEPS = 10_000  # a cron line firing every minute over a week: ~10,000 fire times


class WhenError(ValueError):
    """A schedule that can't be read; the message says what is allowed."""


@dataclass(frozen=True)
class When:
    """A local-time schedule: every day or one weekday at a time, or a crontab line."""

    kind: str  # daily, weekly or cron
    at: time | None = None
    weekday: int | None = None  # 0 is Monday
    cron: str | None = None

    def __str__(self) -> str:
        if self.kind == "cron":
            return f"cron {self.cron}"
        assert self.at is not None
        day = "every day" if self.weekday is None else f"every {DAYS[self.weekday].title()}"
        return f"{day} at {self.at:%H:%M}"


def clock_time(text: str) -> time:
    """A 24-hour `HH:MM` time, as settings and schedules write it."""
    try:
        hours, minutes = values.clock_time(text, name="time").split(":")
    except values.ValueRuleError:
        raise WhenError("a time is written as 24-hour HH:MM, for example 15:00") from None
    return time(int(hours), int(minutes))


def weekday(text: str) -> int:
    """A weekday by its English name or first three letters; 0 is Monday."""
    try:
        return values.DAYS.index(values.weekday(text, name="day"))
    except values.ValueRuleError:
        raise WhenError(f"a day is one of {', '.join(values.DAYS)}") from None


def daily(at: str) -> When:
    """Every day at a local time."""
    return When("daily", at=clock_time(at))


def weekly(spec: str) -> When:
    """One weekday at a local time: `mon 15:00`."""
    day, _, at = spec.strip().partition(" ")
    return When("weekly", at=clock_time(at), weekday=weekday(day))


def cron(line: str) -> When:
    """A five-field crontab line, read in the community's zone."""
    try:
        _trigger(line, UTC)
    except ValueError as error:
        raise WhenError(f"not a crontab line: {error}") from None
    return When("cron", cron=line)


def _trigger(line: str, zone: ZoneInfo | type[UTC] | object) -> CronTrigger:
    fields = line.split()
    if len(fields) != 5:
        raise ValueError("a crontab line has five fields: minute hour day month weekday")
    # APScheduler numbers weekdays from Monday (0); crontab from Sunday (0 and 7): use names.
    week = fields[4]
    if week in ("0-6", "0-7", "1-7"):
        week = "*"
    fields[4] = re.sub(r"[0-7]", lambda m: _CRON_DAYS[int(m.group())], week)
    minute, hour, day, month, weekday_field = fields
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=weekday_field, timezone=zone
    )


def occurrences(when: When, zone: ZoneInfo, after: datetime, until: datetime) -> Iterator[datetime]:
    """The UTC times it falls due in (after, until], in order."""
    if when.kind == "cron":
        yield from _cron_times(when, zone, after, until)
        return
    assert when.at is not None
    day = after.astimezone(zone).date() - timedelta(days=1)
    last = until.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        if when.weekday is None or day.weekday() == when.weekday:
            at = local_instant(day, when.at, zone)
            if after < at <= until:
                yield at
        day += timedelta(days=1)


def latest(when: When, zone: ZoneInfo, now: datetime) -> datetime | None:
    """The last time it fell due at or before `now`, within the catch-up window."""
    found = None
    for found in occurrences(when, zone, now - _LOOKBACK[when.kind], now):  # noqa: B007
        pass
    return found


def following(when: When, zone: ZoneInfo, now: datetime) -> datetime | None:
    """The next time it falls due after `now`."""
    return next(occurrences(when, zone, now, now + _LOOKBACK[when.kind]), None)


def period(at: datetime, zone: ZoneInfo) -> str:
    """The name of the run due at `at`: its local date and time, the job-run record's key."""
    return at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as UTC: the earlier of a repeated hour, a skipped hour moved on."""
    # zoneinfo reads a wall time with fold=0: in autumn's repeated hour that is the first one;
    # in spring's skipped hour it is the time the clocks would have shown, an hour on.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _cron_times(when: When, zone: ZoneInfo, after: datetime, until: datetime) -> Iterator[datetime]:
    trigger = _trigger(when.cron or "", zone)
    previous: datetime | None = None
    now = after + timedelta(microseconds=1)
    for _ in range(_CRON_STEPS):
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None or fire > until:
            return
        yield fire.astimezone(UTC)
        previous, now = fire, fire + timedelta(microseconds=1)
