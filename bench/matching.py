"""Matching rounds: the approximate matcher against the exact one, a 10,000-member round, value."""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.matching import Candidate, Round, candidates, plan_round, scoring, solve
from bot.matching.pool import Pool

VOCABULARY = 400  # distinct tags in the community
ZIPF = 1.1  # tag popularity falls as 1 / rank**ZIPF
NEWCOMERS = 0.1
QUALITY_GOAL = 0.97  # approximate total weight, as a share of exact's
SPEED_GOAL = 0.01  # approximate time, as a share of exact's
ROUND_GOAL_S = 5.0  # 10,000 members, candidates and matching, end to end
STALL_GOAL_MS = 100.0  # the event loop's worst pause while a round runs in its thread
VALUE_GOAL = 3.0  # pairs with a need met, against random pairing


def members(n: int, seed: int) -> list[Candidate]:
    """`n` members with Zipf-popular tags: 1–3 needs and offers, 2–5 interests."""
    rng = random.Random(seed)
    tags = [f"tag{rank}" for rank in range(VOCABULARY)]
    weights = [1 / (rank + 1) ** ZIPF for rank in range(VOCABULARY)]

    def some(low: int, high: int) -> frozenset[str]:
        return frozenset(rng.choices(tags, weights=weights, k=rng.randint(low, high)))

    return [
        Candidate(i, some(1, 3), some(1, 3), some(2, 5), rng.random() < NEWCOMERS)
        for i in range(1, n + 1)
    ]


@dataclass
class Quality:
    """Exact against approximate on one candidate graph."""

    n: int
    edges: int
    exact_w: float
    approx_w: float
    exact_s: float
    approx_s: float


@dataclass
class Report:
    """One run's figures."""

    quality: list[Quality] = field(default_factory=list)
    members: int = 0
    candidates_s: float = 0.0
    round_s: float = 0.0
    stall_ms: float = 0.0
    met: float = 0.0  # share of pairs with a need met: the matcher's
    met_random: float = 0.0
    met_interests: float = 0.0


def compare(n: int, seed: int) -> Quality:
    """Both matchers on the same candidate graph, timed."""
    pool = Pool.of(members(n, seed), {}, set(), 12)
    graph = candidates.edges(pool, random.Random(seed))
    began = time.perf_counter()
    exact = solve.exact(n, graph)
    middle = time.perf_counter()
    approx = solve.approximate(n, graph)
    ended = time.perf_counter()
    weight = sum(graph[p] for p in exact), sum(graph[p] for p in approx)
    return Quality(n, len(graph), *weight, middle - began, ended - middle)


def met_share(people: Sequence[Candidate], groups: Sequence[Sequence[int]]) -> float:
    """The share of groups in which someone's need is met by someone else's offer."""
    by_id = {person.id: person for person in people}
    met = 0
    for group in groups:
        crew = [by_id[m] for m in group]
        met += any(scoring.needs_met(a, b) for a in crew for b in crew if a.id < b.id)
    return met / len(groups) if groups else 0.0


def random_pairs(people: Sequence[Candidate], seed: int) -> list[list[int]]:
    """A seeded random pairing."""
    ids = [person.id for person in people]
    random.Random(seed).shuffle(ids)
    return [ids[x : x + 2] for x in range(0, len(ids) - 1, 2)]


def interest_pairs(people: Sequence[Candidate], seed: int) -> list[list[int]]:
    """Greedy on shared interests alone: needs and offers hidden from the same candidate index."""
    bare = [Candidate(p.id, interests=p.interests) for p in people]
    pool = Pool.of(bare, {}, set(), 12)
    mate = solve.greedy(len(bare), candidates.edges(pool, random.Random(seed)))
    return [[pool.people[i].id, pool.people[j].id] for i, j in enumerate(mate) if i < j]


async def timed_round(people: list[Candidate], seed: int) -> tuple[Round, float, float]:
    """The round through `plan_round`, its time, and the loop's worst pause meanwhile."""
    stall = 0.0
    done = False

    async def tick() -> None:
        nonlocal stall
        while not done:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            stall = max(stall, time.perf_counter() - before - 0.001)

    ticker = asyncio.create_task(tick())
    began = time.perf_counter()
    result = await plan_round(people, history={}, seed=seed)
    took = time.perf_counter() - began
    done = True
    await ticker
    return result, took, stall * 1000


def run(*, n: int, sizes: Sequence[int], seed: int) -> Report:
    """Every measurement."""
    report = Report(quality=[compare(size, seed) for size in sizes], members=n)
    people = members(n, seed)
    began = time.perf_counter()
    candidates.edges(Pool.of(people, {}, set(), 12), random.Random(seed))
    report.candidates_s = time.perf_counter() - began
    result, report.round_s, report.stall_ms = asyncio.run(timed_round(people, seed))
    report.met = met_share(people, [g.members for g in result.groups])
    report.met_random = met_share(people, random_pairs(people, seed))
    report.met_interests = met_share(people, interest_pairs(people, seed))
    return report


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    """Print the figures and the goals."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000, help="members in the big round")
    parser.add_argument("--sizes", default="200,400", help="pool sizes for exact vs approximate")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    report = run(n=args.members, sizes=sizes, seed=args.seed)
    print(f"copbot matching bench: Zipf tags over {VOCABULARY}, seed {args.seed}")
    for q in report.quality:
        share, speed = q.approx_w / q.exact_w, q.approx_s / q.exact_s
        print(
            f"n={q.n} ({q.edges:,} candidate edges): exact {q.exact_w:,.0f} in {q.exact_s:.3f} s, "
            f"approximate {q.approx_w:,.0f} in {q.approx_s:.4f} s"
        )
        print(f"  quality {share:.2%}; goal >= {QUALITY_GOAL:.0%} {verdict(share >= QUALITY_GOAL)}")
        print(
            f"  time {speed:.2%} of exact's; "
            f"goal <= {SPEED_GOAL:.0%} {verdict(speed <= SPEED_GOAL)}"
        )
    print(
        f"round of {report.members:,}: {report.round_s:.2f} s end to end "
        f"(candidates {report.candidates_s:.2f} s); goal < {ROUND_GOAL_S:g} s "
        f"{verdict(report.round_s < ROUND_GOAL_S)}"
    )
    print(
        f"  event loop's worst pause meanwhile: {report.stall_ms:.1f} ms; "
        f"goal <= {STALL_GOAL_MS:g} ms {verdict(report.stall_ms <= STALL_GOAL_MS)}"
    )
    lift = report.met / report.met_random if report.met_random else float("inf")
    print(
        f"pairs with a need met: matcher {report.met:.1%}, random {report.met_random:.1%} "
        f"({lift:.1f}x; goal >= {VALUE_GOAL:g}x {verdict(lift >= VALUE_GOAL)}), "
        f"shared-interest greedy {report.met_interests:.1%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
