"""Work groups through Slack: proposed by slash command, the call for volunteers, Join."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bot.adapters.slack.harness import (
    BOB,
    CAROL,
    GENERAL,
    MODES,
    Bot,
    buttons,
    said,
    slack_bot,
)
from tests.fakes.slack import Message

PROPOSAL = (
    'propose name="Open labs" purpose="Write the open lab guide together" produces=guide '
    "capacity=2 ends=2027-03-01"
)


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running:
        yield running


async def test_a_proposed_group_calls_for_volunteers_and_fills_by_its_button(bot: Bot) -> None:
    fake = bot.fake
    assert (await bot.driver.slash("/group", PROPOSAL, user_id=CAROL, channel_id=GENERAL)).ok
    await fake.wait_for(lambda: said(bot, CAROL, "is started, with you as lead"))
    [call] = await fake.wait_for(lambda: calls(bot))
    text = bot.texts([call])[0]
    assert f"lead: <@{CAROL}>" in text and "Places left: 1 of 2" in text
    assert set(buttons(call)) == {"Join"}

    assert (await bot.driver.block_action(BOB, buttons(call)["Join"], message=call)).ok
    [joined] = await fake.wait_for(lambda: fake.responses(BOB))
    assert joined.body["text"] == "You're in *Open labs*! 0 places left."
    # The call is updated in place: full now, its button gone.
    [full] = await fake.wait_for(
        lambda: [m for m in calls(bot) if "Places left: 0 of 2 (full)" in bot.texts([m])[0]]
    )
    assert full.ts == call.ts and buttons(full) == {}
    assert fake.warnings == [] and fake.failed_calls() == []


def calls(bot: Bot) -> list[Message]:
    """The calls for volunteers in #general."""
    return [m for m in bot.visible(GENERAL) if "Call for volunteers" in bot.texts([m])[0]]
