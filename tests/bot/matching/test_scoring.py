from bot.matching import Candidate, NeedMet
from bot.matching.scoring import (
    INTEREST,
    INTEREST_CAP,
    NEED_OFFER,
    NEED_OFFER_CAP,
    NEWCOMER,
    reasons,
    score,
)


def test_a_need_met_counts_in_either_direction() -> None:
    ana = Candidate(1, needs=frozenset({"grants"}))
    ben = Candidate(2, offers=frozenset({"grants"}))

    assert score(ana, ben) == score(ben, ana) == NEED_OFFER


def test_needs_met_both_ways_add_up() -> None:
    ana = Candidate(1, needs=frozenset({"grants"}), offers=frozenset({"python"}))
    ben = Candidate(2, needs=frozenset({"python"}), offers=frozenset({"grants"}))

    assert score(ana, ben) == 2 * NEED_OFFER


def test_needs_met_are_capped() -> None:
    many = frozenset(f"t{i}" for i in range(10))
    ana, ben = Candidate(1, needs=many), Candidate(2, offers=many)

    assert score(ana, ben) == NEED_OFFER_CAP


def test_shared_interests_are_capped_below_one_need_met() -> None:
    many = frozenset(f"t{i}" for i in range(10))
    ana, ben = Candidate(1, interests=many), Candidate(2, interests=many)
    one = Candidate(3, interests=frozenset({"t0"}))

    assert score(ana, ben) == INTEREST_CAP < NEED_OFFER
    assert score(ana, one) == INTEREST


def test_a_newcomer_scores_only_with_an_established_member() -> None:
    new, old = Candidate(1, newcomer=True), Candidate(2)

    assert score(new, old) == NEWCOMER
    assert score(new, Candidate(3, newcomer=True)) == 0
    assert score(old, Candidate(4)) == 0


def test_needs_outweigh_interests_outweigh_welcome() -> None:
    assert NEED_OFFER > INTEREST_CAP >= INTEREST > NEWCOMER


def test_reasons_say_who_needs_what_from_whom() -> None:
    ana = Candidate(
        1,
        needs=frozenset({"grant writing"}),
        offers=frozenset({"python"}),
        interests=frozenset({"climate", "maps"}),
        newcomer=True,
    )
    ben = Candidate(
        2,
        needs=frozenset({"python"}),
        offers=frozenset({"grant writing"}),
        interests=frozenset({"maps"}),
    )

    why = reasons(ana, ben)

    assert why.pair == (1, 2)
    assert why.needs_met == (NeedMet(1, 2, "grant writing"), NeedMet(2, 1, "python"))
    assert why.shared_interests == ("maps",)
    assert why.newcomer == 1
    assert why.met_weeks_ago is None
