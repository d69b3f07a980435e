import random

import pytest

from bot.matching import Candidate, candidates, scoring
from bot.matching.pool import EPSILON, Pool
from tests.bot.matching.pools import pool


def test_candidates_score_order_n_k_pairs_not_n_squared(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    real = scoring.score

    def counted(a: Candidate, b: Candidate) -> int:
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(scoring, "score", counted)
    n = 2_000
    edges = candidates.edges(Pool.of(pool(n, 1), {}, set(), 12), random.Random(1))

    assert calls == len(edges) <= n * (candidates.TOP_K + candidates.FILL)
    assert calls < n * n / 2 / 20


def test_everyone_has_a_candidate_even_with_no_tags() -> None:
    n = 200
    edges = candidates.edges(
        Pool.of([Candidate(i) for i in range(n)], {}, set(), 12), random.Random(2)
    )

    assert {m for pair in edges for m in pair} == set(range(n))
    assert set(edges.values()) == {EPSILON}


def test_a_need_met_is_among_the_candidates() -> None:
    people = [Candidate(i, interests=frozenset({"x"})) for i in range(100)]
    people += [
        Candidate(100, needs=frozenset({"rare"})),
        Candidate(101, offers=frozenset({"rare"})),
    ]

    edges = candidates.edges(Pool.of(people, {}, set(), 12), random.Random(3))

    assert edges[(100, 101)] == scoring.NEED_OFFER + EPSILON


def test_avoided_and_recent_pairs_are_never_candidates() -> None:
    people = pool(300, 4)
    avoid = {frozenset((1, 2)), frozenset((3, 4))}
    history = {frozenset((5, 6)): 2, frozenset((7, 8)): 12}
    members = Pool.of(people, history, avoid, 12)

    edges = candidates.edges(members, random.Random(4))
    keys = {members.key(*pair) for pair in edges}

    assert not keys & (avoid | {frozenset((5, 6))})


def test_a_member_with_only_recent_partners_gets_the_least_recent() -> None:
    people = [Candidate(i) for i in range(1, 4)]
    history = {frozenset((1, 2)): 3, frozenset((1, 3)): 8, frozenset((2, 3)): 1}
    members = Pool.of(people, history, set(), 12)

    edges = candidates.edges(members, random.Random(5))

    assert edges[(0, 2)] > edges[(0, 1)] > edges[(1, 2)] > 0
    assert max(edges.values()) < EPSILON
