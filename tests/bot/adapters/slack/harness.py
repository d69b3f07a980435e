"""Running copbot's Slack front-end against FakeSlack, in Socket Mode or HTTP mode."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bot.adapters.slack import SlackFrontEnd
from bot.clock import ManualClock
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from tests.conftest import START
from tests.fakes.slack import Driver, FakeSlack, Message

OWNER, ADA, BOB, CAROL = "U0OWNER", "U0ADA", "U0BOB", "U0CAROL"
GENERAL, INTRODUCTIONS, WELCOME = "C0GENERAL", "C0INTROS", "C0WELCOME"
MODES = ["socket", "http"]


def populate(fake: FakeSlack) -> None:
    """A small workspace: an owner, an admin, two members and the default channels."""
    fake.add_user(OWNER, "olive", display_name="Olive", is_primary_owner=True)
    fake.add_user(ADA, "ada", display_name="Ada", is_admin=True)
    fake.add_user(BOB, "bob", display_name="Bob")
    fake.add_user(CAROL, "carol", display_name="Carol")
    everyone = [OWNER, ADA, BOB, CAROL]
    fake.add_channel(GENERAL, "general", members=everyone)
    fake.add_channel(INTRODUCTIONS, "introductions", members=everyone)
    fake.add_channel(WELCOME, "welcome", members=everyone)


@dataclass
class Bot:
    """The front-end, its runtime and the fake, with a driver for the chosen mode."""

    mode: str
    fake: FakeSlack
    runtime: Runtime
    front: SlackFrontEnd
    driver: Driver

    async def settle(self) -> None:
        """Wait until the bot has finished with everything delivered so far."""
        for _ in range(3):
            await asyncio.sleep(0)  # listeners bolt started after its ack get going
        await self.front.idle()

    async def eventually(self, predicate: Callable[[], Any], timeout: float = 3.0) -> Any:
        """Wait for a condition the fake alone does not wake us for."""
        async with asyncio.timeout(timeout):
            while not (found := predicate()):
                await asyncio.sleep(0.005)
        return found

    def visible(self, channel: str) -> list[Message]:
        """Messages everyone sees in a channel."""
        return self.fake.messages_in(channel)

    def texts(self, messages: list[Message]) -> list[str]:
        """Every section text of messages, joined per message."""
        return ["\n".join(_section_texts(m.blocks or [])) or (m.text or "") for m in messages]


def _section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b.get("type") == "section"]


def settings_for(fake: FakeSlack, mode: str, **overrides: Any) -> Settings:
    """Settings pointing every client at the fake; Socket Mode when mode is "socket"."""
    values: dict[str, Any] = {
        "database_url": "sqlite+aiosqlite:///:memory:",
        "slack_bot_token": fake.bot_token,
        "slack_app_token": fake.app_token if mode == "socket" else None,
        "slack_signing_secret": fake.signing_secret,
        "slack_api_url": fake.api_url,
    }
    return Settings(**{**values, **overrides})


@asynccontextmanager
async def running(
    mode: str,
    fake: FakeSlack,
    *,
    clock: ManualClock | None = None,
    cogs: tuple[object, ...] = (),
    **settings: Any,
) -> AsyncIterator[Bot]:
    """Start copbot's Slack front-end (on a fresh in-memory database unless told), stop it after."""
    # Given a clock (running, or frozen and moved by hand), the sender paces as in production.
    paced = clock is not None
    clock = clock or ManualClock(START, frozen=True)
    runtime = await build_runtime(settings_for(fake, mode, **settings), clock=clock, migrate=False)
    if not paced:
        # The clock is frozen, so buckets would never refill: pacing has tests of its own.
        runtime.dispatcher.sender.pacing = None
    for cog in cogs:  # test-only commands, in the registry before the front-end reads it
        runtime.registry.add_cog(cog)
    front = SlackFrontEnd(runtime, host="127.0.0.1", port=0)
    try:
        await front.start()
        driver = fake.socket_driver() if mode == "socket" else fake.http_driver(front.url)
        yield Bot(mode, fake, runtime, front, driver)
    finally:
        await front.close()  # before the fake stops, or slack_sdk reconnects
        await runtime.close()


@asynccontextmanager
async def slack_bot(mode: str, cogs: tuple[object, ...] = ()) -> AsyncIterator[Bot]:
    """A fake workspace and copbot serving it."""
    async with FakeSlack() as fake:
        populate(fake)
        async with running(mode, fake, cogs=cogs) as bot:
            yield bot


def buttons(message: Message) -> dict[str, str]:
    """A message's buttons: label to action id."""
    return {
        e["text"]["text"]: e["action_id"]
        for b in message.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
    }


def said(bot: Bot, user: str, words: str) -> list[Message]:
    """What only this user was shown that holds these words (ignoring case)."""
    return [m for m in bot.fake.ephemerals(user) if words.lower() in bot.texts([m])[0].lower()]
