"""Welcome back on Slack: a lapse nudged by DM with its way out, one welcome back on return."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.clock import ManualClock
from storage.models import MemberRow
from tests.bot.adapters.slack.harness import ADA, BOB, CAROL, GENERAL, MODES, Bot, slack_bot
from tests.conftest import START
from tests.fakes.slack import Message

POLLS_CLOSED = "🗳️ Poll {} closed: see the results with /polls"  # what's new, from the polls
WAY_OUT = ["Pause for a month", "Stop these messages"]


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running:
        yield running


def clock_of(bot: Bot) -> ManualClock:
    """The harness's frozen clock."""
    clock = bot.runtime.clock
    assert isinstance(clock, ManualClock)
    return clock


async def later(bot: Bot, **span: float) -> None:
    """Move the clock on, running the jobs due on the way, and deliver what they queued."""
    clock = clock_of(bot)
    await bot.runtime.scheduler.advance(clock, clock.now() + timedelta(**span))
    await bot.runtime.dispatcher.sender.drain_all()


async def speak(bot: Bot, *people: str) -> None:
    """Each member posts in #general (a message event); copbot notes who was active."""
    activity = bot.runtime.dispatcher.activity
    seen = activity.events + len(people)
    for person in people:
        assert (await bot.driver.event("message", user=person, channel=GENERAL, text="hi")).ok
    await bot.eventually(lambda: activity.events >= seen)


def buttons(message: Message) -> dict[str, str]:
    """A message's buttons: label to action id."""
    return {
        e["text"]["text"]: e["action_id"]
        for b in message.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
    }


async def answer(bot: Bot, user: str, before: int) -> str:
    """The newest answer only this member sees, once there are more than `before`."""
    shown = await bot.fake.wait_for(lambda: bot.fake.ephemerals(user)[before:])
    return bot.texts(shown[-1:])[0]


async def press(bot: Bot, user: str, dm: Message, label: str) -> str:
    """The member presses a button of a DM from copbot; the answer only they see."""
    before = len(bot.fake.ephemerals(user))
    assert (await bot.driver.block_action(user, buttons(dm)[label], message=dm)).ok
    return await answer(bot, user, before)


async def member(bot: Bot, user: str) -> MemberRow:
    """The member's stored row."""
    async with bot.runtime.db.session() as session:
        return (await session.exec(select(MemberRow).where(MemberRow.external_id == user))).one()


async def test_a_lapse_is_nudged_and_the_return_welcomed_once(bot: Bot) -> None:
    fake, clock = bot.fake, clock_of(bot)
    assert clock.now() == START
    for day in range(4):  # 2 to 5 November: a daily rhythm
        if day:
            await later(bot, days=1)
        await speak(bot, ADA, BOB, CAROL)
        if day == 3:
            assert (await bot.driver.slash("/dms", "off", user_id=BOB, channel_id=GENERAL)).ok
            stopped = await answer(bot, BOB, 0)
            assert stopped == "Done: copbot won't DM you unasked. /dms on to undo."
        await bot.settle()
        await bot.runtime.activity.flush()

    await later(bot, days=30)  # the lapse scan of 27 November notices the silence
    [nudge] = fake.dms(ADA)
    [said] = bot.texts([nudge])
    assert said.startswith("*We miss you, Ada!* Copbot Test has been quieter without you")
    assert "since 5 November" in said and list(buttons(nudge)) == WAY_OUT
    assert f"\n- {POLLS_CLOSED.format('#2, #3 and #4 (and 1 before)')}\n" in said
    [carols] = fake.dms(CAROL)
    assert list(buttons(carols)) == WAY_OUT
    assert fake.dms(BOB) == []  # /dms off: nothing unasked

    paused = await press(bot, CAROL, carols, "Pause for a month")
    assert paused == "Paused until 4 January 2027; /away off to come back sooner."
    assert (await member(bot, CAROL)).away_until == clock.now() + timedelta(days=30)

    await speak(bot, ADA, BOB, CAROL)
    await later(bot, seconds=10)  # the flush notes the returns, the welcome follows
    nudge_again, welcome = fake.dms(ADA)
    assert nudge_again is nudge
    [said] = bot.texts([welcome])
    assert said.startswith("*Welcome back, Ada!* Since 5 November")
    assert f"\n- {POLLS_CLOSED.format('#3, #4 and #5 (and 2 before)')}\n" in said
    assert "Pick up where you left off: /members" in said
    assert list(buttons(welcome)) == WAY_OUT
    # Paused, or DMs off: a return is noted and answered with silence.
    assert len(fake.dms(CAROL)) == 1 and fake.dms(BOB) == []

    await later(bot, days=1)
    await speak(bot, ADA)
    await later(bot, seconds=10)
    assert len(fake.dms(ADA)) == 2  # welcomed back once
    stopped = await press(bot, ADA, welcome, "Stop these messages")
    assert stopped == "Done: copbot won't DM you unasked. /dms on to undo."
    assert (await member(bot, ADA)).dms_off
    await bot.settle()
    assert fake.warnings == [] and fake.failed_calls() == []
