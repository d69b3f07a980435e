"""The matcher's plain data: who is in the pool, and the groups a round makes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """A member in the pool, with the tags their intro gave."""

    id: int
    needs: frozenset[str] = frozenset()
    offers: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    newcomer: bool = False


@dataclass(frozen=True)
class NeedMet:
    """One member needs a tag that the other offers."""

    needer: int
    offerer: int
    tag: str


@dataclass(frozen=True)
class PairReasons:
    """Why two members were put together, for the DM that introduces them."""

    pair: tuple[int, int]
    needs_met: tuple[NeedMet, ...] = ()
    shared_interests: tuple[str, ...] = ()
    newcomer: int | None = None  # the newcomer's id, when paired with an established member
    met_weeks_ago: int | None = None  # set only when the pool was too small to avoid a repeat


@dataclass(frozen=True)
class Group:
    """Two members (three when the pool is odd), the score and its reasons per pair."""

    members: tuple[int, ...]
    score: int
    reasons: tuple[PairReasons, ...]


@dataclass(frozen=True)
class Round:
    """One round's groups, and anyone who could not be placed (avoid lists can force it)."""

    groups: tuple[Group, ...]
    unpaired: tuple[int, ...] = ()
