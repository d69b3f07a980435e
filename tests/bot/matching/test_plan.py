import random

from bot.matching import Candidate, NeedMet, Round, match, plan_round
from bot.matching.scoring import NEED_OFFER
from tests.bot.matching.pools import pool


def pairs(round_: Round) -> set[frozenset[int]]:
    """Every pair inside the round's groups, trios included."""
    found = set()
    for group in round_.groups:
        for a in group.members:
            for b in group.members:
                if a < b:
                    found.add(frozenset((a, b)))
    return found


def placed(round_: Round) -> list[int]:
    """Every member in a group, with repeats if any."""
    return [m for group in round_.groups for m in group.members]


def test_an_even_pool_is_paired_entirely_by_need_met() -> None:
    ana = Candidate(1, needs=frozenset({"grant writing"}))
    ben = Candidate(2, offers=frozenset({"grant writing"}))
    cai = Candidate(3, needs=frozenset({"python"}))
    dee = Candidate(4, offers=frozenset({"python"}))

    result = match([dee, cai, ben, ana], history={})

    assert [g.members for g in result.groups] == [(1, 2), (3, 4)]
    assert result.groups[0].score == NEED_OFFER
    assert result.groups[0].reasons[0].needs_met == (NeedMet(1, 2, "grant writing"),)
    assert result.unpaired == ()


def test_an_odd_member_joins_the_pair_where_they_add_most_as_a_trio() -> None:
    ana = Candidate(1, needs=frozenset({"a"}))
    ben = Candidate(2, offers=frozenset({"a"}))
    cai = Candidate(3, needs=frozenset({"b"}))
    dee = Candidate(4, offers=frozenset({"b"}), interests=frozenset({"x"}))
    eve = Candidate(5, interests=frozenset({"x"}))

    result = match([ana, ben, cai, dee, eve], history={})

    assert [g.members for g in result.groups] == [(1, 2), (3, 4, 5)]
    assert len(result.groups[1].reasons) == 3


def test_every_member_of_an_odd_random_pool_is_placed_once() -> None:
    result = match(pool(101, 3), history={}, seed=3)

    assert sorted(placed(result)) == list(range(1, 102))
    assert sorted(len(g.members) for g in result.groups) == [2] * 49 + [3]


def test_recent_pairs_are_not_repeated_when_the_pool_allows() -> None:
    ana = Candidate(1, needs=frozenset({"a"}))
    ben = Candidate(2, offers=frozenset({"a"}))
    history = {frozenset((1, 2)): 3, frozenset((3, 4)): 12}  # 12 weeks is outside the window

    result = match([ana, ben, Candidate(3), Candidate(4)], history=history)

    assert frozenset((1, 2)) not in pairs(result) and len(result.groups) == 2
    assert all(g.reasons[0].met_weeks_ago is None for g in result.groups)


def test_a_too_small_pool_repeats_the_least_recent_pairs() -> None:
    people = [Candidate(i) for i in range(1, 5)]
    weeks = {(1, 2): 1, (3, 4): 1, (1, 3): 10, (2, 4): 10, (1, 4): 5, (2, 3): 5}
    history = {frozenset(pair): w for pair, w in weeks.items()}

    result = match(people, history=history)

    assert pairs(result) == {frozenset((1, 3)), frozenset((2, 4))}
    assert {g.reasons[0].met_weeks_ago for g in result.groups} == {10}


def test_avoided_pairs_are_never_matched_even_if_someone_is_left_out() -> None:
    people = [Candidate(i) for i in range(1, 4)]
    avoid = {frozenset((1, 2)), frozenset((1, 3))}

    result = match(people, history={}, avoid=avoid)

    assert [g.members for g in result.groups] == [(2, 3)]
    assert result.unpaired == (1,)


def test_avoid_and_recency_hold_on_the_approximate_path_too() -> None:
    people = pool(400, 5)
    rng = random.Random(5)
    avoid = {frozenset(rng.sample(range(1, 401), 2)) for _ in range(300)}
    history = {frozenset(rng.sample(range(1, 401), 2)): rng.randint(0, 30) for _ in range(2_000)}
    recent = {pair for pair, weeks in history.items() if weeks < 12}

    for exact_max in (0, 1_000):
        result = match(people, history=history, avoid=avoid, seed=5, exact_max=exact_max)

        assert not pairs(result) & (avoid | recent)
        assert sorted(placed(result)) == list(range(1, 401))


def test_the_same_seed_gives_the_same_round() -> None:
    people = pool(300, 6)

    first = match(people, history={}, seed=6, exact_max=0)

    assert match(list(reversed(people)), history={}, seed=6, exact_max=0) == first


async def test_plan_round_runs_the_matcher_off_the_loop() -> None:
    people = pool(50, 7)

    assert await plan_round(people, history={}, seed=7) == match(people, history={}, seed=7)
