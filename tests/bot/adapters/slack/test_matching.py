"""Matching rounds on Slack: joined members paired by DM, We met, and the one follow-up."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from tests.bot.adapters.slack.harness import (
    ADA,
    BOB,
    CAROL,
    GENERAL,
    MODES,
    OWNER,
    Bot,
    buttons,
    slack_bot,
)
from tests.conftest import START
from tests.fakes.slack import Message

WAY_OUT = ["Pause for a month", "Stop these messages"]
ANSWERS = ["We met", "Not yet", "Can't this time"]
CAME = ["A need was met", "We made something", "Just a good chat"]


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


async def run(bot: Bot, user: str, command: str, text: str) -> str:
    """The member runs a slash command in #general; the newest answer only they see."""
    before = len(bot.fake.ephemerals(user))
    assert (await bot.driver.slash(command, text, user_id=user, channel_id=GENERAL)).ok
    shown = await bot.fake.wait_for(lambda: bot.fake.ephemerals(user)[before:])
    return bot.texts(shown[-1:])[0]


async def press(bot: Bot, user: str, dm: Message, label: str) -> None:
    """The member presses a button of a DM from copbot; its answer edits the DM."""
    edits = dm.edits
    assert (await bot.driver.block_action(user, buttons(dm)[label], message=dm)).ok
    await bot.fake.wait_for(lambda: dm.edits > edits)


async def test_a_round_pairs_by_dm_we_met_asks_what_came_and_the_silent_are_asked_once(
    bot: Bot,
) -> None:
    fake, clock = bot.fake, clock_of(bot)
    said = {
        ADA: ("/need", 'add what="help writing a grant" tags="grants"'),
        BOB: ("/offer", 'add what="I review grant proposals" tags="grants"'),
        CAROL: ("/need", 'add what="a poster layout" tags="design"'),
        OWNER: ("/offer", 'add what="I lay out posters" tags="design"'),
    }
    for user, (command, text) in said.items():
        assert "Saved as" in await run(bot, user, command, text)
    joined = await run(bot, ADA, "/match", "join")
    assert joined.startswith("🤝 You're in matching rounds! The next round is on Monday")
    for user in (BOB, CAROL, OWNER):
        assert (await run(bot, user, "/match", "join")).startswith("🤝 You're in")
    await bot.settle()
    await bot.runtime.activity.flush()  # who ran commands lately: the round's pool
    assert fake.dms(ADA) == []

    await later(bot, hours=1)  # Monday 10:00: the first round
    assert clock.now() == START + timedelta(hours=1)
    pairs = [(ADA, BOB, "Bob"), (BOB, ADA, "Ada"), (CAROL, OWNER, "Olive"), (OWNER, CAROL, "Carol")]
    for user, other, name in pairs:
        [dm] = fake.dms(user)
        [text] = bot.texts([dm])
        assert text.startswith(f"🤝 *Matching round 1: meet {name}!*")
        assert f"<@{other}>" in text  # a mention they can follow
        assert list(buttons(dm)) == [*ANSWERS, *WAY_OUT]  # unasked: a way out
    [to_ada] = fake.dms(ADA)
    # The tag is emphasised (neutral text has no italics: Slack shows *grants* bold).
    why = r"Why: You need help with ([*_])grants\1; \*Bob\* offers ([*_])grants\2\."
    assert re.search(why, bot.texts([to_ada])[0])
    [to_bob] = fake.dms(BOB)
    why = r"Why: \*Ada\* needs help with ([*_])grants\1; you offer ([*_])grants\2\."
    assert re.search(why, bot.texts([to_bob])[0])
    assert "design" not in bot.texts([to_bob])[0]

    await press(bot, ADA, to_ada, "We met")
    [to_ada_now] = fake.dms(ADA)  # in place: the round's message asks what came of it
    assert to_ada_now is to_ada
    [text] = bot.texts([to_ada])
    assert text.startswith("🎉 Wonderful, thanks for telling me!")
    assert "Did anything come of meeting *Bob*?" in text
    assert list(buttons(to_ada)) == CAME
    await press(bot, ADA, to_ada, "A need was met")
    assert bot.texts([to_ada])[0].startswith("🎉 A need met: that's what rounds are for.")
    assert buttons(to_ada) == {} and fake.dms(ADA) == [to_ada]

    await later(bot, days=5)  # the follow-up, 5 days after the round
    for user, name in ((CAROL, "Olive"), (OWNER, "Carol")):
        round_dm, follow_up = fake.dms(user)
        assert bot.texts([round_dm])[0].startswith("🤝 *Matching round 1: meet ")
        assert bot.texts([follow_up]) == [f"Did you and *{name}* meet? (matching round 1)"]
        assert list(buttons(follow_up)) == [*ANSWERS, *WAY_OUT]
    # Ada said they met, for the pair: neither she nor Bob is asked.
    assert fake.dms(BOB) == [to_bob] and fake.dms(ADA) == [to_ada]
    await later(bot, days=6)  # short of the next round: no second follow-up for anyone
    assert [len(fake.dms(user)) for user, _, _ in pairs] == [1, 1, 2, 2]
    await bot.settle()
    assert fake.warnings == [] and fake.failed_calls() == []
