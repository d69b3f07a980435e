"""Queries for badges: members' metrics, who holds what, awards, grants and revocations."""

from storage.badges.awards import award, award_many, grant, revoke
from storage.badges.lists import (
    awarded_between,
    awards_of,
    counts,
    earned_since,
    events_of,
    holders,
    holders_page,
    rows_of,
    top_givers,
)
from storage.badges.standings import CHUNK, MetricValues, Standing, metrics, standings

__all__ = [
    "CHUNK",
    "MetricValues",
    "Standing",
    "award",
    "award_many",
    "awarded_between",
    "awards_of",
    "counts",
    "earned_since",
    "events_of",
    "grant",
    "holders",
    "holders_page",
    "metrics",
    "revoke",
    "rows_of",
    "standings",
    "top_givers",
]
