"""The Discord front-end: every command native on Discord through discord.py."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord
import yarl
from discord.gateway import DiscordWebSocket

from bot import heap
from bot.adapters.discord.client import CopbotClient, ShardedCopbotClient
from bot.adapters.discord.transport import GuildTransport
from bot.runtime import Runtime
from config.errors import ConfigError

log = logging.getLogger(__name__)


def point_at(api_base: str, gateway_url: str) -> None:
    """Aim discord.py at Discord (or a proxy, or a local stand-in), as the settings say."""
    discord.http.Route.BASE = api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class DiscordFrontEnd:
    """Starts and stops the client; `serve` runs it until cancelled."""

    def __init__(self, runtime: Runtime, **client_options: object) -> None:
        settings = runtime.settings
        if settings.discord_token is None:
            raise ConfigError("DISCORD_TOKEN is not set.")
        point_at(settings.discord_api_base, settings.discord_gateway_url)
        self._token = settings.discord_token.get_secret_value().strip()
        if settings.sharded:
            # A count of None asks Discord how many shards it recommends (auto).
            client_options = {
                "shard_count": settings.discord_shard_count,
                "shard_ids": settings.discord_shard_id_list,
                **client_options,
            }
        client_class = ShardedCopbotClient if settings.sharded else CopbotClient
        self.client = client_class(
            runtime.dispatcher,
            runtime.registry,
            dev_guild=settings.discord_guild,
            # A rate limit longer than this raises instead of stalling the sender: the outbox
            # reschedules the message and goes on with other channels.
            **{"max_ratelimit_timeout": 30.0, **client_options},  # type: ignore[arg-type]
        )
        self._task: asyncio.Task[None] | None = None
        client = self.client
        runtime.dispatcher.transports["discord"] = lambda place: GuildTransport(
            client, client.get_guild(int(place.community_id)), guild_id=int(place.community_id)
        )

    async def start(self) -> None:
        """Log in and connect in the background; returns once the commands are synced."""
        heap.freeze_start_up()  # before interactions can arrive: the collection takes a moment
        self._task = asyncio.create_task(self._run(), name="discord")
        synced = asyncio.create_task(self.client.synced.wait())
        done, _ = await asyncio.wait([self._task, synced], return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            synced.cancel()
            self._task.result()

    async def _run(self) -> None:
        try:
            await self.client.start(self._token)
        except discord.LoginFailure:
            raise ConfigError(
                "Discord refused DISCORD_TOKEN: copy the bot's token again."
            ) from None
        except discord.PrivilegedIntentsRequired:
            raise ConfigError(
                "Discord refused the Server Members intent: turn it on in the Developer Portal "
                "(your application → Bot → Privileged Gateway Intents)."
            ) from None

    async def wait(self) -> None:
        """Until the client stops."""
        if self._task is not None:
            await self._task

    async def close(self) -> None:
        """Disconnect cleanly."""
        await self.client.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._task, 10)


async def serve(runtime: Runtime) -> None:
    """Run copbot on Discord until cancelled."""
    front = DiscordFrontEnd(runtime)
    try:
        await front.start()
        log.info("connected to Discord as %s", front.client.user)
        await front.wait()
    finally:
        await front.close()
