"""Impact reports through Slack: the report's files in a DM, and its code verified by another."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from tests.bot.adapters.slack.harness import (
    BOB,
    CAROL,
    GENERAL,
    MODES,
    Bot,
    said,
    slack_bot,
)


@pytest.fixture(params=MODES)
async def bot(request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    async with slack_bot(request.param) as running:
        yield running


async def test_a_report_reaches_the_dm_and_its_code_is_verified_by_someone_else(bot: Bot) -> None:
    fake = bot.fake
    text = f"<@{CAROL}|carol> for the lab guide"
    assert (await bot.driver.slash("/kudos", text, user_id=BOB, channel_id=GENERAL)).ok
    await bot.settle()

    assert (await bot.driver.slash("/impact", "", user_id=CAROL, channel_id=GENERAL)).ok
    [told] = await fake.wait_for(lambda: said(bot, CAROL, "is in your DMs, as Markdown"))
    channel = fake.dm_channel(CAROL).id
    files = await fake.wait_for(lambda: len(fake.files_in(channel)) == 2 and fake.files_in(channel))
    assert [f.filename.rsplit(".", 1)[1] for f in files] == ["md", "html"]
    assert b"Kudos received" in files[0].data  # bob's thanks counted

    code = re.search(r"Its code: `?([^`]+?)`?\.$", bot.texts([told])[0])
    assert code is not None
    line = f"verify {code.group(1)}"
    assert (await bot.driver.slash("/impact", line, user_id=BOB, channel_id=GENERAL)).ok
    await fake.wait_for(lambda: said(bot, BOB, "✅ Genuine: an impact report"))
    assert fake.warnings == [] and fake.failed_calls() == []
