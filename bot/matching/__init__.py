"""Matching rounds' algorithm: plain candidates in, scored groups with reasons out."""

from bot.matching.model import Candidate, Group, NeedMet, PairReasons, Round
from bot.matching.plan import EXACT_MAX, RECENCY_WEEKS, match, plan_round

__all__ = [
    "EXACT_MAX",
    "RECENCY_WEEKS",
    "Candidate",
    "Group",
    "NeedMet",
    "PairReasons",
    "Round",
    "match",
    "plan_round",
]
