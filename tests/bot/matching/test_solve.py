import itertools
import random

from bot.matching import candidates, solve
from bot.matching.pool import Pool
from tests.bot.matching.pools import pool


def brute(n: int, edges: dict[tuple[int, int], float]) -> tuple[int, float]:
    """The most pairs, then the heaviest, by trying every matching."""
    best = (0, 0.0)
    for size in range(1, n // 2 + 1):
        for chosen in itertools.combinations(sorted(edges), size):
            ends = [m for pair in chosen for m in pair]
            if len(set(ends)) == len(ends):
                best = max(best, (size, sum(edges[p] for p in chosen)))
    return best


def random_graph(rng: random.Random, n: int) -> dict[tuple[int, int], float]:
    """A sparse random graph with integer weights (so sums compare exactly)."""
    return {
        (i, j): float(rng.randint(0, 30))
        for i in range(n)
        for j in range(i + 1, n)
        if rng.random() < 0.4
    }


def total(edges: dict[tuple[int, int], float], pairs: list[tuple[int, int]]) -> float:
    """The matching's weight."""
    return sum(edges[p] for p in pairs)


def test_exact_finds_the_brute_force_optimum_on_small_random_graphs() -> None:
    rng = random.Random(7)
    for _ in range(40):
        n = rng.randint(2, 9)
        edges = random_graph(rng, n)
        pairs = solve.exact(n, edges)

        assert (len(pairs), total(edges, pairs)) == brute(n, edges)


def test_approximate_is_a_matching_on_candidate_edges() -> None:
    rng = random.Random(8)
    for _ in range(40):
        n = rng.randint(2, 9)
        edges = random_graph(rng, n)
        pairs = solve.approximate(n, edges)
        ends = [m for pair in pairs for m in pair]

        assert len(set(ends)) == len(ends) and all(pair in edges for pair in pairs)
        assert total(edges, pairs) <= brute(n, edges)[1]


def test_approximate_is_within_a_few_percent_of_exact_on_sixty_members() -> None:
    for seed in range(5):
        members = Pool.of(pool(60, seed), {}, set(), 12)
        edges = candidates.edges(members, random.Random(seed))
        exact = total(edges, solve.exact(60, edges))

        assert total(edges, solve.approximate(60, edges)) >= 0.95 * exact
