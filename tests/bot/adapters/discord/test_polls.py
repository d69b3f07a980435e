"""The weekly poll on Discord: posted by the scheduler, answered by button and modal, closed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlmodel import select

from bot.clock import ManualClock
from cogs.polls import ALREADY, THANKS
from storage.models import MemberRow
from tests.bot.adapters.discord.conftest import DiscordEnv, answer, settled
from tests.conftest import START
from tests.fakes import discord as fd

EPHEMERAL, MODAL = 64, 9
WEEKLY_AT = START.replace(hour=15)  # Monday 15:00 in the community's zone (UTC)
PATCHES = "PATCH"


def clock_of(env: DiscordEnv) -> ManualClock:
    """The harness's frozen clock."""
    clock = env.runtime.clock
    assert isinstance(clock, ManualClock)
    return clock


async def at(env: DiscordEnv, when: timedelta) -> None:
    """Move the clock to this long after the poll's time, running the jobs due on the way."""
    await env.runtime.scheduler.advance(clock_of(env), WEEKLY_AT + when)
    await env.runtime.dispatcher.sender.drain_all()


def posts(env: DiscordEnv) -> list[fd.RecordedMessage]:
    """What everyone sees in #general: the bot's posts, not the answers only one member sees."""
    return [m for m in env.fake.messages_in(env.general) if m.source == "channel"]


def labels(message: fd.RecordedMessage) -> list[str]:
    """The labels of a message's buttons, row by row."""
    return [b["label"] for row in message.components for b in row["components"]]


def custom_id(message: fd.RecordedMessage, label: str) -> str:
    """The custom id of the button with this label."""
    found = [b for row in message.components for b in row["components"] if b["label"] == label]
    assert found, f"no button {label!r} on {labels(message)}"
    return str(found[0]["custom_id"])


async def press(
    env: DiscordEnv, user: fd.FakeUser, message: fd.RecordedMessage, label: str
) -> fd.SentInteraction:
    """A member presses a button of a post in #general, through the gateway."""
    sent = await env.fake.click(
        env.guild.id, env.general, user, custom_id(message, label), message.id
    )
    await settled(sent)
    return sent


def private(sent: fd.SentInteraction) -> str:
    """The text of the ephemeral answer only the presser sees."""
    shown = answer(sent)
    assert shown is not None and shown.flags & EPHEMERAL, shown
    return shown.content


def patches(env: DiscordEnv, message: fd.RecordedMessage) -> list[fd.RecordedRequest]:
    """The bot's edits of a message, by REST request."""
    path = f"/channels/{message.channel_id}/messages/{message.id}"
    return [r for r in env.fake.requests if r.method == PATCHES and r.path == path]


async def active_at(env: DiscordEnv) -> dict[str, datetime | None]:
    """Each stored member's last activity, by name."""
    async with env.runtime.db.session() as session:
        return {r.name: r.last_active_at for r in (await session.exec(select(MemberRow))).all()}


