"""What welcome back tells a returning member about polls: what closed, and what was done."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.commands import Member
from bot.context import Context
from bot.news import gather
from bot.runtime import Runtime
from tests.cogs.polling import WEEKLY_AT, Polling, polling_on
from tests.conftest import PLACE


@pytest.fixture
async def polling(runtime: Runtime, clock: ManualClock) -> Polling:
    """The community, seen at START; jobs deliver to the test transport."""
    return await polling_on(runtime, clock)


async def news_since(polling: Polling, since: object) -> list[str]:
    """Every cog's what's-new lines for a member who has been away since `since`."""
    lines: list[str] = []

    async def body(ctx: Context) -> None:
        lines.extend(await gather(ctx, Member(0, "ana", "ana"), since))  # type: ignore[arg-type]

    await polling.runtime.dispatcher.run_as_bot(PLACE, body, polling.driver.transport)
    return lines


async def test_closed_polls_and_what_was_done_are_news_to_a_returning_member(
    polling: Polling,
) -> None:
    since = polling.clock.now()
    await polling.at(WEEKLY_AT + timedelta(seconds=1))
    await polling.press("bob", "4")
    await polling.later(days=3, minutes=2)  # the check-in closed
    await polling.mod("/poll respond 1 We booked two workshops @everyone")
    lines = await news_since(polling, since)
    assert "🗳️ Poll #1 closed: see the results with /polls" in lines
    [done] = [line for line in lines if line.startswith("💬")]
    assert done.startswith("💬 You said, we did (poll #1): We booked two workshops")
    assert "@everyone" not in done  # their text, neutralised
    assert await news_since(polling, polling.clock.now()) == []  # nothing since now
