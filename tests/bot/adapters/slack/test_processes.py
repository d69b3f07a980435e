"""Two copbot processes behind one load balancer (Slack over HTTP) share what they were sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path

from sqlmodel import func, select

from bot.adapters.slack.deliveries import EVENT_TTL, PRUNE_EVERY
from bot.clock import ManualClock
from storage.models import SlackDeliveryRow
from tests.bot.adapters.slack.harness import ADA, BOB, CAROL, OWNER, Bot, populate, running
from tests.conftest import START
from tests.fakes.slack import FakeSlack


@asynccontextmanager
async def two_processes(tmp_path: Path) -> AsyncIterator[tuple[Bot, Bot]]:
    """Two HTTP front-ends, each its own runtime, on one database file and one workspace."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    async with FakeSlack() as fake, AsyncExitStack() as stack:
        populate(fake)
        clock = ManualClock(START, frozen=True)
        first = await stack.enter_async_context(running("http", fake, database_url=url))
        second = await stack.enter_async_context(
            running("http", fake, clock=clock, database_url=url)
        )
        second.runtime.dispatcher.sender.pacing = None  # frozen clock: see harness.running
        yield first, second


def user(bot: Bot, user_id: str) -> dict[str, object]:
    """The user object a team_join event carries."""
    return bot.fake.users[user_id].to_slack(bot.fake.team_id)


async def settle(*bots: Bot) -> None:
    """Wait until both processes finished what they were sent, outbox included."""
    for bot in bots:
        await bot.settle()
    for bot in bots:
        await bot.runtime.dispatcher.sender.flush()


async def test_a_retry_reaching_the_other_process_is_handled_once(tmp_path: Path) -> None:
    async with two_processes(tmp_path) as (first, second):
        fake = first.fake
        await first.driver.event("team_join", user=user(first, BOB), event_id="Ev0SHARED")
        await settle(first)
        ack = await second.driver.event(
            "team_join", user=user(second, BOB), event_id="Ev0SHARED", retry_num=1
        )
        assert ack.ok  # acknowledged, so Slack stops retrying, but not handled again
        await settle(first, second)
        assert len(fake.dms(BOB)) == 1

        # A new event is handled by whichever process it reaches.
        await second.driver.event("team_join", user=user(second, CAROL), event_id="Ev0OTHER")
        await fake.wait_for(lambda: fake.dms(CAROL))
        await settle(first, second)
        assert len(fake.dms(CAROL)) == 1


async def test_the_same_event_reaching_both_at_once_is_handled_once(tmp_path: Path) -> None:
    async with two_processes(tmp_path) as (first, second):
        fake = first.fake
        joined = user(first, ADA)
        await asyncio.gather(
            first.driver.event("team_join", user=joined, event_id="Ev0RACE"),
            second.driver.event("team_join", user=joined, event_id="Ev0RACE", retry_num=1),
        )
        await fake.wait_for(lambda: fake.dms(ADA))
        await settle(first, second)
        assert len(fake.dms(ADA)) == 1


async def test_old_deliveries_are_forgotten(tmp_path: Path) -> None:
    async with two_processes(tmp_path) as (_, second):
        clock = second.runtime.clock
        assert isinstance(clock, ManualClock)
        await second.driver.event("message", user=OWNER, channel="C0GENERAL", text="hi")
        await settle(second)
        clock.advance(EVENT_TTL + PRUNE_EVERY + timedelta(seconds=1))
        await second.driver.event("message", user=OWNER, channel="C0GENERAL", text="again")
        await settle(second)
        async with second.runtime.db.session() as session:
            count = (await session.exec(select(func.count()).select_from(SlackDeliveryRow))).one()
        assert count == 1  # only the new one
