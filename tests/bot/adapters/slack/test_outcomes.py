"""Outcomes through Slack: recorded by slash command, posted with credits, Remove me in a DM."""

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

LAB = (
    'add title="Open lab manual" type=guide link=https://example.org/lab license="CC BY 4.0" '
    f'contributors="<@{BOB}|bob> reviewer"'
)


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running:
        yield running


async def test_an_outcome_is_posted_crediting_its_contributors_who_may_step_off(bot: Bot) -> None:
    fake = bot.fake
    assert (await bot.driver.slash("/outcome", LAB, user_id=CAROL, channel_id=GENERAL)).ok
    await fake.wait_for(lambda: said(bot, CAROL, "Saved as Outcome #1: *Open lab manual*"))
    [post] = await fake.wait_for(
        lambda: [m for m in bot.visible(GENERAL) if "Outcome #1" in bot.texts([m])[0]]
    )
    assert f"<@{BOB}>" in bot.texts([post])[0] and "License: CC BY 4.0" in bot.texts([post])[0]

    [told] = await fake.wait_for(lambda: fake.dms(BOB))
    assert "Outcome #1" in bot.texts([told])[0]
    assert (await bot.driver.block_action(BOB, buttons(told)["Remove me"], message=told)).ok
    [done] = await fake.wait_for(lambda: fake.responses(BOB))
    assert done.body["text"] == "Done: you're no longer credited on Outcome #1."
    assert done.body["replace_original"] is True  # the DM's buttons go with it

    assert (await bot.driver.slash("/outcome", "show 1", user_id=CAROL, channel_id=GENERAL)).ok

    def about_it() -> list[Message]:
        return said(bot, CAROL, "Open lab manual*")

    _, shown = await fake.wait_for(lambda: len(about_it()) == 2 and about_it())  # after "Saved"
    assert "bob" not in bot.texts([shown])[0]
    assert fake.warnings == [] and fake.failed_calls() == []
