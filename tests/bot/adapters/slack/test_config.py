"""Settings on Slack: channel settings checked against conversations.list; ids taken as they are."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bot.adapters.slack.harness import ADA, GENERAL, MODES, Bot, slack_bot


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running:
        yield running


async def config(bot: Bot, text: str) -> str:
    """Run `/config …` as Ada, an admin, and return her private answer."""
    seen = len(bot.fake.ephemerals(ADA))
    await bot.driver.slash("/config", text, user_id=ADA, channel_id=GENERAL)
    replies = await bot.fake.wait_for(lambda: bot.fake.ephemerals(ADA)[seen:])
    return bot.texts(replies)[-1]


async def test_a_channel_slack_does_not_list_is_refused_with_the_closest(bot: Bot) -> None:
    text = await config(bot, "set intro_channel introductons")
    assert text.startswith("There is no channel `#introductons` here")
    assert "Did you mean `#introductions`?" in text
    assert (
        await config(bot, "set intro_channel #Welcome") == "Saved: `intro_channel` is now welcome."
    )


async def test_a_channel_made_a_moment_ago_and_mentions_are_accepted(bot: Bot) -> None:
    bot.fake.add_channel("C0123ABCD", "thanks", members=[ADA])
    assert await config(bot, "set kudos_channel thanks") == "Saved: `kudos_channel` is now thanks."
    # Slack's escaped mention reaches the core as #thanks (bot/adapters/slack/incoming.py).
    text = await config(bot, "set badge_channel <#C0123ABCD|thanks>")
    assert text == "Saved: `badge_channel` is now thanks."
    text = await config(bot, "set announce_channel C0123ABCD")
    assert text == "Saved: `announce_channel` is now C0123ABCD."
    assert await config(bot, "reset badge_channel") == (
        "Reset: `badge_channel` is back to its default, (empty)."
    )
    assert bot.fake.warnings == []
