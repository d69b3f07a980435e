"""Serving the platforms: one process for every platform with a token, plus the scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from bot.leader import FileLeader, Leader, lead, leader_for
from bot.runtime import Runtime
from config.errors import ConfigError
from config.settings import Settings

log = logging.getLogger(__name__)

Server = Callable[[Runtime], Awaitable[None]]


def servers_for(settings: Settings) -> dict[str, Server]:
    """The front-end of each platform whose token is set (imported only when needed)."""
    found: dict[str, Server] = {}
    for platform in settings.platforms:
        try:
            if platform == "discord":
                from bot.adapters.discord import serve as serve_discord

                found[platform] = serve_discord
            elif platform == "slack":
                from bot.adapters.slack import serve as serve_slack

                found[platform] = serve_slack
        except ImportError as error:
            raise ConfigError(
                f"A token is set for {platform}, but this copbot build has no {platform} "
                f"front-end yet ({error.name}). Unset the token, or run `copbot console`."
            ) from None
    return found


async def serve(runtime: Runtime) -> int:
    """Run every front-end and the scheduler until a signal or a front-end's failure."""
    servers = servers_for(runtime.settings)
    leader = leader_for(runtime.settings.database_url)
    try:
        await alone_or_refuse(runtime, leader)
    except BaseException:
        await runtime.close()
        raise
    # One process for every platform keeps SQLite to a single writer (DESIGN rule 8).
    tasks = [asyncio.create_task(run(runtime), name=name) for name, run in servers.items()]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    if not leader.alone:
        runtime.scheduler.pause()  # until the advisory lock is this process's
        # The leader also frees, for every sender, the messages a dead process had claimed.
        tend = runtime.dispatcher.sender.release_gone
        leading = lead(leader, runtime.scheduler, tend=tend)
        tasks.append(asyncio.create_task(leading, name="leader"))
    runtime.scheduler.start()
    # What was pending at the last stop goes first; then whatever jobs queue, paced.
    tasks.append(asyncio.create_task(runtime.dispatcher.sender.run(), name="sender"))
    log.info("copbot serving %s", ", ".join(servers))
    stopper = asyncio.create_task(stop.wait(), name="signals")
    try:
        done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not stopper and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        return 0
    finally:
        for task in [*tasks, stopper]:
            task.cancel()
        await asyncio.gather(*tasks, stopper, return_exceptions=True)
        await runtime.close()
        if leader.alone:
            await leader.release()


async def alone_or_refuse(runtime: Runtime, leader: Leader) -> None:
    """On SQLite, take the database's lock or refuse to start; the dead's claims are let go."""
    if not leader.alone:
        return
    if not await leader.acquire():
        assert isinstance(leader, FileLeader)
        holder = leader.holder()
        who = f"process {holder}" if holder else "another process"
        # Refused, not served half: a second copy on the same tokens would answer beside the
        # first, and SQLite is one writer. Almost always an old copy is still running.
        raise ConfigError(
            f"Another copbot ({who}) is already running on this database "
            f"({leader.path} is locked), so this one will not start. Stop the other one "
            "first. To run several copbot processes for one community, use Postgres "
            "(COPBOT_DATABASE_URL=postgresql+asyncpg://…): one of them runs the scheduled jobs."
        )
    # Alone on the database: rows a killed process had claimed are this one's to send now.
    if released := await runtime.dispatcher.sender.take_over():
        log.info("took over %s outbox rows a stopped copbot was sending", released)
