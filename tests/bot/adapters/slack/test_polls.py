"""The weekly poll on Slack: posted by the scheduler, answered by button and modal, closed."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.clock import ManualClock
from cogs.polls import ALREADY, THANKS
from storage.models import MemberRow
from tests.bot.adapters.slack.harness import ADA, BOB, CAROL, GENERAL, MODES, OWNER, Bot, slack_bot
from tests.conftest import START
from tests.fakes.slack import Message

WEEKLY_AT = START.replace(hour=15)  # Monday 15:00 in the community's zone (UTC)


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running:
        yield running


async def at(bot: Bot, when: timedelta) -> None:
    """Move the clock to this long after the poll's time, running the jobs due on the way."""
    clock = bot.runtime.clock
    assert isinstance(clock, ManualClock)
    await bot.runtime.scheduler.advance(clock, WEEKLY_AT + when)
    await bot.runtime.dispatcher.sender.drain_all()


def buttons(message: Message) -> dict[str, str]:
    """A message's buttons: label to action id."""
    return {
        e["text"]["text"]: e["action_id"]
        for b in message.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
    }


async def press(bot: Bot, user: str, message: Message, label: str) -> str:
    """A member presses a button of a post; the text of the answer only they see."""
    before = len(bot.fake.ephemerals(user))
    ack = await bot.driver.block_action(user, buttons(message)[label], message=message)
    assert ack.ok
    return await private(bot, user, before)


async def private(bot: Bot, user: str, before: int) -> str:
    """The newest answer only this member sees, once there are more than `before`."""
    shown = await bot.fake.wait_for(lambda: bot.fake.ephemerals(user)[before:])
    return bot.texts(shown[-1:])[0]


def updates(bot: Bot, message: Message) -> list[dict[str, Any]]:
    """The bot's chat.update calls on a message."""
    calls = bot.fake.calls("chat.update")
    return [c.args for c in calls if (c.args["channel"], c.args["ts"]) == (GENERAL, message.ts)]


async def active_at(bot: Bot) -> dict[str, datetime | None]:
    """Each stored member's last activity, by name."""
    async with bot.runtime.db.session() as session:
        return {r.name: r.last_active_at for r in (await session.exec(select(MemberRow))).all()}


async def test_the_weekly_poll_from_post_to_results(bot: Bot) -> None:
    fake = bot.fake
    # Nobody has spoken in this fresh workspace: the scheduler still knows it from start-up.
    await at(bot, -timedelta(minutes=1))
    assert bot.visible(GENERAL) == []
    await at(bot, timedelta(0))
    [poll] = bot.visible(GENERAL)
    [text] = bot.texts([poll])
    assert text.startswith("📋 *Poll #1 · Weekly check-in*") and "0 answered so far" in text
    assert list(buttons(poll)) == [
        "1 · Not at all",
        "2 · A little",
        "3 · Somewhat",
        "4 · Very",
        "5 · Extremely",
        "✍️ Answer",
    ]

    assert await press(bot, ADA, poll, "4 · Very") == THANKS
    assert await press(bot, BOB, poll, "5 · Extremely") == THANKS
    again = await press(bot, BOB, poll, "1 · Not at all")
    assert again == ALREADY.replace("**", "*") and "can't be changed" in again

    ack = await bot.driver.block_action(CAROL, buttons(poll)["✍️ Answer"], message=poll)
    assert ack.ok
    [modal] = await fake.wait_for(lambda: fake.views_opened(CAROL))
    assert modal["title"]["text"] == "Poll #1 (anonymous)"
    [field] = modal["blocks"]
    assert field["label"]["text"] == "What should we do more of?"
    # The modal carries its poll, so the answer needs no memory in copbot (restarts included).
    assert json.loads(modal["private_metadata"])["hidden"] == {"poll": "1"}
    before = len(fake.ephemerals(CAROL))
    answer = {"answer": {"answer": "More lab swaps @channel"}}
    ack = await bot.driver.view_submission(CAROL, modal["callback_id"], answer)
    assert ack.ok and ack.response_action is None
    assert await private(bot, CAROL, before) == THANKS
    await bot.settle()
    assert updates(bot, poll) == []
    await bot.runtime.activity.flush()
    assert await active_at(bot) == {"Ada": None, "Bob": None, "Carol": None}  # no time of voting

    await at(bot, timedelta(seconds=30))  # the count shows at most every 30 s
    [count] = updates(bot, poll)
    assert "3 answered so far" in bot.texts([poll])[0] and "✍️ Answer" in buttons(poll)
    assert [b["type"] for b in count["blocks"]] == ["section", "actions"]
    await at(bot, timedelta(seconds=31))
    assert await press(bot, OWNER, poll, "3 · Somewhat") == THANKS
    await at(bot, timedelta(seconds=59))
    assert len(updates(bot, poll)) == 1  # 30 s after the last edit, not before
    await at(bot, timedelta(minutes=5))
    assert len(updates(bot, poll)) == 2 and "4 answered so far" in bot.texts([poll])[0]

    await at(bot, timedelta(hours=72))
    closing = updates(bot, poll)[-1]
    assert len(updates(bot, poll)) == 3
    assert [b["type"] for b in closing["blocks"]] == ["section"]  # no buttons
    assert buttons(poll) == {} and poll.edits == 3
    [closed] = bot.texts([poll])
    assert "(closed)" in closed and "- 4 · Very: 1" in closed and "Average: 4.0 of 5." in closed
    poll_again, results, share = bot.visible(GENERAL)
    assert poll_again is poll
    [said] = bot.texts([results])
    assert said.startswith("📊 *Results of Poll #1 · Weekly check-in*")
    assert "- 5 · Extremely: ▇▇▇▇▇▇▇▇▇▇ 1 (33%)" in said and "*Average: 4.0 of 5*" in said
    assert "- More lab swaps @\u200bchannel" in said  # shown, never a ping
    [chart] = fake.files_in(GENERAL)
    assert share.files == [chart.id] and chart.data.startswith(b"\x89PNG")
    assert chart.alt_txt == (
        "Average rating of poll #1: 4.0 of 5. It is the first weekly poll with ratings, "
        "so there is no trend yet."
    )

    # Anonymous: no post, edit or answer anywhere names or mentions who answered.
    shown = [json.dumps([m.text, m.blocks, m.versions]) for m in fake.messages]
    for user_id in (OWNER, ADA, BOB, CAROL):
        user = fake.users[user_id]
        named = re.compile(rf"\b({user.name}|{user.display_name})\b|{user_id}", re.I)
        assert not [text for text in shown if named.search(text)], user.name
    assert fake.warnings == [] and fake.failed_calls() == []
