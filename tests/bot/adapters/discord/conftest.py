"""A running copbot on Discord: the real front-end and discord.py against the local stand-in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket

from bot.adapters.discord import DiscordFrontEnd
from bot.clock import ManualClock
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from tests.conftest import START
from tests.fakes import discord as fd

DEFERRED, LOADING = 5, 1 << 7  # a deferred callback; the "thinking…" message flag
EPHEMERAL = 1 << 6  # the flag of a message only its invoker sees
TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2.GhIjKl.abcdefghijklmnopqrstuvwxyz0123"


@dataclass
class DiscordEnv:
    """The stand-in, the bot's runtime and front-end, and a guild with a few people."""

    fake: fd.FakeDiscord
    runtime: Runtime
    front: DiscordFrontEnd
    guild: fd.FakeGuild
    alice: fd.FakeUser
    bob: fd.FakeUser
    mod: fd.FakeUser
    general: int
    introductions: int
    welcome: int

    async def slash(
        self, user: fd.FakeUser, name: str, guild: fd.FakeGuild | None = None, **options: Any
    ) -> fd.SentInteraction:
        """Run a slash command in #general and wait for its first answer."""
        guild = guild or self.guild
        channel = next(iter(guild.channels)) if guild is not self.guild else self.general
        sent = await self.fake.slash(guild.id, channel, user, name, options)
        await settled(sent)
        return sent

    def answer(self, sent: fd.SentInteraction) -> fd.RecordedMessage | None:
        """The answer the member sees."""
        return answer(sent)

    async def eventually(self, check: Any, timeout: float = 3.0) -> Any:
        """Poll until `check()` is truthy (for what the bot does after answering)."""
        for _ in range(int(timeout / 0.01)):
            result = check()
            if result:
                return result
            await asyncio.sleep(0.01)
        raise AssertionError("the bot never got there")

    async def settle(self) -> None:
        """Let the bot finish what it does after answering (posts, follow-ups)."""
        for _ in range(20):
            await asyncio.sleep(0.01)


def answer(sent: fd.SentInteraction) -> fd.RecordedMessage | None:
    """The answer a member sees: the response, or the follow-up that replaced it."""
    original = sent.response_message()
    if original is not None and not original.deleted and not original.flags & LOADING:
        return original
    followups = sent.followups()
    return followups[0] if original is not None and original.deleted and followups else None


async def settled(sent: fd.SentInteraction, timeout: float = 3.0) -> dict[str, Any]:
    """The interaction's callback, after any "thinking…" was replaced by the real answer."""
    callback = await sent.callback(timeout=timeout)
    if callback["type"] == DEFERRED:
        for _ in range(int(timeout / 0.01)):
            if answer(sent) is not None:
                break
            await asyncio.sleep(0.01)
    return callback


async def start_env(
    monkeypatch: pytest.MonkeyPatch,
    fake: fd.FakeDiscord,
    *,
    db_url: str,
    client_options: dict[str, Any] | None = None,
    connect: bool = True,
    **settings: Any,
) -> tuple[Runtime, DiscordFrontEnd]:
    """Build the runtime and connect the real front-end (with discord.py's options) to the fake."""
    # connect=False makes the front-end (its transports registered) without starting it.
    # The front-end points discord.py at the stand-in; monkeypatch puts Discord back after.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    settings = Settings(
        database_url=db_url,
        discord_token=TOKEN,
        discord_api_base=f"{fake.url}/api/v10",
        discord_gateway_url=fake.gateway_url,
        **settings,
    )
    runtime = await build_runtime(settings, clock=ManualClock(START, frozen=True), migrate=False)
    # The clock is frozen, so buckets would never refill: pacing has tests of its own.
    runtime.dispatcher.sender.pacing = None
    front = DiscordFrontEnd(runtime, guild_ready_timeout=0.05, **(client_options or {}))
    if not connect:
        return runtime, front
    await front.start()
    await asyncio.wait_for(front.client.wait_until_ready(), 5)
    return runtime, front


async def make_guild(fake: fd.FakeDiscord, name: str) -> tuple[fd.FakeGuild, dict[str, int]]:
    """A guild the bot can post in, with the channels copbot's defaults name."""
    guild = await fake.add_guild(name, bot_permissions=fd.Perm.VIEW_CHANNEL | fd.Perm.SEND_MESSAGES)
    channels = {"general": next(iter(guild.channels))}
    for channel in ("introductions", "welcome"):
        channels[channel] = (await fake.add_channel(guild.id, channel)).id
    return guild, channels


@pytest.fixture
async def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[DiscordEnv]:
    """A connected copbot with alice, bob and a moderator (by the Moderator role)."""
    async with fd.FakeDiscord(token=TOKEN) as fake:
        guild, channels = await make_guild(fake, "Chemistry Educators")
        alice = await fake.add_member(guild.id, "alice")
        bob = await fake.add_member(guild.id, "bob")
        moderators = await fake.add_role(guild.id, "Moderator")
        mod = await fake.add_member(guild.id, "mod", roles=[moderators.id])
        # A file, not :memory:: the bot handles events concurrently, and an in-memory database
        # would make every session share one connection (and one transaction).
        db_url = f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"
        runtime, front = await start_env(monkeypatch, fake, db_url=db_url)
        try:
            yield DiscordEnv(
                fake,
                runtime,
                front,
                guild,
                alice,
                bob,
                mod,
                **channels,  # type: ignore[arg-type]
            )
        finally:
            await front.close()
            await runtime.close()
