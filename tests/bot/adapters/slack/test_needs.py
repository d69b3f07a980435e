"""Needs on Slack: a need's fits, an intro request by DM, and Happy to help introducing both."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bot.adapters.slack.harness import ADA, BOB, GENERAL, MODES, Bot, slack_bot
from tests.fakes.slack import Message

WAY_OUT = ["Pause for a month", "Stop these messages"]


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running:
        yield running


def buttons(message: Message) -> dict[str, str]:
    """A message's buttons: label to action id."""
    return {
        e["text"]["text"]: e["action_id"]
        for b in message.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
    }


async def test_an_intro_request_goes_by_dm_and_happy_to_help_introduces_both(bot: Bot) -> None:
    fake = bot.fake
    offer = 'add what="I review grant proposals" tags="grants"'
    assert (await bot.driver.slash("/offer", offer, user_id=BOB, channel_id=GENERAL)).ok
    await fake.wait_for(lambda: fake.ephemerals(BOB))
    need = 'add what="help writing a grant" tags="grants"'
    assert (await bot.driver.slash("/need", need, user_id=ADA, channel_id=GENERAL)).ok
    [fits] = await fake.wait_for(lambda: fake.ephemerals(ADA))  # hers alone
    assert "Saved as need #2" in bot.texts([fits])[0]
    [ask] = [action for label, action in buttons(fits).items() if label.startswith("Ask ")]
    assert (await bot.driver.block_action(ADA, ask, message=fits)).ok
    [request] = await fake.wait_for(lambda: fake.dms(BOB))
    assert "is looking for help with" in bot.texts([request])[0]
    assert list(buttons(request)) == ["Happy to help", "Not now", *WAY_OUT]  # unasked: a way out
    assert (
        await bot.driver.block_action(BOB, buttons(request)["Happy to help"], message=request)
    ).ok
    [to_ada] = await fake.wait_for(lambda: fake.dms(ADA))
    assert "is happy to help with your need #2" in bot.texts([to_ada])[0]
    assert f"<@{BOB}>" in bot.texts([to_ada])[0]  # a mention she can follow
    meet = await fake.wait_for(lambda: fake.dms(BOB)[1:])
    assert f"<@{ADA}>" in bot.texts(meet)[0] and buttons(to_ada) == {}
    assert fake.warnings == []
