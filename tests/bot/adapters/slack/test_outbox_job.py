"""A job's posts, DMs, edit and picture through the outbox, slack_sdk and the stand-in."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.commands import Member
from bot.dispatch import Place
from storage.models import OutboxRow
from tests.bot.adapters.outbox_job import (
    ALT,
    CLOSED_TEXT,
    POLL_TEXT,
    Announce,
    dm_text,
    install,
    outbox_rows,
    seed,
)
from tests.bot.adapters.slack.harness import GENERAL, Bot, running
from tests.conftest import START
from tests.fakes.discord import tiny_png
from tests.fakes.slack import FakeSlack

PEOPLE = 12


def workspace(fake: FakeSlack, count: int = PEOPLE) -> list[str]:
    """A workspace of `count` members and #general; their user ids."""
    ids = [f"U0MEMBER{n:02d}" for n in range(count)]
    for n, user_id in enumerate(ids):
        fake.add_user(user_id, f"member{n:02d}", display_name=f"Member {n}")
    fake.add_channel(GENERAL, "general", members=ids)
    return ids


async def ready(bot: Bot, ids: list[str], cog: Announce) -> None:
    """Install the job and the members copbot has seen."""
    install(bot.runtime, cog)
    place = Place("slack", bot.fake.team_id, bot.fake.team_name)
    await seed(bot.runtime, place, [(user_id, f"member{n:02d}") for n, user_id in enumerate(ids)])


@pytest.fixture
async def crowd() -> AsyncIterator[tuple[Bot, list[str]]]:
    """copbot on Slack with twelve members and the announcing job."""
    async with FakeSlack() as fake:
        ids = workspace(fake)
        async with running("socket", fake) as bot:
            await ready(bot, ids, Announce("general", tiny_png()))
            yield bot, ids


def dms(bot: Bot, ids: list[str]) -> dict[str, list[str]]:
    """Each member's DMs from the bot (their words), by user id."""
    return {user_id: bot.texts(bot.fake.dms(user_id)) for user_id in ids}


def told(ids: list[str]) -> dict[str, list[str]]:
    """What each member should have been told, once."""
    names = {user_id: f"member{n:02d}" for n, user_id in enumerate(ids)}
    return {user_id: [dm_text(Member(0, user_id, names[user_id]))] for user_id in ids}


async def drain_until_done(bot: Bot, passes: int = 10) -> None:
    """Move the frozen clock to each retry's time and let the sender go, until nothing waits."""
    clock = bot.runtime.clock
    assert isinstance(clock, ManualClock)
    for _ in range(passes):
        pending = [r for r in await outbox_rows(bot.runtime) if r.status == "pending"]
        if not pending:
            return
        clock.set(min(r.not_before for r in pending))
        await bot.runtime.dispatcher.sender.drain()
    raise AssertionError("the outbox never emptied")


def block_types(bot: Bot, channel: str) -> list[list[str]]:
    """The block types of each visible message in a channel."""
    return [[b["type"] for b in m.blocks or []] for m in bot.visible(channel)]


