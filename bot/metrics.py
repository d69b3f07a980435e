"""Badge metrics: what a rule may count, declared by the feature that owns the data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from config.rules import Known

# Given the community id's bound parameter and `only` (which limits a member-id column to the
# members asked for), a grouped SELECT with a `member_id` column and a column per metric it
# serves. Metrics sharing a tally share its one pass over the table, joined once per query.
Tally = Callable[[Any, Callable[[Any], Any]], Any]


@dataclass(frozen=True)
class Metric:
    """A value badge rules may name: its words, and the SQL that counts it for a member."""

    name: str
    description: str  # what it counts, for the README's table of metrics
    tally: Tally | None  # None: a column of the member's own row
    column: str  # the tally's column (or the member row's) holding the value
    words: tuple[str, str] = ("", "")  # after a number: after 1, after any other number
    text: bool = False  # compared with text in quotes (`role == "leader"`), not a number
    # Turns what the SQL gave into the value rules see, at the moment of the check.
    finish: Callable[[Any, datetime], int | str] | None = None


def _days_since(joined: datetime | None, now: datetime) -> int:
    # No join date (seen before joins were recorded): count from zero.
    return max(0, (now - joined).days) if joined else 0


# Every member has these, whatever features are on.
CORE = (
    Metric(
        "active_days",
        "days the member was active",
        None,
        "active_days",
        ("active day", "active days"),
    ),
    Metric(
        "days_since_join",
        "days since the member joined",
        None,
        "joined_at",
        ("day since joining", "days since joining"),
        finish=_days_since,
    ),
    Metric("role", "the member's role, in quotes", None, "role", text=True),
)


def known(metrics: Iterable[Metric]) -> Known:
    """The names rules may use, as the rule parser takes them."""
    listed = tuple(metrics)
    return Known(
        numbers=tuple(m.name for m in listed if not m.text),
        texts=tuple(m.name for m in listed if m.text),
    )
