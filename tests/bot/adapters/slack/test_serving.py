"""Serving: signed HTTP, Socket Mode, start-up errors, rate limits and shutdown."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import aiohttp
import pytest

from bot.adapters.slack import SlackFrontEnd, serve
from bot.clock import ManualClock
from bot.runtime import build_runtime
from bot.serve import servers_for
from config.errors import ConfigError
from tests.bot.adapters.slack.harness import (
    ADA,
    BOB,
    GENERAL,
    MODES,
    populate,
    settings_for,
    slack_bot,
)
from tests.conftest import START
from tests.fakes.slack import FakeSlack


async def test_http_refuses_bad_signatures_and_old_timestamps() -> None:
    async with slack_bot("http") as bot:
        good = bot.driver
        forged = good.tampered(secret="not-the-signing-secret")  # type: ignore[attr-defined]
        stale = good.tampered(age=5 * 60 + 30)  # type: ignore[attr-defined]
        for driver in (forged, stale):
            ack = await driver.slash("/ping", user_id=ADA, channel_id=GENERAL)
            assert ack.status == 401
        refused = await forged.event("team_join", user=bot.fake.users[BOB].to_slack("T"))
        assert refused.status == 401
        await bot.settle()
        assert bot.fake.messages == [] and bot.fake.calls("users.info") == []
        assert (await good.slash("/ping", user_id=ADA, channel_id=GENERAL)).ok
        challenge = await good.url_verification("c-123")  # type: ignore[attr-defined]
        assert challenge.payload == {"challenge": "c-123"}


@pytest.mark.parametrize("stamp", ["soon", "", "1.5e9", "١٢"])
async def test_http_refuses_a_timestamp_that_is_not_a_number_without_a_traceback(
    stamp: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with slack_bot("http") as bot:
        body = "command=%2Fping&user_id=U0ADA&team_id=T0FAKE001"
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": "v0=" + "0" * 64,
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(bot.front.url, data=body, headers=headers) as response,
        ):
            assert response.status == 401
        await bot.settle()
        assert bot.fake.response_posts == [] and bot.fake.calls("users.info") == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_http_mode_without_a_signing_secret_fails_at_start_up() -> None:
    async with FakeSlack() as fake:
        settings = settings_for(fake, "http", slack_signing_secret=None)
        runtime = await build_runtime(settings, clock=ManualClock(START), migrate=False)
        try:
            with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
                SlackFrontEnd(runtime)
            # Socket Mode needs no secret: Slack's frames arrive on a socket copbot opened.
            socket = settings_for(fake, "socket", slack_signing_secret=None)
            SlackFrontEnd(dataclasses.replace(runtime, settings=socket))
        finally:
            await runtime.close()


async def test_a_refused_bot_token_is_a_config_error() -> None:
    async with FakeSlack() as fake:
        settings = settings_for(fake, "socket", slack_bot_token="xoxb-wrong")
        runtime = await build_runtime(settings, clock=ManualClock(START), migrate=False)
        try:
            with pytest.raises(ConfigError, match="invalid_auth"):
                await SlackFrontEnd(runtime).start()
        finally:
            await runtime.close()


@pytest.mark.parametrize("mode", MODES)
async def test_a_429_is_retried_and_the_message_arrives_once(mode: str) -> None:
    async with slack_bot(mode) as bot:
        bot.fake.inject_429("chat.postMessage", times=1, retry_after=0)
        ack = await bot.driver.slash(
            "/intro", 'about="a" goals="b" interests="c"', user_id=BOB, channel_id=GENERAL
        )
        assert ack.ok
        [card] = await bot.fake.wait_for(lambda: bot.visible("C0INTROS"))
        await bot.settle()
        posts = bot.fake.calls("chat.postMessage")
        assert [c.status for c in posts if c.args.get("channel") == "C0INTROS"] == [429, 200]
        assert len(bot.visible("C0INTROS")) == 1 and card.text


async def test_acks_come_before_the_work() -> None:
    async with slack_bot("socket") as bot:
        gate = asyncio.Event()
        original = bot.runtime.dispatcher.run_line

        async def slow(*args: object, **kwargs: object) -> object:
            await gate.wait()
            return await original(*args, **kwargs)  # type: ignore[arg-type]

        bot.runtime.dispatcher.run_line = slow  # type: ignore[method-assign]
        ack = await bot.driver.slash("/ping", user_id=ADA, channel_id=GENERAL)
        assert ack.ok and bot.fake.ephemerals(ADA) == []  # acked while the work waits
        gate.set()
        await bot.fake.wait_for(lambda: bot.fake.ephemerals(ADA))


async def test_serve_runs_until_cancelled_and_disconnects() -> None:
    async with FakeSlack() as fake:
        populate(fake)
        runtime = await build_runtime(settings_for(fake, "socket"), clock=ManualClock(START))
        assert servers_for(runtime.settings) == {"slack": serve}
        task = asyncio.create_task(serve(runtime))
        try:
            await fake.socket.wait_connected()
            ack = await fake.socket_driver().slash("/ping", user_id=ADA, channel_id=GENERAL)
            assert ack.ok
            await fake.wait_for(lambda: fake.ephemerals(ADA))
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await runtime.close()
        await fake.wait_for(lambda: not fake.socket.connections)
