"""A job's posts, DMs, edit and picture through the outbox, discord.py and the stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.commands import Member
from bot.dispatch import Place
from bot.runtime import Runtime
from storage.models import OutboxRow
from tests.bot.adapters.discord.conftest import TOKEN, make_guild, start_env
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
from tests.fakes import discord as fd

PEOPLE = 12
POSTS = "POST /channels/*/messages"


@dataclass
class Crowd:
    """A guild of twelve members copbot has seen, and a job that speaks to them all."""

    fake: fd.FakeDiscord
    runtime: Runtime
    guild: fd.FakeGuild
    general: int
    people: list[fd.FakeUser]

    @property
    def clock(self) -> ManualClock:
        """The runtime's frozen clock, moved by hand."""
        assert isinstance(self.runtime.clock, ManualClock)
        return self.runtime.clock

    def dms(self) -> dict[str, list[str]]:
        """Each member's DMs from the bot, by name."""
        return {p.username: [m.content for m in self.fake.dm_messages(p)] for p in self.people}


def names(count: int) -> list[str]:
    """The members' names, in the order copbot first saw them."""
    return [f"member{n:02d}" for n in range(count)]


@pytest.fixture
async def crowd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[Crowd]:
    """copbot connected to a guild of twelve, with the announcing job installed."""
    async with fd.FakeDiscord(token=TOKEN) as fake:
        guild, channels = await make_guild(fake, "Chemistry Educators")
        people = [await fake.add_member(guild.id, name) for name in names(PEOPLE)]
        db_url = f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"
        runtime, front = await start_env(monkeypatch, fake, db_url=db_url)
        try:
            install(runtime, Announce("general", fd.tiny_png()))
            place = Place("discord", str(guild.id), guild.name)
            await seed(runtime, place, [(str(p.id), p.username) for p in people])
            yield Crowd(fake, runtime, guild, channels["general"], people)
        finally:
            await front.close()
            await runtime.close()


def by_kind(rows: list[OutboxRow]) -> tuple[OutboxRow, OutboxRow, list[OutboxRow]]:
    """The poll's row, the chart's row and the DMs' rows."""
    poll, chart, *dms = rows
    assert (poll.kind, chart.kind, {dm.kind for dm in dms}) == ("post", "post", {"dm"})
    return poll, chart, dms


async def test_a_jobs_posts_and_dms_arrive_once_with_their_references(crowd: Crowd) -> None:
    await crowd.runtime.scheduler.run_now("e2e_announce")
    poll_row, chart_row, dm_rows = by_kind(await outbox_rows(crowd.runtime))
    assert {row.status for row in [poll_row, chart_row, *dm_rows]} == {"sent"}

    poll, chart = crowd.fake.messages_in(crowd.general)
    assert poll.content == POLL_TEXT and poll_row.ref == f"{crowd.general}/{poll.id}"
    assert [b["label"] for row in poll.components for b in row["components"]] == ["Tea", "Coffee"]
    assert chart_row.ref == f"{crowd.general}/{chart.id}"
    (attachment,) = chart.attachments
    assert (attachment.filename, attachment.description) == ("chart.png", ALT)
    assert attachment.data == fd.tiny_png()

    assert crowd.dms() == {p.username: [dm_text_for(p)] for p in crowd.people}
    for person, row in zip(crowd.people, dm_rows, strict=True):
        (dm,) = crowd.fake.dm_messages(person)
        assert row.ref == f"{dm.channel_id}/{dm.id}" and dm.nonce == row.handle

    await crowd.runtime.scheduler.run_now("e2e_close")
    assert poll.content == CLOSED_TEXT and poll.components == []
    (edit,) = poll.edits
    assert edit["components"] == []
    patches = [r for r in crowd.fake.requests if r.method == "PATCH"]
    assert [r.path for r in patches] == [f"/channels/{crowd.general}/messages/{poll.id}"]
    assert crowd.fake.messages_in(crowd.general) == [poll, chart]  # edited, not posted again


