"""copbot killed (SIGKILL) in the middle of a job's DMs on Slack: a restart sends the rest."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from tests.bot.adapters.outbox_job import child_env, outbox_rows, spawn, until
from tests.bot.adapters.slack.harness import GENERAL
from tests.bot.adapters.slack.test_outbox_job import workspace
from tests.fakes.slack import FakeSlack

IN_FLIGHT = 5  # the sixth member's DM is posted, but copbot dies before hearing so


async def test_a_kill_mid_send_then_a_restart_sends_the_rest(tmp_path: Path) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"
    async with FakeSlack() as fake:
        ids = workspace(fake)
        env = child_env(
            db_url,
            SLACK_BOT_TOKEN=fake.bot_token,
            SLACK_APP_TOKEN=fake.app_token,  # Socket Mode: nothing listens for Slack
            SLACK_API_URL=fake.api_url,
            COPBOT_SLACK_POSTS_PER_SECOND="1000",
        )
        held = fake.hold("chat.postMessage", channel=fake.dm_channel(ids[IN_FLIGHT]).id)
        members = [f"{user_id}:member{n:02d}" for n, user_id in enumerate(ids)]
        job = await spawn(
            "tests.bot.adapters.outbox_job",
            "slack",
            fake.team_id,
            fake.team_name,
            *members,
            env=env,
            cwd=tmp_path,
        )
        try:
            await asyncio.wait_for(held.served.wait(), 20)
        finally:
            job.send_signal(signal.SIGKILL)
            await job.wait()
            held.released.set()
        assert [user_id for user_id in ids if fake.dms(user_id)] == ids[: IN_FLIGHT + 1]

        runtime = await build_runtime(Settings(database_url=db_url), migrate=False)
        try:
            # Slack has no nonce, so each outcome was written right after its send.
            statuses = [r.status for r in await outbox_rows(runtime)]
            assert statuses == ["sent"] * (2 + IN_FLIGHT) + ["pending"] * (len(ids) - IN_FLIGHT)

            bot = await spawn("bot", "run", env=env, cwd=tmp_path)
            try:
                await until(lambda: _all_sent(runtime), timeout=30)
            finally:
                bot.send_signal(signal.SIGTERM)
                assert await bot.wait() == 0
            rows = await outbox_rows(runtime)
        finally:
            await runtime.close()
        assert all(r.status == "sent" and r.ref for r in rows)
        # Everyone has their message; only the one in flight at the kill went twice.
        counts = {user_id: len(fake.dms(user_id)) for user_id in ids}
        assert counts == {user_id: 2 if user_id == ids[IN_FLIGHT] else 1 for user_id in ids}
        assert len(fake.messages_in(GENERAL)) == 3  # the poll, the chart and its picture


async def _all_sent(runtime: Runtime) -> bool:
    rows = await outbox_rows(runtime)
    return bool(rows) and all(r.status != "pending" for r in rows)