async def test_the_weekly_poll_from_post_to_results(env: DiscordEnv) -> None:
    carol = await env.fake.add_member(env.guild.id, "carol")
    await at(env, -timedelta(minutes=1))
    assert posts(env) == []
    await at(env, timedelta(0))
    [poll] = posts(env)
    assert poll.author_id == env.fake.bot.id and "📋 **Poll #1 · Weekly check-in**" in poll.content
    assert "0 answered so far" in poll.content
    assert labels(poll) == [
        "1 · Not at all",
        "2 · A little",
        "3 · Somewhat",
        "4 · Very",
        "5 · Extremely",
        "✍️ Answer",
    ]

    assert private(await press(env, env.alice, poll, "4 · Very")) == THANKS
    assert private(await press(env, env.bob, poll, "5 · Extremely")) == THANKS
    again = private(await press(env, env.alice, poll, "2 · A little"))
    assert again == ALREADY and "can't be changed" in again

    opened = await press(env, env.mod, poll, "✍️ Answer")
    form = await opened.callback()
    assert form["type"] == MODAL and form["data"]["title"] == "Poll #1 (anonymous)"
    [field] = form["data"]["components"]
    assert field["label"] == "What should we do more of?"
    # The modal carries its poll, so the answer needs no memory in copbot (restarts included).
    assert form["data"]["custom_id"] == "form:polls answer?poll=1"
    written = await env.fake.submit_modal(
        env.guild.id,
        env.general,
        env.mod,
        form["data"]["custom_id"],
        {"answer": "More lab swaps, @everyone"},
    )
    await settled(written)
    assert private(written) == THANKS
    assert "0 answered so far" in poll.content and patches(env, poll) == []

    await env.runtime.activity.flush()
    assert await active_at(env) == {"alice": None, "bob": None, "mod": None}  # no time of voting

    await at(env, timedelta(seconds=30))  # the count shows at most every 30 s
    assert len(patches(env, poll)) == 1
    assert "3 answered so far" in poll.content and labels(poll)[-1] == "✍️ Answer"
    await at(env, timedelta(seconds=31))
    assert private(await press(env, carol, poll, "3 · Somewhat")) == THANKS
    await at(env, timedelta(seconds=59))
    assert len(patches(env, poll)) == 1  # 30 s after the last edit, not before
    await at(env, timedelta(minutes=5))
    assert len(patches(env, poll)) == 2 and "4 answered so far" in poll.content

    await at(env, timedelta(hours=72))
    assert len(patches(env, poll)) == 3 and poll.components == []
    assert poll.edits[-1]["components"] == []  # the buttons are taken off
    assert "(closed)" in poll.content and "- 4 · Very: 1" in poll.content
    assert "Average: 4.0 of 5." in poll.content and "4 answered" in poll.content
    poll_again, results = posts(env)
    assert poll_again is poll
    assert results.content.startswith("📊 **Results of Poll #1 · Weekly check-in**")
    assert "- 5 · Extremely: ▇▇▇▇▇▇▇▇▇▇ 1 (33%)" in results.content
    assert "**Average: 4.0 of 5**" in results.content
    assert "- More lab swaps, @\u200beveryone" in results.content  # shown, never a ping
    [chart] = results.attachments
    assert chart.filename == "poll-1-trend.png" and chart.data.startswith(b"\x89PNG")
    assert chart.description == (
        "Average rating of poll #1: 4.0 of 5. It is the first weekly poll with ratings, "
        "so there is no trend yet."
    )

    # Anonymous: no post, edit or answer anywhere names or mentions who answered.
    said = [m.content for m in env.fake.messages] + [
        str(e.get("content")) for m in env.fake.messages for e in m.edits
    ]
    for member in (env.alice, env.bob, env.mod, carol):
        named = re.compile(rf"\b{member.username}\b|{member.id}")
        assert not [text for text in said if named.search(text)], member.username


async def test_a_moderators_named_poll_shows_who_chose_what_at_close(env: DiscordEnv) -> None:
    form = await (await env.slash(env.mod, "poll ask")).callback()
    assert form["type"] == MODAL and form["data"]["title"] == "Ask the community"
    values = {"question": "Tea or coffee?", "options": "Tea; Coffee", "anonymous": "no"}
    asked = await env.fake.submit_modal(
        env.guild.id, env.general, env.mod, form["data"]["custom_id"], values
    )
    await settled(asked)
    assert private(asked).startswith("Poll #1 is posted; it closes on Thu 2026-11-05 09:00")
    await env.runtime.dispatcher.sender.drain_all()
    [poll] = posts(env)
    assert labels(poll) == ["Tea", "Coffee"] and "Not anonymous" in poll.content
    first = private(await press(env, env.alice, poll, "Tea"))
    assert first.startswith("Thanks: you chose **Tea**. You can change your vote")
    changed = private(await press(env, env.alice, poll, "Coffee"))
    assert changed.startswith("Your vote is now **Coffee** (it was Tea).")

    closed = await env.slash(env.mod, "poll close", number=1)
    assert private(closed) == "Poll #1 is closed; its results are posted."
    await env.runtime.dispatcher.sender.drain_all()
    assert poll.components == [] and "- Coffee: 1" in poll.content
    _, results = posts(env)
    assert results.content.endswith("**Who chose what**\n- Coffee: alice")
    assert results.attachments == []  # a chart follows the weekly check-in only
