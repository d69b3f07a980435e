"""A matching round: the candidate graph, the matching, leftovers, and the trio for odd pools."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping, Sequence

from bot.matching import candidates, scoring, solve
from bot.matching.model import Candidate, Group, Round
from bot.matching.pool import Pool

# Measured with bench/matching.py on the candidate graph: networkx's blossom takes 0.25 s at
# 200 members, 0.9 s at 400 and 1.2 s at 600, while greedy + local search lands 3-4% below it;
# a round is weekly, so the exact answer is worth its second up to here, and cubic beyond.
EXACT_MAX = 600
RECENCY_WEEKS = 12


def match(
    people: Sequence[Candidate],
    *,
    history: Mapping[frozenset[int], int],
    avoid: set[frozenset[int]] | frozenset[frozenset[int]] = frozenset(),
    recency_weeks: int = RECENCY_WEEKS,
    seed: int = 0,
    exact_max: int = EXACT_MAX,
) -> Round:
    """Pair the pool for one round; the same inputs and seed always give the same round."""
    pool = Pool.of(people, history, avoid, recency_weeks)
    n = len(pool.people)
    graph = candidates.edges(pool, random.Random(seed))
    pairs = solve.exact(n, graph) if n <= exact_max else solve.approximate(n, graph)
    groups = [list(pair) for pair in pairs]
    left = sorted(set(range(n)) - {i for pair in pairs for i in pair})
    groups += _pair_leftovers(pool, left)
    placed = {i for group in groups for i in group}
    unpaired = [i for i in left if i not in placed]
    unpaired = _join_trios(pool, groups, unpaired)
    return Round(
        groups=tuple(sorted((_group(pool, g) for g in groups), key=lambda g: g.members)),
        unpaired=tuple(sorted(pool.people[i].id for i in unpaired)),
    )


async def plan_round(
    people: Sequence[Candidate],
    *,
    history: Mapping[frozenset[int], int],
    avoid: set[frozenset[int]] | frozenset[frozenset[int]] = frozenset(),
    recency_weeks: int = RECENCY_WEEKS,
    seed: int = 0,
) -> Round:
    """`match` off the event loop, so commands keep answering during a round."""
    # A thread, not a process, by measurement (bench/matching.py, 10,000 members, 2 cores): in
    # a thread the loop's worst pause is 55-150 ms, once the big sorts went bucket by bucket;
    # a spawned process paused it longer (180 ms, pickling the pool and the round on the
    # loop's side) and added a second and a half of start-up to the round.
    return await asyncio.to_thread(
        match, people, history=history, avoid=avoid, recency_weeks=recency_weeks, seed=seed
    )


def _pair_leftovers(pool: Pool, left: list[int]) -> list[list[int]]:
    """Pair members the matching left over among themselves, on any allowed edge."""
    options = []
    for x, i in enumerate(left):
        for j in left[x + 1 :]:
            weight = pool.weight(i, j)
            if weight is not None:
                options.append((-weight, i, j))
    taken: set[int] = set()
    groups = []
    for _, i, j in sorted(options):
        if i not in taken and j not in taken:
            taken |= {i, j}
            groups.append([i, j])
    return groups


def _join_trios(pool: Pool, groups: list[list[int]], unpaired: list[int]) -> list[int]:
    """Each member still alone joins the pair where they add most; those who fit nowhere stay."""
    still = []
    for i in unpaired:
        best, where = None, None
        for group in groups:
            if len(group) != 2:
                continue
            weights = [pool.weight(i, m) for m in group]
            if None in weights:
                continue
            gain = sum(w for w in weights if w is not None)
            if best is None or gain > best:
                best, where = gain, group
        if where is None:
            still.append(i)
        else:
            where.append(i)
    return still


def _group(pool: Pool, group: list[int]) -> Group:
    """The group by id, with its score and each pair's reasons."""
    members = sorted(group, key=lambda i: pool.people[i].id)
    reasons, total = [], 0
    for x, i in enumerate(members):
        for j in members[x + 1 :]:
            a, b = pool.people[i], pool.people[j]
            weeks = pool.history.get(pool.key(i, j))
            repeat = weeks if weeks is not None and weeks < pool.recency_weeks else None
            reasons.append(scoring.reasons(a, b, met_weeks_ago=repeat))
            total += pool.score(i, j)
    return Group(tuple(pool.people[i].id for i in members), total, tuple(reasons))
