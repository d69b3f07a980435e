"""When local-time jobs fall due: `daily="10:00"`, `weekly="mon 15:00"` or a cron line, per zone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from config import values

DAYS = values.DAYS
# How far back a due run is still caught up (once) after downtime.
_LOOKBACK = {"daily": timedelta(days=2), "weekly": timedelta(days=8), "cron": timedelta(days=8)}
# The latest run is looked for in the shortest of these that has one: a cron line firing every
# minute is found in the last hour, without walking a week of fire times.
_RECENT = (timedelta(hours=1), timedelta(days=1))
_AHEAD = {"daily": timedelta(days=2), "weekly": timedelta(days=8), "cron": timedelta(days=400)}
_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab's numbering: 0 and 7
_CRON_STEPS = 10_000  # fire times walked at most per question, whatever the line


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


def _trigger(line: str, zone: ZoneInfo | type[UTC] | object) -> BaseTrigger:
    fields = line.split()
    if len(fields) != 5:
        raise ValueError("a crontab line has five fields: minute hour day month weekday")
    minute, hour, day, month, week = fields
    days = cron_weekdays(week)

    def trigger(day: str, days: str) -> CronTrigger:
        return CronTrigger(
            minute=minute, hour=hour, day=day, month=month, day_of_week=days, timezone=zone
        )

    if day != "*" and week != "*":
        # crontab runs on either day when both are given ("1 * 1" is the 1st and every Monday);
        # APScheduler would want both at once.
        return OrTrigger([trigger(day, "*"), trigger("*", days)])
    return trigger(day, days)


def cron_weekdays(field: str) -> str:
    """A crontab weekday field (0 and 7 are Sunday; names, ranges, lists, steps) as day names."""
    # APScheduler numbers weekdays from Monday, so the days are spelt out by name for it.
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step = part.partition("/")
        stride = _cron_number(step, 1, 7) if step else 1
        if span == "*":
            low, high = 0, 6
        elif "-" in span:
            first, _, last = span.partition("-")
            low, high = _cron_day(first), _cron_day(last)
        else:
            low = _cron_day(span)
            high = 6 if step else low  # "1/2": from Monday on, every other day
        if low > high:
            raise ValueError(f"a weekday range runs forward (0-6, or sun-sat): {part!r}")
        days.update(day % 7 for day in range(low, high + 1, stride))
    return ",".join(_CRON_DAYS[day] for day in sorted(days))


def _cron_day(text: str) -> int:
    if text[:3] in _CRON_DAYS and len(text) == 3:
        return _CRON_DAYS.index(text)
    return _cron_number(text, 0, 7)


def _cron_number(text: str, low: int, high: int) -> int:
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise ValueError(f"{text!r} is not a weekday: 0-7 (0 and 7 are Sunday) or sun-sat")
    return int(text)


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
    for back in (*_RECENT, _LOOKBACK[when.kind]):
        found = None
        for found in occurrences(when, zone, now - back, now):  # noqa: B007
            pass
        if found is not None:
            return found
    return None


def following(when: When, zone: ZoneInfo, now: datetime) -> datetime | None:
    """The next time it falls due after `now` (a cron line's within about a year)."""
    return next(occurrences(when, zone, now, now + _AHEAD[when.kind]), None)


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
    # Stepped on in UTC: a wall-clock step from the second 02:30 of autumn's repeated hour
    # lands back on the first one, and the walk would never leave it.
    start = after.astimezone(UTC) + timedelta(microseconds=1)
    for _ in range(_CRON_STEPS):
        fire = trigger.get_next_fire_time(None, start)
        if fire is None:
            return
        fire = fire.astimezone(UTC)
        if fire > until:
            return
        # Never back in time, whatever the trigger answers; and autumn's repeated hour runs
        # once, the first time round, as daily and weekly times do.
        if fire >= start and not fire.astimezone(zone).fold:
            yield fire
        start = max(fire, start) + timedelta(microseconds=1)
