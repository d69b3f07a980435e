"""Matching rounds on Discord: joined members paired by DM, We met, and the one follow-up."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.clock import ManualClock
from storage.models import OutboxRow
from tests.bot.adapters.discord.conftest import DiscordEnv, answer, settled
from tests.conftest import START
from tests.fakes import discord as fd

EPHEMERAL, MODAL = 64, 9
WAY_OUT = ["Pause for a month", "Stop these messages"]
ANSWERS = ["We met", "Not yet", "Can't this time"]
CAME = ["A need was met", "We made something", "Just a good chat"]


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


def labels(message: fd.RecordedMessage) -> list[str]:
    """The labels of a message's buttons."""
    return [b["label"] for row in message.components for b in row["components"]]


def dms(env: DiscordEnv, user: fd.FakeUser) -> list[fd.RecordedMessage]:
    """What copbot sent the member by DM unasked (answers to their presses aside)."""
    return [m for m in env.fake.dm_messages(user) if m.source == "channel"]


async def fill(
    env: DiscordEnv, user: fd.FakeUser, command: str, **values: str
) -> fd.RecordedMessage:
    """Run a form command: its modal opens, the member fills it in; the answer they see."""
    form = await (await env.slash(user, command)).callback()
    assert form["type"] == MODAL
    sent = await env.fake.submit_modal(
        env.guild.id, env.general, user, form["data"]["custom_id"], values
    )
    await settled(sent)
    shown = answer(sent)
    assert shown is not None
    return shown


async def join(env: DiscordEnv, user: fd.FakeUser) -> str:
    """The member runs /match join; the answer only they see."""
    shown = answer(await env.slash(user, "match join"))
    assert shown is not None and shown.flags & EPHEMERAL
    return shown.content


async def press(
    env: DiscordEnv, user: fd.FakeUser, dm: fd.RecordedMessage, label: str
) -> fd.SentInteraction:
    """The member presses a button of a DM from copbot, where no guild is."""
    [button] = [b for row in dm.components for b in row["components"] if b["label"] == label]
    sent = await env.fake.click(None, dm.channel_id, user, button["custom_id"], dm.id)
    await settled(sent)
    return sent


async def test_a_round_pairs_by_dm_we_met_asks_what_came_and_the_silent_are_asked_once(
    env: DiscordEnv,
) -> None:
    clock = clock_of(env)
    carol = await env.fake.add_member(env.guild.id, "carol")
    dave = await env.fake.add_member(env.guild.id, "dave")
    await fill(env, env.alice, "need add", what="help writing a grant", tags="grants")
    await fill(env, env.bob, "offer add", what="I review grant proposals", tags="grants")
    await fill(env, carol, "need add", what="a poster layout", tags="design")
    await fill(env, dave, "offer add", what="I lay out posters", tags="design")
    joined = await join(env, env.alice)
    assert joined.startswith("🤝 You're in matching rounds! The next round is on Monday")
    assert "at 10:00 (every 2 weeks)" in joined
    for user in (env.bob, carol, dave):
        await join(env, user)
    again = answer(await env.slash(env.bob, "match join"))
    assert again is not None and again.content.startswith("You're in already.")
    await env.runtime.activity.flush()  # who ran commands lately: the round's pool
    assert dms(env, env.alice) == []

    await later(env, hours=1)  # Monday 10:00: the first round
    assert clock.now() == START + timedelta(hours=1)
    pairs = [(env.alice, env.bob), (env.bob, env.alice), (carol, dave), (dave, carol)]
    for user, other in pairs:
        [dm] = dms(env, user)
        assert dm.content.startswith(f"🤝 **Matching round 1: meet {other.username}!**")
        assert f"<@{other.id}>" in dm.content  # a mention they can follow
        assert labels(dm) == [*ANSWERS, *WAY_OUT]  # unasked: a way out
    [to_alice] = dms(env, env.alice)
    assert "Why: You need help with *grants*; **bob** offers *grants*." in to_alice.content
    [to_bob] = dms(env, env.bob)
    assert "Why: **alice** needs help with *grants*; you offer *grants*." in to_bob.content
    assert "design" not in to_bob.content and "grants" not in dms(env, carol)[0].content
    assert "I'll ask once, in 5 days." in to_bob.content
    assert dms(env, env.mod) == []  # never joined

    met = await press(env, env.alice, to_alice, "We met")
    # In place: the round's message becomes the question of what came of it.
    assert env.fake.dm_messages(env.alice) == [to_alice] and answer(met) is not None
    assert to_alice.content.startswith("🎉 Wonderful, thanks for telling me!")
    assert "Did anything come of meeting **bob**?" in to_alice.content
    assert labels(to_alice) == CAME
    await press(env, env.alice, to_alice, "A need was met")
    assert to_alice.content.startswith("🎉 A need met: that's what rounds are for.")
    assert labels(to_alice) == [] and env.fake.dm_messages(env.alice) == [to_alice]

    await later(env, days=5)  # the follow-up, 5 days after the round
    for user, other in ((carol, dave), (dave, carol)):
        round_dm, follow_up = dms(env, user)
        assert round_dm.content.startswith("🤝 **Matching round 1: meet ")  # left as it was
        assert follow_up.content == f"Did you and **{other.username}** meet? (matching round 1)"
        assert labels(follow_up) == [*ANSWERS, *WAY_OUT]
    # Alice said they met, for the pair: neither she nor bob is asked.
    assert len(dms(env, env.bob)) == 1 and env.fake.dm_messages(env.alice) == [to_alice]
    await later(env, days=6)  # short of the next round: no second follow-up for anyone
    assert [len(dms(env, user)) for user, _ in pairs] == [1, 1, 2, 2]

    # Every payload was one the real API accepts (the stand-in answers others with a 4xx).
    assert all(r.status < 400 for r in env.fake.requests), [
        (r.method, r.path, r.status) for r in env.fake.requests if r.status >= 400
    ]
    async with env.runtime.db.session() as session:
        rows = (await session.exec(select(OutboxRow))).all()
    assert {row.status for row in rows} == {"sent"}  # the weekly polls' posts among them
    said = [row.key.partition(":")[0] for row in rows if row.key and row.key.startswith("match")]
    assert said == ["match"] * 4 + ["match_follow_up"] * 2
