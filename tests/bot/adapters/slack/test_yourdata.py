"""Members' data through Slack: /my-data's file in a DM, /forget-me's confirming button."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from sqlmodel import func, select

from storage.models import KudosRow
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


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running:
        yield running


async def test_my_data_arrives_as_a_json_file_in_a_dm(bot: Bot) -> None:
    fake = bot.fake
    await thank_bob(bot)

    assert (await bot.driver.slash("/my-data", "", user_id=CAROL, channel_id=GENERAL)).ok
    await fake.wait_for(lambda: said(bot, CAROL, "Your data is in your DMs, as a JSON file."))
    channel = fake.dm_channel(CAROL).id
    [file] = await fake.wait_for(lambda: fake.files_in(channel))
    assert file.filename == "copbot-my-data.json"
    document = json.loads(file.data)
    assert document["community"] == fake.team_name
    assert "for the reading list" in json.dumps(document["Kudos"])
    assert fake.warnings == [] and fake.failed_calls() == []


async def test_forget_me_asks_then_erases_on_the_button(bot: Bot) -> None:
    fake = bot.fake
    await thank_bob(bot)

    assert (await bot.driver.slash("/forget-me", "", user_id=CAROL, channel_id=GENERAL)).ok
    [asked] = await fake.wait_for(lambda: said(bot, CAROL, "It can't be undone."))
    labels = buttons(asked)
    assert set(labels) == {"Forget me", "Keep my data"}
    assert await kudos_rows(bot) == 1  # nothing yet: only the button erases

    assert (await bot.driver.block_action(CAROL, labels["Forget me"], message=asked)).ok
    await fake.wait_for(lambda: said(bot, CAROL, "Done: copbot has forgotten it all, here."))
    assert await kudos_rows(bot) == 0  # the kudos given went, bob's tally with them
    assert fake.warnings == [] and fake.failed_calls() == []


async def test_only_an_admin_may_forget_someone_else(bot: Bot) -> None:
    text = f"<@{BOB}|bob>"
    assert (await bot.driver.slash("/forget-member", text, user_id=CAROL, channel_id=GENERAL)).ok
    [refused] = await bot.fake.wait_for(lambda: said(bot, CAROL, "admin"))
    assert buttons(refused) == {}
    assert await kudos_rows(bot) == 0


async def thank_bob(bot: Bot) -> None:
    """Carol (a plain member) thanks Bob, so she has data to take or erase."""
    text = f"<@{BOB}|bob> for the reading list"
    assert (await bot.driver.slash("/kudos", text, user_id=CAROL, channel_id=GENERAL)).ok
    await bot.fake.wait_for(lambda: [m for m in bot.visible(GENERAL) if "thanked" in m.text])
    await bot.settle()
    assert await kudos_rows(bot) == 1


async def kudos_rows(bot: Bot) -> int:
    """How many kudos the database holds."""
    async with bot.runtime.db.session() as session:
        return (await session.exec(select(func.count()).select_from(KudosRow))).one()
