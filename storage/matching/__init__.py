"""Queries for matching rounds: taking part, avoid lists, the pool, and each round's record."""

from storage.matching.members import avoid, avoided, standing, take_part, unavoid
from storage.matching.pool import ACTIVE_DAYS, Entrant, avoid_pairs, happened, history, pool
from storage.matching.rounds import (
    Formed,
    Placed,
    answer,
    came_of_it,
    followed_up,
    followups_due,
    group_of,
    latest_round,
    members_of_groups,
    next_follow_up,
    recent_for,
    record_round,
    round_of,
    seat_of,
)
from storage.matching.stats import Meetings, RoundStats, meetings_between, stats

__all__ = [
    "ACTIVE_DAYS",
    "Entrant",
    "Formed",
    "Meetings",
    "Placed",
    "RoundStats",
    "answer",
    "avoid",
    "avoid_pairs",
    "avoided",
    "came_of_it",
    "followed_up",
    "followups_due",
    "group_of",
    "happened",
    "history",
    "latest_round",
    "meetings_between",
    "members_of_groups",
    "next_follow_up",
    "pool",
    "recent_for",
    "record_round",
    "round_of",
    "seat_of",
    "standing",
    "stats",
    "take_part",
    "unavoid",
]
