"""copbot killed (SIGKILL) in the middle of a job's DMs: after a restart each arrives once."""

from __future__ import annotations

import signal
from pathlib import Path

from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from tests.bot.adapters.discord.conftest import TOKEN, make_guild
from tests.bot.adapters.outbox_job import POLL_TEXT, child_env, outbox_rows, spawn, until
from tests.fakes import discord as fd

PEOPLE, DELIVERED = 12, 5  # the kill comes while the sixth DM is on its way


async def test_a_kill_mid_send_then_a_restart_sends_each_dm_once(tmp_path: Path) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"
    async with fd.FakeDiscord(token=TOKEN) as fake:
        guild, channels = await make_guild(fake, "Chemistry Educators")
        people = [await fake.add_member(guild.id, f"member{n:02d}") for n in range(PEOPLE)]
        env = child_env(
            db_url,
            DISCORD_TOKEN=TOKEN,
            DISCORD_API_BASE=f"{fake.url}/api/v10",
            DISCORD_GATEWAY_URL=fake.gateway_url,
            # Unpaced, so the job's own sending is one batch whose outcomes are written at its
            # end: the kill lands after some sends and before any record.
            COPBOT_DISCORD_DM_SECONDS="0",
            COPBOT_DISCORD_DMS_PER_MINUTE="600000",
            COPBOT_DISCORD_POSTS_PER_SECOND="1000",
        )
        # discord.py sits out this 429 inside the send: the process is mid-batch when killed.
        held = fake.state.dm_channel(people[DELIVERED].id).id
        fake.fail_next(f"POST /channels/{held}/messages", 429, retry_after=25.0)
        members = [f"{p.id}:{p.username}" for p in people]
        job = await spawn(
            "tests.bot.adapters.outbox_job",
            "discord",
            str(guild.id),
            guild.name,
            *members,
            env=env,
            cwd=tmp_path,
        )
        try:
            await fake.wait_until(lambda: _rate_limited(fake, held), timeout=20)
        finally:
            job.send_signal(signal.SIGKILL)
            await job.wait()
        assert [p for p in people if fake.dm_messages(p)] == people[:DELIVERED]
        assert len(fake.messages_in(channels["general"])) == 2
        before = len(_message_posts(fake))

        runtime = await _open(db_url)
        try:
            rows = await outbox_rows(runtime)
            assert len(rows) == 2 + PEOPLE and {r.status for r in rows} == {"pending"}

            # A plain `copbot run` on the same database: its sender takes what was pending.
            bot = await spawn("bot", "run", env=env, cwd=tmp_path)
            try:
                await until(lambda: _all_sent(runtime), timeout=30)
            finally:
                bot.send_signal(signal.SIGTERM)
                assert await bot.wait() == 0
            rows = await outbox_rows(runtime)
        finally:
            await runtime.close()
        assert all(r.ref for r in rows)
        assert {p.username: len(fake.dm_messages(p)) for p in people} == {
            p.username: 1 for p in people
        }
        poll, chart = fake.messages_in(channels["general"])
        assert poll.content == POLL_TEXT and len(chart.attachments) == 1
        # Nothing was recorded, so all went out again; Discord kept one of each by its nonce.
        assert len(_message_posts(fake)) == before + 2 + PEOPLE


def _message_posts(fake: fd.FakeDiscord) -> list[fd.RecordedRequest]:
    return [r for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]


def _rate_limited(fake: fd.FakeDiscord, channel: int) -> bool:
    return any(r.status == 429 and r.path == f"/channels/{channel}/messages" for r in fake.requests)


async def _open(db_url: str) -> Runtime:
    """A runtime on the killed bot's database, only to read its outbox."""
    return await build_runtime(Settings(database_url=db_url), migrate=False)


async def _all_sent(runtime: Runtime) -> bool:
    rows = await outbox_rows(runtime)
    return bool(rows) and all(r.status != "pending" for r in rows)
