"""What cogs share: dates in the community's time zone everywhere they show, and counted nouns."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor
from bot.runtime import Runtime
from cogs.common import plural
from tests.conftest import PLACE, Driver

MOD = Level.MODERATOR


async def test_every_date_is_in_the_community_time_zone(
    driver: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await driver.run("mod", "/config set timezone Pacific/Auckland", MOD)
    clock.advance(timedelta(hours=3))  # 12:00 UTC on 2 November: 01:00 on 3 November there
    await driver.run("ana", '/intro about="me" goals="learn" interests=oer')
    await driver.run("bob", "/kudos @ana for the reading list")
    await driver.run("mod", "/badge grant @ana mentor Welcomes every newcomer", MOD)
    await driver.run("cy", "/kudos history @ana")
    assert "- 2026-11-03 from **bob**: for the reading list" in driver.transport.answer()
    await driver.run("cy", "/badges @ana")
    assert "🧭 **Mentor**, 2026-11-03 (granted by a moderator)" in driver.transport.answer()
    await driver.run("cy", "/intro history @ana")
    assert "- 2026-11-03 (current): goals: learn" in driver.transport.answer()
    driver.transport.clear()
    await runtime.dispatcher.emit(PLACE, Actor("ana", "ana"), "home_opened", driver.transport)
    sections = "\n".join(item.reply.text for item in driver.transport.to_invoker())
    assert "**Your intro** (last updated 2026-11-03)" in sections
    assert "- 2026-11-03 from **bob**: for the reading list" in sections
    assert "2026-11-02" not in sections


def test_plural_counts_nouns() -> None:
    assert plural(1, "version") == "1 version"
    assert plural(0, "version") == "0 versions"
    assert plural(2, "person", "people") == "2 people"
    assert plural(1, "more person", "more people") == "1 more person"
