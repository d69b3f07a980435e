"""Candidate partners through an inverted tag index, never by scoring every pair."""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from operator import itemgetter

from bot.matching.pool import EPSILON, Pool
from bot.matching.scoring import INTEREST, NEED_OFFER

TOP_K = 24  # best candidate partners kept per member
FILL = 3  # random partners per member, so a member with no tag overlap still has some
FILL_TRIES = 4  # attempts per random partner before giving up (most fail only in tiny pools)
TAG_SAMPLE = 60  # members looked at per need/offer tag; a popular tag would otherwise be n²
INTEREST_SAMPLE = 20  # interests weigh a tenth of a need, so fewer looks suffice
SMALL_POOL = TOP_K + FILL + 1  # at or below this, every pair is a candidate
SLACK = 8  # extra partners ranked in case some of the best are blocked
REPEATS = 3  # least recent past partners offered to a member left with no fresh candidate

Edges = dict[tuple[int, int], float]


def index(pool: Pool) -> tuple[dict[str, list[int]], ...]:
    """Tag to the positions needing it, offering it, and interested in it."""
    needing: dict[str, list[int]] = defaultdict(list)
    offering: dict[str, list[int]] = defaultdict(list)
    interested: dict[str, list[int]] = defaultdict(list)
    for i, person in enumerate(pool.people):
        for tag in sorted(person.needs):
            needing[tag].append(i)
        for tag in sorted(person.offers):
            offering[tag].append(i)
        for tag in sorted(person.interests):
            interested[tag].append(i)
    return needing, offering, interested


def _look(members: list[int], cap: int, rng: random.Random) -> list[int]:
    """The members behind one tag, a random window of `cap` when the tag is popular."""
    if len(members) <= cap:
        return members
    # A window, not random.sample: lists are in id order, unrelated to tags, and slicing is
    # ten times cheaper, which matters at 10,000 members.
    start = rng.randrange(len(members))
    return members[start : start + cap] + members[: max(0, start + cap - len(members))]


def edges(pool: Pool, rng: random.Random) -> Edges:
    """The candidate graph: each member's best partners by tag, plus a few random ones."""
    n = len(pool.people)
    if n <= SMALL_POOL:
        found = {(i, j) for i in range(n) for j in range(i + 1, n) if pool.fresh(i, j)}
    else:
        found = _by_tags(pool, rng) | _fill(pool, rng)
    # Sorted one member at a time: a single sort of every pair would hold the GIL too long.
    partners: list[list[int]] = [[] for _ in range(n)]
    for i, j in found:
        partners[i].append(j)
    graph: Edges = {
        (i, j): pool.score(i, j) + EPSILON for i in range(n) for j in sorted(partners[i])
    }
    _repeats(pool, graph)
    return graph


def _by_tags(pool: Pool, rng: random.Random) -> set[tuple[int, int]]:
    """Each member's TOP_K partners by an estimate tallied through the tag index."""
    needing, offering, interested = index(pool)
    found: set[tuple[int, int]] = set()
    for i, person in enumerate(pool.people):
        tally: dict[int, int] = defaultdict(int)
        for tag in sorted(person.needs):
            for j in _look(offering.get(tag, []), TAG_SAMPLE, rng):
                tally[j] += NEED_OFFER
        for tag in sorted(person.offers):
            for j in _look(needing.get(tag, []), TAG_SAMPLE, rng):
                tally[j] += NEED_OFFER
        for tag in sorted(person.interests):
            for j in _look(interested.get(tag, []), INTEREST_SAMPLE, rng):
                tally[j] += INTEREST
        tally.pop(i, None)
        # Blocked partners drop out before the cut, so they never take a slot; the slack
        # spares a full sort unless many of the best are blocked.
        # nlargest is stable, so ties go to whoever the index named first: the same every run.
        best = heapq.nlargest(TOP_K + SLACK, tally.items(), key=itemgetter(1))
        rank = [j for j, _ in best]
        if len(rank) < len(tally) and sum(not pool.fresh(i, j) for j in rank) > SLACK:
            rank = [j for j, _ in sorted(tally.items(), key=itemgetter(1), reverse=True)]
        kept = 0
        for j in rank:
            if kept == TOP_K:
                break
            if pool.fresh(i, j):
                found.add((i, j) if i < j else (j, i))
                kept += 1
    return found


def _fill(pool: Pool, rng: random.Random) -> set[tuple[int, int]]:
    """A few random fresh partners per member."""
    n = len(pool.people)
    found: set[tuple[int, int]] = set()
    for i in range(n):
        for _ in range(FILL):
            for _ in range(FILL_TRIES):
                j = rng.randrange(n)
                if j != i and pool.fresh(i, j):
                    found.add((i, j) if i < j else (j, i))
                    break
    return found


def _repeats(pool: Pool, graph: Edges) -> None:
    """For members with no candidate, add their least recent past partners as repeats."""
    n = len(pool.people)
    has = {i for pair in graph for i in pair}
    position = {person.id: i for i, person in enumerate(pool.people)}
    lonely = [i for i in range(n) if i not in has]
    if not lonely:
        return
    past: dict[int, list[tuple[int, int]]] = defaultdict(list)  # position to (weeks, partner)
    for key, weeks in pool.history.items():
        ids = tuple(key)
        if len(ids) == 2 and ids[0] in position and ids[1] in position and key not in pool.avoid:
            a, b = position[ids[0]], position[ids[1]]
            past[a].append((weeks, b))
            past[b].append((weeks, a))
    for i in lonely:
        for weeks, j in sorted(past[i], key=lambda wj: (-wj[0], wj[1]))[:REPEATS]:
            pair = (i, j) if i < j else (j, i)
            graph.setdefault(pair, pool.repeat_weight(weeks))
