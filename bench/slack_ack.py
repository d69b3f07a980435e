"""Slash command to ack on Slack: p50/p99 over many commands, 50 at a time, in both transports.

The stand-in for Slack (FakeSlack and the driver sending commands) runs in a child process, as
Slack runs on other machines: the figures are the bot's own, not the stand-in's CPU time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import multiprocessing
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import update

from bench.seed import START, member_external_id, member_name, seed
from bot.adapters.slack import SlackFrontEnd
from bot.clock import ManualClock
from bot.runtime import build_runtime
from config.settings import Settings
from storage.db import Database
from storage.models import CommunityRow

P99_GOAL_MS = 100.0
WARMUP = 20  # untimed commands first: bolt's auth.test, statement compilation, caches
ACTORS = 1_000  # seeded members who also exist in the fake workspace and run commands
CHANNEL = "C0BENCH"
TEAM_ID = "T0FAKE001"  # FakeSlack's default team
MODES = ("socket", "http")


class BenchError(RuntimeError):
    """A command was not acked or not answered; the figures would be meaningless."""


@dataclass
class Timing:
    """Ack latencies of one transport."""

    mode: str
    latencies: list[float] = field(default_factory=list)
    answered: int = 0
    wall: float = 0.0

    def percentile_ms(self, fraction: float) -> float:
        """The nearest-rank percentile, in milliseconds."""
        ordered = sorted(self.latencies)
        return ordered[max(1, math.ceil(fraction * len(ordered))) - 1] * 1000


async def prepare(db: Path, members: int, rng: random.Random) -> tuple[str, float]:
    """Seed the members and make the seeded community the fake's Slack team."""
    began = time.perf_counter()
    seeded = await seed(db, members=members, rng=rng)
    database = Database(seeded.url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                update(CommunityRow)
                .where(CommunityRow.id == seeded.community_id)  # type: ignore[arg-type]
                .values(platform="slack", external_id=TEAM_ID, name="Copbot Test")
            )
    finally:
        await database.close()
    return seeded.url, time.perf_counter() - began


def command(members: int, rng: random.Random) -> tuple[str, str, str]:
    """A random member's command: mostly intro lookups, some directory pages and pings."""
    actor = member_external_id(rng.randrange(min(ACTORS, members)))
    roll = rng.random()
    if roll < 0.7:
        target = rng.randrange(members)
        mention = f"<@{member_external_id(target)}|{member_name(target)}>"
        return actor, "/intro", f"show {mention}"
    if roll < 0.9:
        return actor, "/members", rng.choice(["oer", "chemistry", "python", ""])
    return actor, "/copbot", "ping"


def slack_side(conn: Connection, mode: str, members: int, commands: int, batch: int) -> None:
    """The child process: FakeSlack plus the driver, timing each ack as Slack would."""
    asyncio.run(_slack_side(conn, mode, members, commands, batch))


async def _slack_side(conn: Connection, mode: str, members: int, commands: int, batch: int):
    from tests.fakes.slack import FakeSlack  # the test stand-in, only in the child

    pooled = pooled_driver_class()

    rng = random.Random(7)
    async with FakeSlack() as fake:
        actors = [member_external_id(i) for i in range(min(ACTORS, members))]
        for index, user_id in enumerate(actors):
            fake.add_user(user_id, member_name(index), display_name=member_name(index))
        fake.add_channel(CHANNEL, "general", members=actors)
        conn.send(fake.api_url)
        app_url = await asyncio.to_thread(conn.recv)
        session = aiohttp.ClientSession()  # Slack keeps its connections; so does this driver
        driver = fake.socket_driver() if mode == "socket" else pooled(fake, app_url, session)
        latencies: list[float] = []
        failures: list[str] = []

        async def one(timed: bool) -> None:
            user, name, text = command(members, rng)
            ack = await driver.slash(name, text, user_id=user, channel_id=CHANNEL)
            if not ack.ok:
                failures.append(f"{name} {text!r}: status {ack.status}, {ack.elapsed:.2f} s")
            elif timed:
                latencies.append(ack.elapsed)

        # The stand-in keeps time, so its own full garbage collections must not count against
        # the bot: what it built to start is kept out of them, as copbot's front-ends do.
        gc.collect()
        gc.freeze()
        await asyncio.gather(*(one(False) for _ in range(WARMUP)))
        began = time.perf_counter()
        for start in range(0, commands, batch):
            await asyncio.gather(*(one(True) for _ in range(min(batch, commands - start))))
        total = WARMUP + commands
        try:
            await fake.wait_for(lambda: len(fake.response_posts) >= total, timeout=120)
        except TimeoutError:
            failures.append(f"only {len(fake.response_posts)} of {total} answers arrived")
        wall = time.perf_counter() - began
        answered = sum(1 for post in fake.response_posts if post.status == 200) - WARMUP
        conn.send((latencies, answered, wall, failures))
        await session.close()
        await asyncio.to_thread(conn.recv)  # the bot disconnects before the fake stops


