"""The pool a round draws from: members by position, and who may (or should not) meet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.matching import scoring
from bot.matching.model import Candidate

# Every fresh edge carries EPSILON on top of its score, so a pair with nothing in common is
# still worth pairing. A repeat pair allowed because the pool is too small is worth less than
# any fresh pair (its score is forfeited), and more the longer ago the pair last met.
EPSILON = 1.0
REPEAT_CEILING = 0.5


@dataclass
class Pool:
    """Members by position (sorted by id), with the history and avoid list around them."""

    people: list[Candidate]
    history: Mapping[frozenset[int], int]
    avoid: set[frozenset[int]] | frozenset[frozenset[int]]
    recency_weeks: int
    scores: dict[tuple[int, int], int] = field(default_factory=dict)
    # Positions (low, high) of pairs avoided or met recently: `fresh` is asked about every
    # candidate of every member, so it looks up a tuple, not a frozenset of ids.
    blocked: set[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        position = {person.id: i for i, person in enumerate(self.people)}
        recent = {key for key, weeks in self.history.items() if weeks < self.recency_weeks}
        for key in (*self.avoid, *recent):
            ids = [position.get(member) for member in key]
            if len(ids) == 2 and None not in ids:
                i, j = sorted(ids)  # type: ignore[type-var]
                self.blocked.add((i, j))

    @classmethod
    def of(
        cls,
        people: Sequence[Candidate],
        history: Mapping[frozenset[int], int],
        avoid: set[frozenset[int]] | frozenset[frozenset[int]],
        recency_weeks: int,
    ) -> Pool:
        """The pool with members sorted by id, so a seed always gives the same round."""
        return cls(sorted(people, key=lambda c: c.id), history, avoid, recency_weeks)

    def key(self, i: int, j: int) -> frozenset[int]:
        """The history and avoid key of two positions."""
        return frozenset((self.people[i].id, self.people[j].id))

    def fresh(self, i: int, j: int) -> bool:
        """Whether the two may meet without a repeat: not avoided, not met recently."""
        return ((i, j) if i < j else (j, i)) not in self.blocked

    def score(self, i: int, j: int) -> int:
        """The pair's score, computed once."""
        pair = (i, j) if i < j else (j, i)
        if pair not in self.scores:
            self.scores[pair] = scoring.score(self.people[i], self.people[j])
        return self.scores[pair]

    def weight(self, i: int, j: int) -> float | None:
        """The pair's matching weight; a recent repeat's is below every fresh pair's, or None."""
        key = self.key(i, j)
        if key in self.avoid:
            return None
        weeks = self.history.get(key)
        if weeks is None or weeks >= self.recency_weeks:
            return self.score(i, j) + EPSILON
        return self.repeat_weight(weeks)

    def repeat_weight(self, weeks: int) -> float:
        """A recent repeat's weight: the longer ago, the more."""
        return REPEAT_CEILING * (max(weeks, 0) + 1) / (self.recency_weeks + 1)
