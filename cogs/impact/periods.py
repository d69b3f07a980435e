"""The periods /impact accepts: 12m, 30d, a year (2026), or a span of months (2026-01..2026-06)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from bot.errors import UserError

FORMS = "`12m` (months), `30d` (days), a year like `2026`, or months like `2026-01..2026-06`"
_AGO = re.compile(r"(\d{1,3})([md])")
_YEAR = re.compile(r"(\d{4})")
_MONTH = r"(\d{4})-(\d{2})"
_SPAN = re.compile(rf"{_MONTH}\.\.{_MONTH}")
MOST_DAYS = 3660  # ten years: longer than any community has kept records


@dataclass(frozen=True)
class Period:
    """A span of time, in words as the report names it."""

    since: datetime  # aware, inclusive
    until: datetime  # aware, exclusive
    words: str


def parse(text: str | None, *, now: datetime, zone: tzinfo) -> Period:
    """The period a member asked for (the last 12 months if nothing); UserError otherwise."""
    wanted = (text or "12m").strip().lower()
    local = now.astimezone(zone)
    if found := _AGO.fullmatch(wanted):
        number, unit = int(found[1]), found[2]
        if number < 1 or (unit == "d" and number > MOST_DAYS) or (unit == "m" and number > 120):
            raise _refusal(text)
        since = now - timedelta(days=number) if unit == "d" else _months_back(local, number)
        span = f"{number} month" if unit == "m" else f"{number} day"
        # Through the end of today, so what happened a moment ago is counted too.
        until = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=zone)
        return Period(since, until, f"the last {span}{'s' if number > 1 else ''}")
    if found := _YEAR.fullmatch(wanted):
        year = int(found[1])
        return Period(_start(year, 1, zone), _start(year + 1, 1, zone), str(year))
    if found := _SPAN.fullmatch(wanted):
        y1, m1, y2, m2 = (int(part) for part in found.groups())
        if not (1 <= m1 <= 12 and 1 <= m2 <= 12) or (y1, m1) > (y2, m2) or y1 < 1970:
            raise _refusal(text)
        until = _start(y2 + (m2 == 12), m2 % 12 + 1, zone)
        return Period(_start(y1, m1, zone), until, f"{y1}-{m1:02d} to {y2}-{m2:02d}")
    raise _refusal(text)


def _months_back(local: datetime, months: int) -> datetime:
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    day = min(local.day, 28)  # every month has a 28th: 31 March less a month is not 31 February
    return local.replace(year=year, month=month + 1, day=day)


def _start(year: int, month: int, zone: tzinfo) -> datetime:
    return datetime(year, month, 1, tzinfo=zone)


def _refusal(text: str | None) -> UserError:
    return UserError(f"I can't read “{(text or '')[:40]}” as a period. Try {FORMS}.")