def pooled_driver_class() -> type:
    """HttpDriver posting on one pooled session: a fresh one per request costs the stand-in
    milliseconds of its own that Slack's servers don't spend."""
    from tests.fakes.slack import Ack, HttpDriver

    class Pooled(HttpDriver):
        def __init__(self, fake: Any, app_url: str, session: aiohttp.ClientSession) -> None:
            super().__init__(fake, app_url)
            self.session = session

        async def _post(
            self, kind: str, body: str, content_type: str, retry: tuple[int, str] | None
        ) -> Ack:
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": self._sign(timestamp, body),
            }
            started = time.monotonic()
            async with self.session.post(self.app_url, data=body.encode(), headers=headers) as r:
                text = await r.text()
                status = r.status
            return Ack(kind, status, None, body=text, elapsed=time.monotonic() - started)

    return Pooled


async def bot_side(conn: Connection, mode: str, url: str) -> None:
    """This process: copbot's Slack front-end on the seeded database."""
    api_url = await asyncio.to_thread(conn.recv)
    settings = Settings(
        database_url=url,
        slack_bot_token="xoxb-fake-bot-token",
        slack_app_token="xapp-1-A0FAKEAPP-fake-app-token" if mode == "socket" else None,
        slack_signing_secret="fake-signing-secret",
        slack_api_url=api_url,
    )
    runtime = await build_runtime(settings, clock=ManualClock(START + timedelta(days=1)))
    front = SlackFrontEnd(runtime, host="127.0.0.1", port=0)
    try:
        await front.start()
        conn.send(front.url)
        await asyncio.to_thread(conn.poll, None)  # until the child reports
    finally:
        await front.close()
        await runtime.close()


def run_mode(mode: str, url: str, members: int, commands: int, batch: int) -> Timing:
    """Time one transport: the bot here, Slack's stand-in in a child process."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=slack_side, args=(theirs, mode, members, commands, batch))
    child.start()
    try:
        asyncio.run(bot_side(ours, mode, url))
        latencies, answered, wall, failures = ours.recv()
        ours.send("stop")
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
    if failures:
        raise BenchError(f"{mode}: {len(failures)} problems, first: {failures[0]}")
    if answered != commands:
        raise BenchError(f"{mode}: {answered} of {commands} commands were answered")
    return Timing(mode, latencies, answered, wall)


def render(members: int, batch: int, seed_seconds: float, timings: list[Timing]) -> str:
    """The figures as a table, with the goal marked PASS or MISS per transport."""
    count = len(timings[0].latencies)
    lines = [
        f"copbot Slack ack bench: {members:,} members, {count:,} slash commands, {batch} at a time",
        f"seeded in {seed_seconds:.1f} s; ack time as Slack sees it (sent to ack received)",
        "",
        f"{'transport':10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'answered':>9} {'cmd/s':>6}",
    ]
    for t in timings:
        rate = len(t.latencies) / t.wall if t.wall else 0.0
        lines.append(
            f"{t.mode:10} {t.percentile_ms(0.5):8.1f} {t.percentile_ms(0.99):8.1f} "
            f"{t.percentile_ms(1.0):8.1f} {t.answered:9,} {rate:6.0f}"
        )
    lines += ["", "goals"]
    for t in timings:
        p99 = t.percentile_ms(0.99)
        verdict = "PASS" if p99 < P99_GOAL_MS else "MISS"
        lines.append(f"  {t.mode + ' ack p99 < 100 ms':30} {p99:8.1f} ms  {verdict}")
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.slack_ack", description=__doc__)
    parser.add_argument("--members", type=int, default=100_000, help="members to seed")
    parser.add_argument("--commands", type=int, default=1_000, help="timed slash commands")
    parser.add_argument("--batch", type=int, default=50, help="commands in flight at once")
    parser.add_argument("--db", type=Path, help="a new SQLite file (default: a temp file)")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    options = parser.parse_args(argv)
    if options.members < 2 or options.commands < 1 or options.batch < 1:
        parser.error("need at least 2 members, 1 command and a batch of 1")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print the table; 0 whether the goal passes or misses, 1 on an error."""
    options = parse(argv)
    with tempfile.TemporaryDirectory(prefix="copbot-bench-") as folder:
        db = options.db or Path(folder) / "bench.db"
        try:
            rng = random.Random(options.seed)
            url, seed_seconds = asyncio.run(prepare(db, options.members, rng))
            timings = [
                run_mode(mode, url, options.members, options.commands, options.batch)
                for mode in MODES
            ]
        except (BenchError, FileExistsError) as error:
            print(f"bench failed: {error}", file=sys.stderr)
            return 1
    print(render(options.members, options.batch, seed_seconds, timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
