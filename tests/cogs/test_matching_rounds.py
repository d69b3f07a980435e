"""Matching rounds as a job: the pool, the DMs and their why, the schedule, recency, follow-up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import render
from bot.clock import ManualClock
from bot.dispatch import Actor
from bot.runtime import Runtime
from tests.cogs.matchmaking import (
    GRANTS,
    MOD,
    REVIEWS,
    ROUND_AT,
    button,
    change,
    dms,
    later,
    partners,
    people,
)
from tests.conftest import PLACE, START, Driver

ASK = (
    "Did you meet? Tell me with a button below whenever you have; if I haven't heard, "
    "I'll ask once, in 5 days."
)


@pytest.fixture
async def four(driver: Driver) -> Driver:
    """ana needs grants and bob offers them, cy and dee share maths; all four are in."""
    await driver.run("ana", GRANTS)
    await driver.run("bob", REVIEWS)
    await driver.run("cy", '/intro about="c" goals="g" interests="oer, maths"')
    await driver.run("dee", '/intro about="d" goals="g" interests="maths"')
    await people(driver, "ana", "bob", "cy", "dee")
    return driver


def rounds(driver: Driver) -> list[str]:
    """The first line of each round DM, in order."""
    return [
        item.reply.text.splitlines()[0]
        for item in dms(driver)
        if item.reply.text.startswith("🤝 **Matching round")
    ]


async def test_the_dm_names_the_partner_and_why(
    four: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    ran = await runtime.scheduler.advance(clock, ROUND_AT)
    assert [due.spec.name for due in ran if due.spec.name == "match_round"] == ["match_round"]
    assert partners(four) == {frozenset({"ana", "bob"}), frozenset({"cy", "dee"})}
    [ana] = dms(four, "ana")
    assert ana.reply.text.splitlines() == [
        "🤝 **Matching round 1: meet bob!**",  # no bold inside the bold title
        f"Say hello to {render.mention(dms(four, 'bob')[0].member)} and find a time for a chat "
        "in the next days.",
        "Why: You need help with *grants*; **bob** offers *grants*.",
        ASK,
    ]
    assert render.mentioned_ids(ana.reply.text) == ["bob"]
    assert dms(four, "bob")[0].reply.text.splitlines()[2] == (
        "Why: **ana** needs help with *grants*; you offer *grants*."
    )
    assert dms(four, "cy")[0].reply.text.splitlines()[2] == "Why: You share an interest in *maths*."
    assert [b.label for b in ana.reply.buttons][:3] == ["We met", "Not yet", "Can't this time"]


async def test_who_is_in_the_pool(driver: Driver, runtime: Runtime, clock: ManualClock) -> None:
    await people(driver, "ana", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ivy")
    await people(driver, "jo", join=False)  # never joined
    rob = Actor("rob", "rob", is_bot=True)
    assert (await runtime.dispatcher.run_line(PLACE, rob, "/match join", driver.transport)).ok
    await driver.run("cy", "/match pause")
    await driver.run("dee", "/away 10")
    await driver.run("eve", "/dms off")
    await driver.run("fay", "/match leave")
    await change(runtime, "gus", last_active_at=START - timedelta(days=61))
    await change(runtime, "hal", last_active_at=START - timedelta(days=59))
    await change(runtime, "ivy", left_at=START)
    await later(runtime, clock, hours=1)
    assert partners(driver) == {frozenset({"ana", "bob", "hal"})}
    await driver.run("mod", "/match stats", MOD)
    assert "3 in the pool" in driver.transport.answer()


async def test_default_in_puts_members_in_unless_they_leave(
    driver: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await people(driver, "mod", join=False)
    await driver.run("mod", "/config set match_default_in on", MOD)
    await people(driver, "ana", "bob", "cy", join=False)
    await driver.run("cy", "/match leave")
    await driver.run("bob", "/match status")
    assert driver.transport.answer().splitlines()[1].startswith("You're in. The next round is")
    await later(runtime, clock, hours=1)
    assert partners(driver) == {frozenset({"ana", "bob", "mod"})}


async def test_without_default_in_silence_keeps_members_out(
    driver: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await people(driver, "ana", "bob", join=False)
    await later(runtime, clock, hours=1)
    assert dms(driver) == []
    await driver.run("mod", "/match stats", MOD)
    assert driver.transport.answer().startswith("No matching rounds yet.")


async def test_an_odd_pool_makes_a_trio(four: Driver, runtime: Runtime, clock: ManualClock) -> None:
    await people(four, "eve")
    await later(runtime, clock, hours=1)
    groups = partners(four)
    assert sorted(len(group) for group in groups) == [2, 3]
    assert set().union(*groups) == {"ana", "bob", "cy", "dee", "eve"}
    [trio] = [group for group in groups if len(group) == 3]
    text = dms(four, sorted(trio)[0])[0].reply.text.splitlines()
    others = sorted(trio - {sorted(trio)[0]})
    assert text[0] == f"🤝 **Matching round 1: meet {others[0]} and {others[1]}!**"
    assert text[1] == "You're a group of three this round."
    assert [line.split(":")[0] for line in text if line.startswith("Why")] == [
        f"Why **{name}**" for name in others
    ]


async def test_the_avoid_list_is_respected(
    four: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await four.run("bob", "/match avoid @ana")  # ana is never told
    await later(runtime, clock, hours=1)
    groups = partners(four)
    assert len(groups) == 2 and frozenset({"ana", "bob"}) not in groups


async def test_a_round_runs_every_match_every_weeks(
    four: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await later(runtime, clock, hours=1)
    assert len(rounds(four)) == 4
    await later(runtime, clock, weeks=1)  # the weekly slot, one week on: too soon
    assert len(rounds(four)) == 4
    assert await runtime.scheduler.run_now("match_follow_up") == 0  # asked once already
    await later(runtime, clock, weeks=1)
    assert len(rounds(four)) == 8 and rounds(four)[-1].startswith("🤝 **Matching round 2:")
    await four.run("mod", "/config set match_every_weeks 1", MOD)
    await later(runtime, clock, weeks=1)
    assert len(rounds(four)) == 12 and rounds(four)[-1].startswith("🤝 **Matching round 3:")


async def test_a_round_by_hand_runs_at_once_and_once(
    four: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await later(runtime, clock, hours=1)
    assert await runtime.scheduler.run_now("match_round") == 2  # too soon by the schedule
    assert await runtime.scheduler.run_now("match_round") == 0  # the same minute: done
    assert len(rounds(four)) == 8
    await later(runtime, clock, weeks=1)  # two weeks after round 1, one after round 2
    assert len(rounds(four)) == 8
    await later(runtime, clock, weeks=1)
    assert len(rounds(four)) == 12


async def test_a_pair_that_met_is_not_paired_again_while_others_are_free(
    four: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await later(runtime, clock, hours=1)
    first = partners(four)
    four.transport.clear()
    await later(runtime, clock, weeks=2)
    second = partners(four)
    assert len(second) == 2 and not second & first


async def test_cant_this_time_lets_the_pair_meet_again(
    four: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await later(runtime, clock, hours=1)
    first = partners(four)
    await four.press("ana", button(dms(four, "ana")[0], "Can't this time"))
    await four.press("bob", button(dms(four, "bob")[0], "Not yet"))
    await four.press("dee", button(dms(four, "dee")[0], "Can't this time"))
    four.transport.clear()
    await later(runtime, clock, weeks=2)
    assert partners(four) == first  # neither group met: the best pairs are made again


async def test_with_nobody_new_a_pair_meets_again_and_is_told(
    driver: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await driver.run("ana", GRANTS)
    await driver.run("bob", REVIEWS)
    await people(driver, "ana", "bob")
    await later(runtime, clock, hours=1)
    driver.transport.clear()
    await later(runtime, clock, weeks=2)
    [ana] = [item for item in dms(driver, "ana") if "Matching round 2" in item.reply.text]
    assert ana.reply.text.splitlines()[2] == (
        "Why: You need help with *grants*; **bob** offers *grants*; you met 2 weeks ago, "
        "and there was nobody new to pair you with this time."
    )


async def test_one_follow_up_to_those_who_have_not_answered(
    four: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await later(runtime, clock, hours=1)
    await four.press("ana", button(dms(four, "ana")[0], "We met"))  # for ana and bob
    await four.press("cy", button(dms(four, "cy")[0], "Not yet"))
    four.transport.clear()
    await later(runtime, clock, days=5, seconds=-1)
    assert dms(four) == []
    await later(runtime, clock, seconds=1)
    [asked] = dms(four)
    assert asked.member.name == "dee"
    assert asked.reply.text == "Did you and **cy** meet? (matching round 1)"
    assert [b.custom_id for b in asked.reply.buttons][:3] == [
        "cb:match_answer:2:met",
        "cb:match_answer:2:not_yet",
        "cb:match_answer:2:cant",
    ]
    await later(runtime, clock, days=5)
    assert await runtime.scheduler.run_now("match_follow_up") == 0
    assert len(dms(four)) == 1


async def test_no_follow_up_once_the_next_round_began(
    four: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await four.run("mod", "/config set match_every_weeks 1", MOD)
    await four.run("mod", "/config set match_followup_days 13", MOD)
    await later(runtime, clock, hours=1)
    await later(runtime, clock, days=13)  # round 2 began on day 7
    assert len(rounds(four)) == 8
    assert [i for i in dms(four) if i.reply.text.startswith("Did you")] == []
