"""Discord: from INTERACTION_CREATE arriving to the bot's first callback, 50 at a time."""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import random
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench.seed import seed
from bench.stats import percentile
from bot.adapters.discord import DiscordFrontEnd
from bot.clock import ManualClock
from bot.runtime import build_runtime
from config.settings import Settings

TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2.GhIjKl.abcdefghijklmnopqrstuvwxyz0123"
P99_GOAL_MS = 100.0
INVOKERS = 50
LOADING = 1 << 7  # the flag of a "thinking…" message not yet replaced by the answer


def discord_side(conn: Connection, interactions: int, concurrency: int) -> None:
    """The stand-in and the timing, in a process of their own so they don't share the bot's."""
    asyncio.run(_discord_side(conn, interactions, concurrency))


async def _discord_side(conn: Connection, interactions: int, concurrency: int) -> None:
    from tests.fakes import discord as fd

    async with fd.FakeDiscord(token=TOKEN, interaction_timeout=30) as fake:
        guild = await fake.add_guild("Bench", bot_permissions=fd.Perm.ALL)
        channel = next(iter(guild.channels))
        users = [await fake.add_member(guild.id, f"user{n}") for n in range(INVOKERS)]
        conn.send({"url": fake.url, "gateway": fake.gateway_url, "guild": guild.id})
        await asyncio.to_thread(conn.recv)  # the bot is connected and ready
        # The stand-in keeps time, so its own full garbage collections must not count against
        # the bot: what it built to start is kept out of them, as copbot's front-ends do.
        gc.collect()
        gc.freeze()

        async def round_of(size: int) -> list[float]:
            count = len(users)
            sent = await asyncio.gather(
                *(
                    fake.slash(
                        guild.id,
                        channel,
                        users[n % count],
                        "intro show",
                        {"member": users[(n + 1) % count]},
                    )
                    for n in range(size)
                )
            )
            await asyncio.gather(*(s.callback(timeout=30) for s in sent))
            # Each answer follows its acknowledgement: let them all land before the next round.
            while any(not _answered(s) for s in sent):
                await asyncio.sleep(0.005)
            return [((s.record.answered_at or 0) - s.record.dispatched_at) * 1000 for s in sent]

        await round_of(concurrency)  # warm-up, not counted
        latencies: list[float] = []
        for _ in range(interactions // concurrency):
            latencies += await round_of(concurrency)
        conn.send(latencies)
        await asyncio.to_thread(conn.recv)  # the bot has disconnected


def _answered(sent: Any) -> bool:
    message = sent.response_message()
    return message is not None and not message.flags & LOADING


async def bot_side(conn: Connection, members: int, db: Path) -> list[float]:
    """Seed the database, connect the real front-end, and collect the stand-in's timings."""
    info = await asyncio.to_thread(conn.recv)
    started = time.perf_counter()
    rng = random.Random(1)
    await seed(db, members=members, rng=rng, platform="discord", community=str(info["guild"]))
    print(f"seeded {members:,} members with intros in {time.perf_counter() - started:.1f} s")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{db}",
        discord_token=TOKEN,
        discord_api_base=f"{info['url']}/api/v10",
        discord_gateway_url=info["gateway"],
    )
    runtime = await build_runtime(settings, clock=ManualClock())
    front = DiscordFrontEnd(runtime, guild_ready_timeout=0.05)
    try:
        await front.start()
        await front.client.wait_until_ready()
        conn.send("ready")
        latencies: list[float] = await asyncio.to_thread(conn.recv)
    finally:
        await front.close()
        await runtime.close()
        conn.send("done")
    return latencies


def main(argv: list[str] | None = None) -> int:
    """Run the stand-in in a child process and the bot here; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100_000, help="members in the database")
    parser.add_argument("--interactions", type=int, default=1_000, help="interactions to time")
    parser.add_argument("--concurrency", type=int, default=50, help="interactions at a time")
    parser.add_argument("--db", type=Path, help="a new SQLite file (default: a temp file)")
    args = parser.parse_args(argv)
    db = args.db or Path(tempfile.mkdtemp(prefix="copbot-bench-")) / "discord.db"
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    child = multiprocessing.get_context("spawn").Process(
        target=discord_side, args=(theirs, args.interactions, args.concurrency)
    )
    child.start()
    try:
        latencies = asyncio.run(bot_side(ours, args.members, db))
    finally:
        child.join(timeout=30)
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    verdict = "PASS" if p99 < P99_GOAL_MS else "MISS"
    print(f"copbot Discord ack bench: {len(latencies):,} interactions, {args.concurrency} at once")
    print(f"  INTERACTION_CREATE → first callback   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms")
    print(f"  goal: p99 < {P99_GOAL_MS:.0f} ms                                 {verdict}")
    return 0 if child.exitcode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
