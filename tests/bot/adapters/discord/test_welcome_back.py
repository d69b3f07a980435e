"""Welcome back on Discord: a lapse nudged by DM with its way out, one welcome back on return."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.clock import ManualClock
from storage.models import MemberRow
from tests.bot.adapters.discord.conftest import DiscordEnv, answer, settled
from tests.conftest import START
from tests.fakes import discord as fd

EPHEMERAL = 64
POLLS_CLOSED = "🗳️ Poll {} closed: see the results with /polls"  # what's new, from the polls
WAY_OUT = ["Pause for a month", "Stop these messages"]


def clock_of(env: DiscordEnv) -> ManualClock:
    """The harness's frozen clock."""
    clock = env.runtime.clock
    assert isinstance(clock, ManualClock)
    return clock


async def later(env: DiscordEnv, **span: float) -> None:
    """Move the clock on, running the jobs due on the way, and deliver what they queued."""
    clock = clock_of(env)
    await env.runtime.scheduler.advance(clock, clock.now() + timedelta(**span))
    await env.runtime.dispatcher.sender.drain_all()


async def speak(env: DiscordEnv, *people: fd.FakeUser) -> None:
    """Each member posts in #general through the gateway; copbot notes who was active."""
    activity = env.runtime.dispatcher.activity
    seen = activity.events + len(people)
    for person in people:
        await env.fake.message(env.guild.id, env.general, person, "hello")
    await env.eventually(lambda: activity.events >= seen)


def dms(env: DiscordEnv, user: fd.FakeUser) -> list[fd.RecordedMessage]:
    """What copbot sent the member by DM unasked (answers to their presses aside)."""
    return [m for m in env.fake.dm_messages(user) if m.source == "channel"]


def labels(message: fd.RecordedMessage) -> list[str]:
    """The labels of a message's buttons."""
    return [b["label"] for row in message.components for b in row["components"]]


async def press(
    env: DiscordEnv, user: fd.FakeUser, dm: fd.RecordedMessage, label: str
) -> fd.RecordedMessage:
    """The member presses a button of a DM from copbot; the answer they see."""
    [button] = [b for row in dm.components for b in row["components"] if b["label"] == label]
    sent = await env.fake.click(None, dm.channel_id, user, button["custom_id"], dm.id)
    await settled(sent)
    shown = answer(sent)
    assert shown is not None
    return shown


async def member(env: DiscordEnv, user: fd.FakeUser) -> MemberRow:
    """The member's stored row."""
    async with env.runtime.db.session() as session:
        query = select(MemberRow).where(MemberRow.external_id == str(user.id))
        return (await session.exec(query)).one()


async def test_a_lapse_is_nudged_and_the_return_welcomed_once(env: DiscordEnv) -> None:
    clock = clock_of(env)
    carol = await env.fake.add_member(env.guild.id, "carol")
    assert clock.now() == START
    for day in range(4):  # 2 to 5 November: a daily rhythm
        if day:
            await later(env, days=1)
        await speak(env, env.alice, env.bob, carol)
        if day == 3:
            stopped = answer(await env.slash(env.bob, "dms", setting="off"))
            assert stopped is not None and stopped.flags & EPHEMERAL
            assert stopped.content == "Done: copbot won't DM you unasked. /dms on to undo."
        await env.runtime.activity.flush()

    await later(env, days=30)  # the lapse scan of 27 November notices the silence
    [nudge] = dms(env, env.alice)
    assert nudge.content.startswith("**We miss you, alice!** Chemistry Educators has been quieter")
    assert "since 5 November" in nudge.content and labels(nudge) == WAY_OUT
    assert f"\n- {POLLS_CLOSED.format('#2, #3 and #4 (and 1 before)')}\n" in nudge.content
    [carols] = dms(env, carol)
    assert labels(carols) == WAY_OUT
    assert dms(env, env.bob) == []  # /dms off: nothing unasked

    paused = await press(env, carol, carols, "Pause for a month")
    assert paused.content == "Paused until 4 January 2027; /away off to come back sooner."
    assert paused.flags & EPHEMERAL
    assert (await member(env, carol)).away_until == clock.now() + timedelta(days=30)

    await speak(env, env.alice, env.bob, carol)
    await later(env, seconds=10)  # the flush notes the returns, the welcome follows
    nudge_again, welcome = dms(env, env.alice)
    assert nudge_again.id == nudge.id
    assert welcome.content.startswith("**Welcome back, alice!** Since 5 November")
    assert f"\n- {POLLS_CLOSED.format('#3, #4 and #5 (and 2 before)')}\n" in welcome.content
    assert "Pick up where you left off: /members" in welcome.content
    assert labels(welcome) == WAY_OUT
    # Paused, or DMs off: a return is noted and answered with silence.
    assert len(dms(env, carol)) == 1 and dms(env, env.bob) == []

    await later(env, days=1)
    await speak(env, env.alice)
    await later(env, seconds=10)
    assert len(dms(env, env.alice)) == 2  # welcomed back once
    paused = await press(env, env.alice, welcome, "Pause for a month")
    assert paused.content.startswith("Paused until ")
    assert (await member(env, env.alice)).away_until is not None
