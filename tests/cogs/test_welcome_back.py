"""Welcome back: one nudge per lapse with what is new, one welcome back per return, /lapsed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor
from bot.outbox import WAY_OUT
from bot.reply import ToMember
from bot.runtime import Runtime
from storage.models import LapseRow, OutboxRow
from tests.conftest import PLACE, START, Driver

MOD = Level.MODERATOR


@pytest.fixture
async def place(driver: Driver, runtime: Runtime) -> Driver:
    """Jobs reach the test platform; ana was active on four days in a row, 2 to 5 November."""
    runtime.dispatcher.transports[PLACE.platform] = lambda place: driver.transport
    await driver.run("bob", '/intro about="b" goals="g" interests="oer"')
    await driver.run("ana", '/intro about="a" goals="g" interests="oer, maths"')
    await active(driver, "ana", 1, 2, 3)
    driver.transport.clear()
    return driver


async def active(driver: Driver, name: str, *days: int) -> None:
    """The member runs a command at 09:00 on each of these days after START; then a flush."""
    clock = driver.runtime.clock
    assert isinstance(clock, ManualClock)
    for day in days:
        clock.set(START + timedelta(days=day))
        await driver.run(name, "/ping")
    await driver.runtime.activity.flush()


def dms(driver: Driver) -> list[ToMember]:
    """The direct messages sent so far."""
    return [item for item in driver.transport.sent if isinstance(item, ToMember)]


async def later(runtime: Runtime, clock: ManualClock, **delta: float) -> None:
    """Move the clock on, running what falls due on the way (the lapse scan at 10:00)."""
    await runtime.scheduler.advance(clock, clock.now() + timedelta(**delta))


async def test_a_lapsed_member_is_nudged_once_with_what_is_new(
    place: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    clock.set(START + timedelta(days=6))
    await place.run("cy", '/intro about="c" goals="g" interests="maths, oer"')
    await place.run("cy", "/kudos @ana for the slides")
    await place.run("mod", "/badge grant @ana mentor for guiding newcomers", MOD)
    await later(runtime, clock, days=30)
    [nudge] = dms(place)
    assert nudge.member.name == "ana" and nudge.reply.buttons == WAY_OUT
    assert nudge.reply.text.splitlines() == [
        "**We miss you, ana!** Testers has been quieter without you since 5 November, "
        "and the door is always open.",
        "**New for you since then**",
        "- 👋 New and into what you care about: **cy** (maths, oer). Meet them: /members",
        "- 🙏 You were thanked once, by **cy**: see /kudos history",
        "- 🏅 You earned 🧭 **Mentor**: see /badges",
        "- 🗳️ Poll #1, #2 and #3 closed: see the results with /polls",
        "Come by whenever you like: say hello, or see who is here with /members.",
    ]
    async with runtime.db.session() as session:
        [lapse] = (await session.exec(select(LapseRow))).all()
    # 5 November and 22 days of silence: the scan of 27 November, at 10:00.
    assert lapse.nudged_at == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    await later(runtime, clock, days=20)
    assert await runtime.scheduler.run_now("lapse_scan") == 0
    assert len(dms(place)) == 1  # one nudge per lapse


async def test_the_return_is_welcomed_back_once_and_a_new_lapse_nudged_again(
    place: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await place.run("mod", "/config set weekly_poll off", MOD)  # no polls closing meanwhile
    await later(runtime, clock, days=30)
    assert len(dms(place)) == 1
    await place.run("ana", "/ping")
    await later(runtime, clock, seconds=10)  # the flush notes the return, the welcome follows
    welcome = dms(place)[-1]
    assert welcome.reply.text.splitlines() == [
        "**Welcome back, ana!** Since 5 November it has been quiet for you here: nothing to "
        "catch up on.",
        "Pick up where you left off: /members shows who is here now, /kudos thanks someone who "
        "helped, and /intro updates what you came for.",
    ]
    assert welcome.reply.buttons == WAY_OUT
    await active(place, "ana", 37, 38)
    await later(runtime, clock, seconds=10)
    assert len(dms(place)) == 2  # welcomed once
    await later(runtime, clock, days=30)
    assert len(dms(place)) == 3 and dms(place)[-1].reply.text.startswith("**We miss you")


async def test_a_lapse_never_nudged_is_still_welcomed_back(
    place: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    # The clock jumps, as if copbot were down: no scan ran, and ana is back before the next.
    await active(place, "ana", 30)
    assert await runtime.scheduler.run_now("welcome_back") == 1
    [welcome] = dms(place)
    assert welcome.reply.text.startswith("**Welcome back, ana!** Since 5 November")
    async with runtime.db.session() as session:
        [lapse] = (await session.exec(select(LapseRow))).all()
    assert lapse.nudged_at is None and lapse.welcomed_at is not None


async def test_a_lapse_found_long_after_it_began_is_noted_without_a_nudge(
    place: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    clock.set(START + timedelta(days=60))  # copbot was away: the lapse began a month ago
    assert await runtime.scheduler.run_now("lapse_scan") == 0
    assert dms(place) == []
    await place.run("mod", "/lapsed", MOD)
    assert "- **ana**: lapsed, last active 5 November 2026 (57 days ago), not nudged" in (
        place.transport.answer()
    )
    await active(place, "ana", 61)
    assert await runtime.scheduler.run_now("welcome_back") == 1
    assert dms(place)[-1].reply.text.startswith("**Welcome back, ana!**")


async def test_paused_and_dms_off_members_are_not_nudged(
    place: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await active(place, "bob", 1, 2, 3)
    await place.run("ana", "/away 60")
    await place.run("bob", "/dms off")
    place.transport.clear()
    await later(runtime, clock, days=40)
    assert dms(place) == []
    async with runtime.db.session() as session:
        assert (await session.exec(select(LapseRow))).all() == []


async def test_pausing_from_the_nudge_keeps_the_welcome_back_quiet(
    place: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await later(runtime, clock, days=30)
    [nudge] = dms(place)
    await place.press("ana", nudge.reply.buttons[0].custom_id)
    assert place.transport.answer().startswith("Paused until ")
    await place.run("ana", "/ping")  # back while paused: the return is noted, the DM skipped
    await later(runtime, clock, seconds=10)
    assert len(dms(place)) == 1
    async with runtime.db.session() as session:
        [lapse] = (await session.exec(select(LapseRow))).all()
        skipped_dm = (OutboxRow.status == "skipped", OutboxRow.kind == "dm")
        skipped = (await session.exec(select(OutboxRow).where(*skipped_dm))).all()
    assert lapse.welcomed_at is not None
    assert [row.key for row in skipped] == [f"welcome_back:{lapse.member_id}:2026-11-05"]


async def test_with_welcome_back_off_nobody_is_nudged(
    place: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await place.run("mod", "/config set welcome_back off", MOD)
    await later(runtime, clock, days=30)
    assert await runtime.scheduler.run_now("lapse_scan") == 0
    await place.run("ana", "/ping")
    await later(runtime, clock, seconds=10)
    assert dms(place) == []


async def test_lapsed_lists_lapsed_and_drifting_members_for_moderators(
    place: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await place.run("mod", "/lapsed", MOD)
    assert place.transport.answer().splitlines()[1] == (
        "Nobody: everyone who usually comes by has been here lately."
    )
    await active(place, "bob", 1, 3, 5, 7)  # every other day
    await active(place, "cy", 9, 10, 11, 12)
    await active(place, "dee", 13, 14, 15, 16)
    await later(runtime, clock, days=10)  # 28 November: ana 23 days quiet, bob 19, cy 14, dee 10
    await place.run("mod", "/config set page_size 3", MOD)
    await place.run("mod", "/lapsed", MOD)
    shown = place.transport.to_invoker()[-1]
    assert shown.reply.private
    assert shown.reply.text.splitlines() == [
        "**Lapsed and drifting members (4)** (page 1 of 2)",
        "- **ana**: lapsed, last active 5 November (23 days ago), nudged 27 November",
        "- **bob**: drifting, last active 9 November (19 days ago); usually every 2 days",
        "- **cy**: drifting, last active 14 November (14 days ago); usually every day",
        "A message from you means more than any nudge from copbot.",
    ]
    [following] = shown.reply.buttons
    moderator = Actor("mod", "mod", MOD)
    await runtime.dispatcher.press(PLACE, moderator, following.custom_id, place.transport)
    assert place.transport.answer().splitlines()[:2] == [
        "**Lapsed and drifting members (4)** (page 2 of 2)",
        "- **dee**: drifting, last active 18 November (10 days ago); usually every day",
    ]
    await place.run("ana", "/lapsed")
    assert place.transport.answer() == "Only moderators can use /lapsed."
