"""Seeded pools for the matcher's tests."""

from __future__ import annotations

import random

from bot.matching import Candidate

TAGS = [f"tag{i}" for i in range(40)]


def tags(rng: random.Random, low: int, high: int) -> frozenset[str]:
    """A few tags, the first ones commoner (as real intros are)."""
    weights = [1 / (rank + 1) for rank in range(len(TAGS))]
    return frozenset(rng.choices(TAGS, weights=weights, k=rng.randint(low, high)))


def pool(n: int, seed: int) -> list[Candidate]:
    """`n` members with 1–3 needs and offers, 2–5 interests, a tenth of them newcomers."""
    rng = random.Random(seed)
    return [
        Candidate(i, tags(rng, 1, 3), tags(rng, 1, 3), tags(rng, 2, 5), rng.random() < 0.1)
        for i in range(1, n + 1)
    ]