def dm_text_for(person: fd.FakeUser) -> str:
    """The DM text a fake user should have been sent."""
    return dm_text(Member(0, str(person.id), person.username))


async def drain_until_done(crowd: Crowd, passes: int = 10) -> int:
    """Move the clock to each retry's time and let the sender go; how many passes it took."""
    sender = crowd.runtime.dispatcher.sender
    for done in range(passes):
        pending = [r for r in await outbox_rows(crowd.runtime) if r.status == "pending"]
        if not pending:
            return done
        crowd.clock.set(min(r.not_before for r in pending))
        await sender.drain()
    raise AssertionError("the outbox never emptied")


async def test_rate_limits_and_server_errors_delay_but_lose_nothing(crowd: Crowd) -> None:
    fake = crowd.fake
    fake.fail_next(POSTS, 503, times=3)  # discord.py leaves a 503 to its caller: the outbox
    fake.fail_next(POSTS, 429, times=2, retry_after=0.05)  # short: discord.py waits it out
    fake.fail_next(POSTS, 429, retry_after=45.0)  # longer than discord.py will wait
    started = crowd.clock.now()
    await crowd.runtime.scheduler.run_now("e2e_announce")
    waiting = [r for r in await outbox_rows(crowd.runtime) if r.status == "pending"]
    assert len(waiting) >= 4 and {r.attempts for r in waiting} == {1}
    assert any(r.not_before >= started + timedelta(seconds=45) for r in waiting)

    assert await drain_until_done(crowd) >= 2  # the 2 s backoff, then the 45 s wait
    fake.fail_next("PATCH /channels/*/messages/*", 503)
    await crowd.runtime.scheduler.run_now("e2e_close")
    await drain_until_done(crowd)

    rows = await outbox_rows(crowd.runtime)
    assert {r.status for r in rows} == {"sent"} and all(r.ref for r in rows)
    assert crowd.dms() == {p.username: [dm_text_for(p)] for p in crowd.people}
    poll, chart = fake.messages_in(crowd.general)
    assert (poll.content, poll.components, len(chart.attachments)) == (CLOSED_TEXT, [], 1)
    statuses = [r.status for r in fake.requests if r.method in ("POST", "PATCH")]
    assert {429, 503} <= set(statuses)


async def test_what_is_pending_at_start_up_waits_for_the_connection(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with fd.FakeDiscord(token=TOKEN) as fake:
        guild, channels = await make_guild(fake, "Chemistry Educators")
        people = [await fake.add_member(guild.id, name) for name in names(2)]
        db_url = f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"
        runtime, front = await start_env(monkeypatch, fake, db_url=db_url)
        try:
            install(runtime, Announce("general", fd.tiny_png()))
            place = Place("discord", str(guild.id), guild.name)
            await seed(runtime, place, [(str(p.id), p.username) for p in people])
            fake.fail_next(POSTS, 503, times=4)  # Discord is down while the job runs
            await runtime.scheduler.run_now("e2e_announce")
        finally:
            await front.close()
            await runtime.close()

        runtime, front = await start_env(monkeypatch, fake, db_url=db_url, connect=False)
        try:
            clock = runtime.clock
            assert isinstance(clock, ManualClock)
            clock.advance(timedelta(minutes=1))
            # `copbot run` starts its sender with the front-ends, before Discord is connected.
            await runtime.dispatcher.sender.drain()
            rows = await outbox_rows(runtime)
            assert {(r.status, r.outcome) for r in rows} == {
                ("pending", "not connected to Discord yet")
            }
            assert fake.messages_in(channels["general"]) == []
            await front.start()
            await asyncio.wait_for(front.client.wait_until_ready(), 5)
            clock.advance(timedelta(minutes=1))
            await runtime.dispatcher.sender.drain()
            rows = await outbox_rows(runtime)
            assert {r.status for r in rows} == {"sent"}
            assert len(fake.messages_in(channels["general"])) == 2
        finally:
            await front.close()
            await runtime.close()
