"""A job that speaks unasked through the outbox, and a bot process that runs it (to be killed)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlmodel import col, select

from bot.commands import Member, job
from bot.context import Context
from bot.dispatch import Place
from bot.jobs import JobRun
from bot.outbox import Handle, member_of
from bot.reply import Button, Image
from bot.runtime import Runtime, build_runtime
from config.settings import load_settings
from storage import members
from storage.models import MemberRow, OutboxRow
from tests.fakes.discord import tiny_png

POLL_KEY, CHART_KEY = "e2e:poll", "e2e:chart"
POLL_TEXT, CLOSED_TEXT = "Poll: tea or coffee?", "Poll closed: tea won"
VOTE = (Button("Tea", "e2e.vote", "tea"), Button("Coffee", "e2e.vote", "coffee"))
ALT = "Bar chart: 12 for tea, 3 for coffee"
ROOT = Path(__file__).resolve().parents[3]  # the checkout, so a child runs this tree's code


def dm_text(member: Member) -> str:
    """What each member is told."""
    return f"Hello {member.name}, the poll is open."


class Announce:
    """Says things unasked, as the weekly poll and welcome back do: a post, a chart, DMs."""

    def __init__(self, channel: str, png: bytes, posts: int = 0) -> None:
        self.channel = channel
        self.png = png
        self.posts = posts  # extra plain posts in the channel (the pacing test)

    @job("e2e_announce", daily="10:00")
    async def announce(self, run: JobRun) -> None:
        """Open a poll, share a chart and DM every member about it."""

        async def body(ctx: Context) -> None:
            ctx.post(self.channel, POLL_TEXT, buttons=VOTE, key=POLL_KEY)
            chart = Image(self.png, ALT, "chart.png")
            ctx.post(self.channel, "Last week's answers", image=chart, key=CHART_KEY)
            for member in await everyone(ctx):
                ctx.dm(member, dm_text(member), key=f"e2e:dm:{member.id}")

        await run.work(body)

    @job("e2e_close", daily="18:00")
    async def close(self, run: JobRun) -> None:
        """Close the poll: new words, and its buttons come off."""

        async def body(ctx: Context) -> None:
            ctx.edit(Handle.new(POLL_KEY), CLOSED_TEXT)

        await run.work(body)

    @job("e2e_chatter", daily="12:00")
    async def chatter(self, run: JobRun) -> None:
        """Post several times in one channel (paced per channel)."""

        async def body(ctx: Context) -> None:
            for n in range(self.posts):
                ctx.post(self.channel, f"Note {n + 1} of {self.posts}")

        await run.work(body)


async def everyone(ctx: Context) -> list[Member]:
    """The community's people, in the order they were first seen."""
    query = (
        select(MemberRow)
        .where(MemberRow.community_id == ctx.community.id, col(MemberRow.is_bot).is_(False))
        .order_by(col(MemberRow.id))
    )
    return [member_of(row) for row in (await ctx.session.exec(query)).all()]


def install(runtime: Runtime, cog: Announce) -> Announce:
    """Register the cog's jobs on a built runtime (its scheduler took the job list already)."""
    runtime.registry.add_cog(cog)
    assert runtime.scheduler.local is not None
    for name in ("e2e_announce", "e2e_close", "e2e_chatter"):
        runtime.scheduler.local.specs[name] = runtime.registry.jobs[name]
    return cog


async def seed(runtime: Runtime, place: Place, people: list[tuple[str, str]]) -> None:
    """Members copbot has seen (external id, name), in this order."""
    community = await runtime.dispatcher.community(place)
    async with runtime.db.session() as session, session.begin():
        for external_id, name in people:
            await members.upsert(
                session, community_id=community.id, external_id=external_id, name=name
            )


async def outbox_rows(runtime: Runtime) -> list[OutboxRow]:
    """Every outbox row, oldest first."""
    async with runtime.db.session() as session:
        return list((await session.exec(select(OutboxRow).order_by(col(OutboxRow.id)))).all())


def child_env(database_url: str, **values: str) -> dict[str, str]:
    """The environment of a copbot process: this checkout's code and only these settings."""
    mine = ("COPBOT_", "DISCORD_", "SLACK_")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(mine)}
    env |= {"PYTHONPATH": str(ROOT), "COPBOT_DATABASE_URL": database_url, **values}
    return env


async def spawn(module: str, *args: str, env: dict[str, str], cwd: Path) -> Process:
    """Start `python -m module args` (its log in cwd/module.log) as copbot would be started."""
    log = (cwd / f"{module}.log").open("ab")
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, *args, env=env, cwd=cwd, stdout=log, stderr=log
        )
    finally:
        log.close()  # the child has its own copy


async def until(check: Callable[[], Awaitable[bool]], timeout: float) -> None:
    """Poll an async condition (a database another process writes) until it holds."""
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.05)


async def _serve_and_announce(platform: str, place_args: list[str], people: list[str]) -> None:
    """Connect as `copbot run` does, seed the members and run the job (killed in the middle)."""
    settings = load_settings(None)
    runtime = await build_runtime(settings)
    install(runtime, Announce("general", tiny_png()))
    if platform == "discord":
        from bot.adapters.discord import DiscordFrontEnd

        front = DiscordFrontEnd(runtime, guild_ready_timeout=0.05)
        await front.start()
        await asyncio.wait_for(front.client.wait_until_ready(), 10)
    else:
        from bot.adapters.slack import SlackFrontEnd

        slack = SlackFrontEnd(runtime, host="127.0.0.1", port=0)
        await slack.start()
    place = Place(platform, place_args[0], place_args[1])
    pairs = [person.split(":", 1) for person in people]
    await seed(runtime, place, [(external_id, name) for external_id, name in pairs])
    await runtime.scheduler.run_now("e2e_announce")  # the test kills the process in here


if __name__ == "__main__":
    # python -m tests.bot.adapters.outbox_job PLATFORM COMMUNITY_ID NAME ID:NAME...
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    args = sys.argv[1:]
    asyncio.run(_serve_and_announce(args[0], args[1:3], args[3:]))
