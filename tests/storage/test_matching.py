"""Matching queries: the pool's filters, history's meeting rule, avoid pairs, the record, stats."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from storage import matching, needs
from storage.db import Database
from storage.matching import Formed
from storage.models import CommunityRow, InterestRow, MemberRow
from storage.models.matching import CANT, CHAT, IN, MADE, MET, NEED_MET, NOT_YET, OUT
from tests.conftest import START

WEEK = timedelta(weeks=1)


async def _people(db: Database, **people: dict[str, Any]) -> tuple[int, dict[str, int]]:
    """A community with these members, active at START unless told otherwise."""
    async with db.session() as session, session.begin():
        community = CommunityRow(platform="test", external_id="T", name="T", created_at=START)
        session.add(community)
        await session.flush()
        assert community.id is not None
        rows = {
            name: MemberRow(
                community_id=community.id,
                external_id=name,
                name=name,
                **{"last_active_at": START, **extra},
            )
            for name, extra in people.items()
        }
        session.add_all(rows.values())
        await session.flush()
        return community.id, {name: row.id or 0 for name, row in rows.items()}


async def _say(db: Database, cid: int, ids: dict[str, int], status: str, *names: str) -> None:
    async with db.session() as session, session.begin():
        for name in names:
            await matching.take_part(
                session,
                community_id=cid,
                member_id=ids[name],
                status=status,
                paused_until=None,
                now=START,
            )


async def _round(
    db: Database, cid: int, groups: list[tuple[int, ...]], *, at: Any = START, period: str = "p"
) -> tuple[int, list[int]]:
    async with db.session() as session, session.begin():
        row, made = await matching.record_round(
            session,
            community_id=cid,
            period=period,
            now=at,
            follow_up_at=at + timedelta(days=5),
            pool=sum(len(g) for g in groups),
            unpaired=0,
            groups=[Formed(g, 1, "[]", int(len(g) == 3)) for g in groups],
        )
        return row.number, made


async def _answer(db: Database, group_id: int, member_id: int, said: str, came: Any = None) -> None:
    async with db.session() as session, session.begin():
        placed = await matching.seat_of(session, group_id=group_id, member_id=member_id)
        assert placed is not None
        await matching.answer(session, seat=placed.seat, said=said, now=START)
        if came:
            await matching.came_of_it(session, seat=placed.seat, what=came)


async def test_the_pool_takes_only_members_who_can_be_paired(db: Database) -> None:
    cid, ids = await _people(
        db,
        ana={},
        bob={"joined_at": START - WEEK},
        paused={},
        away={"away_until": START + WEEK},
        back={"away_until": START - WEEK},
        quiet={"dms_off": True},
        gone={"left_at": START},
        rob={"is_bot": True},
        idle={"last_active_at": START - timedelta(days=61)},
        never={"last_active_at": None},
        out={},
        silent={},
    )
    everyone = [name for name in ids if name not in ("out", "silent")]
    await _say(db, cid, ids, IN, *everyone)
    await _say(db, cid, ids, OUT, "out")
    async with db.session() as session, session.begin():
        await matching.take_part(
            session,
            community_id=cid,
            member_id=ids["paused"],
            status=IN,
            paused_until=START + WEEK,
            now=START,
        )
        await needs.add(
            session,
            community_id=cid,
            member_id=ids["ana"],
            kind=needs.NEED,
            what="a grant",
            tags=("grants",),
            now=START,
        )
        await needs.add(
            session,
            community_id=cid,
            member_id=ids["bob"],
            kind=needs.OFFER,
            what="reviews",
            tags=("grants", "python"),
            now=START,
        )
        session.add(InterestRow(community_id=cid, member_id=ids["bob"], tag="maths", since=START))
    async with db.session() as session:
        found = await matching.pool(session, community_id=cid, now=START, default_in=False)
        assert [e.id for e in found] == [ids["ana"], ids["bob"], ids["back"]]
        ana, bob, _ = found
        assert (ana.needs, ana.offers, ana.interests) == ({"grants"}, set(), set())
        assert (bob.needs, bob.offers, bob.interests) == (set(), {"grants", "python"}, {"maths"})
        assert bob.joined_at == START - WEEK
        by_default = await matching.pool(session, community_id=cid, now=START, default_in=True)
        assert [e.id for e in by_default] == [ids[n] for n in ("ana", "bob", "back", "silent")]
        later = await matching.pool(session, community_id=cid, now=START + WEEK, default_in=False)
        assert ids["paused"] in [e.id for e in later] and ids["away"] in [e.id for e in later]


def test_a_group_met_unless_nobody_said_so_and_someone_said_it_did_not() -> None:
    assert matching.happened([None, None])  # silence: as good as met
    assert matching.happened([MET, CANT])
    assert matching.happened([MET, NOT_YET, None])
    assert not matching.happened([CANT, None])
    assert not matching.happened([NOT_YET, None])
    assert not matching.happened([NOT_YET, CANT, None])


async def test_history_keeps_meetings_within_the_weeks_with_their_age(db: Database) -> None:
    cid, ids = await _people(db, a={}, b={}, c={}, d={}, e={}, f={})
    a, b, c, d, e, f = ids.values()
    await _round(db, cid, [(a, b), (c, d, e)], at=START - 13 * WEEK, period="p0")
    _, first = await _round(db, cid, [(a, c), (b, d), (e, f)], at=START - 4 * WEEK, period="p1")
    _, second = await _round(db, cid, [(a, b), (c, e)], at=START - 2 * WEEK, period="p2")
    await _answer(db, first[1], b, CANT)  # b-d did not meet
    await _answer(db, first[2], e, MET)
    await _answer(db, first[2], f, CANT)  # e said met: it counts
    await _answer(db, second[1], c, NOT_YET)
    async with db.session() as session:
        met = await matching.history(session, community_id=cid, now=START, weeks=12)
        assert met == {frozenset((a, c)): 4, frozenset((e, f)): 4, frozenset((a, b)): 2}
        longer = await matching.history(session, community_id=cid, now=START, weeks=14)
        assert longer[frozenset((a, b))] == 2  # the latest meeting counts
        assert longer[frozenset((c, d))] == 13 and longer[frozenset((d, e))] == 13


async def test_avoid_pairs_hold_in_both_directions(db: Database) -> None:
    cid, ids = await _people(db, ana={}, bob={}, cy={})
    async with db.session() as session, session.begin():
        args = dict(community_id=cid, now=START)
        assert await matching.avoid(session, member_id=ids["ana"], avoided_id=ids["bob"], **args)
        assert not await matching.avoid(
            session, member_id=ids["ana"], avoided_id=ids["bob"], **args
        )
        assert await matching.avoid(session, member_id=ids["cy"], avoided_id=ids["ana"], **args)
    async with db.session() as session, session.begin():
        assert await matching.avoid_pairs(session, community_id=cid) == {
            frozenset((ids["ana"], ids["bob"])),
            frozenset((ids["ana"], ids["cy"])),
        }
        assert [m.name for m in await matching.avoided(session, member_id=ids["ana"])] == ["bob"]
        assert await matching.avoided(session, member_id=ids["bob"]) == []
        assert not await matching.unavoid(session, member_id=ids["bob"], avoided_id=ids["ana"])
        assert await matching.unavoid(session, member_id=ids["ana"], avoided_id=ids["bob"])
    async with db.session() as session:
        pairs = await matching.avoid_pairs(session, community_id=cid)
        assert pairs == {frozenset((ids["ana"], ids["cy"]))}


async def test_rounds_are_numbered_per_community_and_found_by_period(db: Database) -> None:
    cid, ids = await _people(db, a={}, b={}, c={})
    a, b, c = ids.values()
    assert (await _round(db, cid, [(a, b)], period="w1"))[0] == 1
    number, [group] = await _round(db, cid, [(a, b, c)], at=START + WEEK, period="w2")
    assert number == 2
    async with db.session() as session, session.begin():
        other = CommunityRow(platform="test", external_id="U", name="U", created_at=START)
        session.add(other)
    assert (await _round(db, other.id or 0, [], period="w1"))[0] == 1
    async with db.session() as session:
        assert (await matching.round_of(session, community_id=cid, period="w1")).number == 1  # type: ignore[union-attr]
        assert await matching.round_of(session, community_id=cid, period="w3") is None
        latest = await matching.latest_round(session, community_id=cid)
        assert latest is not None and latest.number == 2
        placed = await matching.seat_of(session, group_id=group, member_id=b)
        assert placed is not None and [m.name for m in placed.others] == ["a", "c"]
        assert placed.round.number == 2
        assert await matching.seat_of(session, group_id=group + 99, member_id=b) is None
        assert [p.round.number for p in await matching.recent_for(session, member_id=a)] == [2, 1]
        assert len(await matching.group_of(session, group_id=group)) == 3


async def test_follow_ups_fall_due_once_and_skip_groups_that_met(db: Database) -> None:
    cid, ids = await _people(db, a={}, b={}, c={}, d={}, e={}, f={}, g={})
    a, b, c, d, e, f, g = ids.values()
    _, groups = await _round(db, cid, [(a, b), (c, d), (e, f, g)])
    await _answer(db, groups[0], a, MET)
    await _answer(db, groups[1], c, NOT_YET)
    await _answer(db, groups[2], e, CANT)
    async with db.session() as session, session.begin():
        assert await matching.next_follow_up(session) == START + timedelta(days=5)
        early = START + timedelta(days=5, seconds=-1)
        assert await matching.followups_due(session, community_id=cid, now=early) == []
        due = await matching.followups_due(session, community_id=cid, now=START + timedelta(days=5))
        [(row, seats)] = due
        assert [(s.group_id, s.member_id) for s in seats] == [
            (groups[1], d),
            (groups[2], f),
            (groups[2], g),
        ]
        await matching.followed_up(session, round_ids=[row.id or 0], now=START)
    async with db.session() as session:
        assert await matching.next_follow_up(session) is None
        assert await matching.followups_due(session, community_id=cid, now=START + WEEK) == []


async def test_stats_count_groups_meetings_and_what_came_of_them(db: Database) -> None:
    cid, ids = await _people(db, a={}, b={}, c={}, d={}, e={}, f={}, g={})
    a, b, c, d, e, f, g = ids.values()
    async with db.session() as session:
        assert await matching.stats(session, community_id=cid) == []
    _, first = await _round(db, cid, [(a, b), (c, d), (e, f, g)], period="r1")
    await _round(db, cid, [(a, c)], at=START + 2 * WEEK, period="r2")
    await _answer(db, first[0], a, MET, NEED_MET)
    await _answer(db, first[0], b, MET, MADE)
    await _answer(db, first[1], c, CANT)
    await _answer(db, first[2], e, MET, CHAT)
    await _answer(db, first[2], f, NOT_YET)
    async with db.session() as session:
        newest, oldest = await matching.stats(session, community_id=cid)
        assert (newest.number, newest.pool, newest.groups, newest.answered) == (2, 2, 1, 0)
        assert (oldest.number, oldest.pool, oldest.groups) == (1, 7, 3)
        assert (oldest.answered, oldest.met, oldest.needs_met, oldest.made) == (3, 2, 1, 1)
        assert oldest.paired_on_needs == 1  # the trio, as _round records it
        [only] = await matching.stats(session, community_id=cid, rounds=1)
        assert only.number == 2


async def test_answering_other_than_met_clears_what_came_of_it(db: Database) -> None:
    cid, ids = await _people(db, a={}, b={})
    _, [group] = await _round(db, cid, [tuple(ids.values())])
    await _answer(db, group, ids["a"], MET, CHAT)
    await _answer(db, group, ids["a"], CANT)
    async with db.session() as session:
        placed = await matching.seat_of(session, group_id=group, member_id=ids["a"])
        assert placed is not None and placed.seat.answer == CANT
        assert placed.seat.came_of_it is None and placed.seat.answered_at == START
