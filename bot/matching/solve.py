"""Maximum-weight matching on the candidate graph: exact for small pools, greedy + 2-opt above."""

from __future__ import annotations

from collections import deque

import networkx as nx

Edges = dict[tuple[int, int], float]
Pairs = list[tuple[int, int]]

GAIN = 1e-9  # a swap must gain more than float noise, or 2-opt could cycle
MAX_STEPS_PER_MEMBER = 20  # bounds 2-opt's work; it settles in far fewer in practice


def exact(n: int, edges: Edges) -> Pairs:
    """The most pairs possible, and among those the heaviest (Edmonds' blossom)."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from((i, j, w) for (i, j), w in sorted(edges.items()))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    return sorted((min(i, j), max(i, j)) for i, j in matching)


def adjacency(n: int, edges: Edges) -> list[dict[int, float]]:
    """Each position's candidate partners and their weights."""
    adj: list[dict[int, float]] = [{} for _ in range(n)]
    for (i, j), w in edges.items():
        adj[i][j] = w
        adj[j][i] = w
    return adj


def greedy(n: int, edges: Edges) -> list[int]:
    """Heaviest edge first; mate[i] is i's partner or -1."""
    degree = [0] * n
    for i, j in edges:
        degree[i] += 1
        degree[j] += 1
    # Sorted bucket by bucket, because one sort of every edge would hold the GIL (and so the
    # event loop) for a quarter of a second at 10,000 members.
    buckets: dict[float, list[tuple[int, int]]] = {}
    for pair, w in edges.items():
        buckets.setdefault(w, []).append(pair)
    mate = [-1] * n
    for w in sorted(buckets, reverse=True):
        # Scores come in steps of 5, so ties are many: members with fewer options go first.
        for i, j in sorted(buckets[w], key=lambda p: (degree[p[0]] + degree[p[1]], p)):
            if mate[i] < 0 and mate[j] < 0:
                mate[i], mate[j] = j, i
    return mate


def approximate(n: int, edges: Edges) -> Pairs:
    """Greedy matching improved by 2-opt swaps and short augmenting paths."""
    adj = adjacency(n, edges)
    mate = greedy(n, edges)
    improve(mate, adj)
    return sorted((i, j) for i, j in enumerate(mate) if i < j)


def improve(mate: list[int], adj: list[dict[int, float]]) -> None:
    """Local search until no member's neighbourhood offers a gain (or the step cap)."""
    queue = deque(range(len(mate)))
    queued = [True] * len(mate)
    steps = MAX_STEPS_PER_MEMBER * len(mate)
    while queue and steps:
        a = queue.popleft()
        queued[a] = False
        changed = _step(a, mate, adj)
        if changed:
            steps -= 1
            for m in changed:
                if not queued[m]:
                    queued[m] = True
                    queue.append(m)


def _step(a: int, mate: list[int], adj: list[dict[int, float]]) -> tuple[int, ...]:
    """The best single move around `a`; the members it touched, or () if none gains."""
    b = mate[a]
    if b < 0:
        return _adopt(a, mate, adj)
    base = adj[a][b]
    best, move = GAIN, None
    for c, w_ac in adj[a].items():
        d = mate[c]
        if c == b or d == a:
            continue
        if d < 0:
            # (a,b) becomes (a,c), and b pairs with a free neighbour if it has one.
            e, w_be = _free_neighbour(b, adj, mate, skip=c)
            gain = w_ac + w_be - base
            if gain > best:
                best, move = gain, ((a, c), (b, e))
            continue
        w_cd = adj[c][d]
        # (a,b),(c,d) become (a,c),(b,d); visiting d itself tries (a,d),(b,c).
        w_bd = adj[b].get(d)
        if w_bd is not None and w_ac + w_bd - base - w_cd > best:
            best, move = w_ac + w_bd - base - w_cd, ((a, c), (b, d))
        if w_ac <= base:
            continue  # a longer cycle through c must start with a heavier edge at a
        # (a,b),(c,d),(e,f) become (a,c),(d,e),(f,b): an alternating cycle of six.
        for e, w_de in adj[d].items():
            f = mate[e]
            if f < 0 or e in (a, b, c) or f in (a, b, c, d):
                continue
            w_fb = adj[f].get(b)
            if w_fb is not None:
                gain = w_ac + w_de + w_fb - base - w_cd - adj[e][f]
                if gain > best:
                    best, move = gain, ((a, c), (d, e), (f, b))
    return _apply(move, mate) if move else ()


def _apply(pairs: tuple[tuple[int, int], ...], mate: list[int]) -> tuple[int, ...]:
    """Form `pairs` (a -1 partner means none), freeing anyone whose partner they take."""
    touched = {m for pair in pairs for m in pair if m >= 0}
    touched |= {mate[m] for m in list(touched) if mate[m] >= 0}
    for m in touched:
        mate[m] = -1
    for i, j in pairs:
        if i >= 0 and j >= 0:
            mate[i], mate[j] = j, i
    return tuple(sorted(touched))


def _adopt(a: int, mate: list[int], adj: list[dict[int, float]]) -> tuple[int, ...]:
    """An unmatched `a` takes a free neighbour, or steals one whose partner can rematch."""
    e, _ = _free_neighbour(a, adj, mate, skip=-1)
    if e >= 0:
        return _apply(((a, e),), mate)
    for c in adj[a]:
        d = mate[c]
        f, _ = _free_neighbour(d, adj, mate, skip=a)
        # An augmenting path a-c, d-f: one more pair, which counts before weight (as in exact).
        if f >= 0:
            return _apply(((a, c), (d, f)), mate)
    return ()


def _free_neighbour(
    b: int, adj: list[dict[int, float]], mate: list[int], skip: int
) -> tuple[int, float]:
    """`b`'s heaviest unmatched neighbour other than `skip`, or (-1, 0)."""
    best, weight = -1, 0.0
    for e, w in adj[b].items():
        if e != skip and mate[e] < 0 and (best < 0 or w > weight):
            best, weight = e, w
    return best, weight