async def test_a_jobs_posts_and_dms_arrive_once_with_their_references(
    crowd: tuple[Bot, list[str]],
) -> None:
    bot, ids = crowd
    await bot.runtime.scheduler.run_now("e2e_announce")
    rows = await outbox_rows(bot.runtime)
    assert {r.status for r in rows} == {"sent"}
    poll_row, chart_row, *dm_rows = rows

    poll, chart, share = bot.visible(GENERAL)
    assert bot.texts([poll, chart]) == [POLL_TEXT, "Last week's answers"]
    assert (poll_row.ref, chart_row.ref) == (f"{GENERAL}/{poll.ts}", f"{GENERAL}/{chart.ts}")
    assert block_types(bot, GENERAL)[0] == ["section", "actions"]
    [upload] = bot.fake.files_in(GENERAL)
    assert (upload.data, upload.alt_txt, share.files) == (tiny_png(), ALT, [upload.id])

    assert dms(bot, ids) == told(ids)
    for user_id, row in zip(ids, dm_rows, strict=True):
        [dm] = bot.fake.dms(user_id)
        assert row.ref == f"{dm.channel}/{dm.ts}" and dm.channel.startswith("D")

    await bot.runtime.scheduler.run_now("e2e_close")
    [update] = bot.fake.calls("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (GENERAL, poll.ts)
    assert bot.texts([poll]) == [CLOSED_TEXT] and poll.edits == 1
    assert block_types(bot, GENERAL)[0] == ["section"]  # the actions block is gone
    assert len(bot.visible(GENERAL)) == 3 and bot.fake.warnings == []


async def test_rate_limits_and_slack_failing_delay_but_lose_nothing(
    crowd: tuple[Bot, list[str]],
) -> None:
    bot, ids = crowd
    fake = bot.fake
    fake.fail_next("chat.postMessage", "ratelimited", status=429, retry_after=30, count=4)
    fake.fail_next("conversations.open", "ratelimited", status=429, retry_after=20, count=2)
    await bot.runtime.scheduler.run_now("e2e_announce")
    waiting = [r for r in await outbox_rows(bot.runtime) if r.status == "pending"]
    assert len(waiting) == 6 and {r.outcome.split(":")[-1].strip() for r in waiting} == {
        "ratelimited"
    }
    await drain_until_done(bot)
    fake.fail_next("chat.update", "internal_error", status=500, count=2)  # slack_sdk retries once
    await bot.runtime.scheduler.run_now("e2e_close")
    await drain_until_done(bot)

    rows: list[OutboxRow] = await outbox_rows(bot.runtime)
    assert {r.status for r in rows} == {"sent"} and all(r.ref for r in rows)
    assert dms(bot, ids) == told(ids)
    poll, chart, _share = bot.visible(GENERAL)
    assert bot.texts([poll, chart]) == [CLOSED_TEXT, "Last week's answers"]
    assert {c.status for c in fake.calls()} >= {429, 500}


async def test_posts_in_one_channel_leave_no_faster_than_slack_allows(tmp_path: Path) -> None:
    posts, rate = 6, 20.0
    async with FakeSlack() as fake:
        ids = workspace(fake, 1)
        db_url = f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"
        clock = ManualClock(START)  # running: the pacer's buckets refill as time passes
        async with running(
            "socket", fake, clock=clock, database_url=db_url, slack_posts_per_second=rate
        ) as bot:
            await ready(bot, ids, Announce("general", tiny_png(), posts=posts))
            sender = asyncio.create_task(bot.runtime.dispatcher.sender.run())
            try:
                await bot.runtime.scheduler.run_now("e2e_chatter")
                await fake.wait_for(lambda: len(bot.visible(GENERAL)) == posts)
            finally:
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender
        calls = fake.calls("chat.postMessage")
        assert [c.args["channel"] for c in calls] == [GENERAL] * posts
        # One at once, then one every 1/rate seconds: a lower bound, with room to spare.
        assert calls[-1].at - calls[0].at >= 0.8 * (posts - 1) / rate


async def test_the_background_sender_leaves_alone_what_a_job_is_sending() -> None:
    async with FakeSlack() as fake:
        ids = workspace(fake, 3)
        clock = ManualClock(START, frozen=True)
        async with running("socket", fake, clock=clock) as bot:  # paced, as in production
            await ready(bot, ids, Announce("general", tiny_png()))
            held = fake.hold("chat.postMessage", channel=fake.dm_channel(ids[1]).id)
            job = asyncio.create_task(bot.runtime.scheduler.run_now("e2e_announce"))
            await asyncio.wait_for(held.served.wait(), 5)
            # Slack is slow to answer; meanwhile the background sender, woken for the chart
            # (paced behind the poll), makes its pass over what is due.
            clock.advance(timedelta(seconds=5))
            await bot.runtime.dispatcher.sender.drain()
            held.released.set()
            await job
            for _ in range(5):
                clock.advance(timedelta(seconds=5))
                await bot.runtime.dispatcher.sender.drain()
            assert {r.status for r in await outbox_rows(bot.runtime)} == {"sent"}
            assert dms(bot, ids) == told(ids)  # each once: the one in flight was not sent again
