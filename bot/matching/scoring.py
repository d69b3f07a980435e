"""How much two members gain from meeting, and the reasons behind the number."""

from __future__ import annotations

from bot.matching.model import Candidate, NeedMet, PairReasons

# Weights in the order: a need met dominates, shared interests break ties among those,
# and a newcomer meeting an established member breaks the ties left. Caps keep one tag-heavy
# intro from outweighing everyone else's single need.
NEED_OFFER = 100  # per tag one member needs and the other offers, either direction
NEED_OFFER_CAP = 300
INTEREST = 10  # per shared interest
INTEREST_CAP = 50  # below one need met, so interests never outrank a need
NEWCOMER = 5  # a newcomer (joined in the last 30 days) with an established member


def needs_met(a: Candidate, b: Candidate) -> tuple[NeedMet, ...]:
    """Every need of either member that the other offers, sorted."""
    met = [NeedMet(a.id, b.id, tag) for tag in sorted(a.needs & b.offers)]
    met += [NeedMet(b.id, a.id, tag) for tag in sorted(b.needs & a.offers)]
    return tuple(met)


def score(a: Candidate, b: Candidate) -> int:
    """The pair's score: needs met, then shared interests, then a newcomer pairing."""
    need = NEED_OFFER * (len(a.needs & b.offers) + len(b.needs & a.offers))
    shared = INTEREST * len(a.interests & b.interests)
    welcome = NEWCOMER if a.newcomer != b.newcomer else 0
    return min(need, NEED_OFFER_CAP) + min(shared, INTEREST_CAP) + welcome


def reasons(a: Candidate, b: Candidate, met_weeks_ago: int | None = None) -> PairReasons:
    """The structured reasons behind `score(a, b)`."""
    newcomer = (a.id if a.newcomer else b.id) if a.newcomer != b.newcomer else None
    return PairReasons(
        pair=(a.id, b.id),
        needs_met=needs_met(a, b),
        shared_interests=tuple(sorted(a.interests & b.interests)),
        newcomer=newcomer,
        met_weeks_ago=met_weeks_ago,
    )
