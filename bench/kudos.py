"""Recognition at scale: /kudos, leaderboards, /badges and the daily re-check, 1M kudos."""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bench import databases
from bench.seed import COMMUNITY_ID, PLATFORM, START, Seeded, seed
from bench.stats import percentile
from bot.clock import ManualClock
from bot.dispatch import Actor, Place
from bot.reply import Outgoing
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from storage.db import Database
from storage.kudos import PERIODS, period_start
from storage.models import KudosGroupRow, KudosRow, KudosTallyRow

GOALS_MS = {"/kudos": 20.0, "/kudos top month": 50.0}
RECHECK_GOAL_S = 30.0
BATCH = 20_000
NOW = START + timedelta(days=365)  # a year of kudos lies behind "now"


class Counting:
    """A transport that only counts what the bot sends."""

    # As Discord's transport: a resent nonce is dropped, so the outbox may write a command's
    # outcomes a moment later, with others' (bot.sender.DEFER).
    dedupes = True

    def __init__(self) -> None:
        self.items = 0

    async def deliver(self, place: Place, item: Outgoing) -> bool:
        """Count and accept."""
        self.items += 1
        return True


async def seed_kudos(seeded: Seeded, kudos: int, rng: random.Random) -> None:
    """A year of kudos among the members: a few are thanked often, most now and then."""
    members = [m.id for m in seeded.members]
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(members))]  # a long tail
    receivers = rng.choices(members, weights=weights, k=kudos)
    tallies: Counter[tuple[str, Any, int, str]] = Counter()
    groups, rows = [], []
    for index, receiver in enumerate(receivers, start=1):
        giver = rng.choice(members)
        if giver == receiver:  # nobody thanks themself
            giver = members[0] if receiver != members[0] else members[1]
        when = START + timedelta(seconds=rng.randrange(365 * 86400))
        groups.append(
            {
                "id": index,
                "community_id": seeded.community_id,
                "giver_id": giver,
                "reason": "for the help",
                "spotlight": False,
                "created_at": when,
            }
        )
        rows.append(
            {
                "community_id": seeded.community_id,
                "group_id": index,
                "giver_id": giver,
                "receiver_id": receiver,
                "spotlight": False,
                "created_at": when,
            }
        )
        for period in PERIODS:
            start = period_start(period, when.date())
            tallies[(period, start, receiver, "received")] += 1
            tallies[(period, start, giver, "given")] += 1
    tally_rows: dict[tuple[str, Any, int], dict[str, Any]] = {}
    for (period, start, member, kind), count in tallies.items():
        row = tally_rows.setdefault(
            (period, start, member),
            {
                "community_id": seeded.community_id,
                "period": period,
                "start": start,
                "member_id": member,
                "received": 0,
                "given": 0,
            },
        )
        row[kind] = count
    db = Database(seeded.url)
    try:
        async with db.engine.begin() as connection:
            for statement, items in (
                (insert(KudosGroupRow), groups),
                (insert(KudosRow), rows),
                (insert(KudosTallyRow), list(tally_rows.values())),
            ):
                for batch in _batches(items):
                    await connection.execute(statement, batch)
            if connection.dialect.name == "postgresql":
                # The groups came with their ids: Postgres' counter must start past them.
                await connection.execute(
                    text("SELECT setval(pg_get_serial_sequence('kudos_group', 'id'), :last)"),
                    {"last": len(groups)},
                )
    finally:
        await db.close()


def _batches(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


async def timed(runtime: Runtime, lines: list[tuple[Actor, str]], out: Counting) -> list[float]:
    """Run each line through the whole dispatch path; every one must succeed."""
    place = Place(PLATFORM, COMMUNITY_ID, "Bench community", "general")
    latencies = []
    for actor, line in lines:
        began = time.perf_counter()
        outcome = await runtime.dispatcher.run_line(place, actor, line, out)
        latencies.append((time.perf_counter() - began) * 1000)
        if not outcome.ok:
            raise RuntimeError(f"{line!r} by {actor.name} failed: {outcome.error}")
    return latencies


async def measure(kind: str, members: int, kudos: int, commands: int, db: Path) -> dict[str, Any]:
    """The figures on one kind of database, made fresh for them."""
    async with databases.fresh(kind, db) as target:
        return await run(members, kudos, commands, target)


async def run(members: int, kudos: int, commands: int, db: Path | str) -> dict[str, Any]:
    """Seed, then time /kudos, /kudos top month, /badges @member and the daily re-check."""
    rng = random.Random(1)
    began = time.perf_counter()
    seeded = await seed(db, members=members, rng=rng, intros=False)
    await seed_kudos(seeded, kudos, rng)
    figures: dict[str, Any] = {"seed_s": time.perf_counter() - began}
    runtime = await build_runtime(Settings(database_url=seeded.url), clock=ManualClock(NOW))
    out = Counting()
    runtime.dispatcher.transports[PLATFORM] = lambda place: out
    people = list(seeded.members)
    try:
        actor = lambda m: Actor(m.external_id, m.name)  # noqa: E731
        givers = rng.sample(people, commands)  # each once: allowance and cooldown never bite
        thanks = [
            (actor(g), f"/kudos @{rng.choice(people).name} for the clear answer") for g in givers
        ]
        thanks = [(a, line) for a, line in thanks if f"@{a.name} " not in line]
        reads = [(actor(rng.choice(people)), "/kudos top month") for _ in range(commands)]
        badges = [
            (actor(rng.choice(people)), f"/badges @{rng.choice(people).name}")
            for _ in range(commands)
        ]
        for name, lines in (
            ("/kudos", thanks),
            ("/kudos top month", reads),
            ("/badges @member", badges),
        ):
            await timed(runtime, lines[:10], out)  # warm-up
            figures[name] = await timed(runtime, lines[10:], out)
        began = time.perf_counter()
        figures["recheck_result"] = await runtime.scheduler.run_now("badge_recheck")
        figures["recheck_s"] = time.perf_counter() - began
    finally:
        await runtime.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    """Print the figures and the goals."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--kudos", type=int, default=1_000_000)
    parser.add_argument("--commands", type=int, default=1_000)
    parser.add_argument("--db", type=Path, help="a new SQLite file (default: a temp file)")
    databases.add_option(parser)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="copbot-bench-"))
    for index, kind in enumerate(databases.chosen(args.database)):
        db = args.db or folder / "kudos.db"
        figures = asyncio.run(measure(kind, args.members, args.kudos, args.commands, db))
        print("" if index == 0 else "\n", end="")
        report(kind, args, figures)
    return 0


def report(kind: str, args: argparse.Namespace, figures: dict[str, Any]) -> None:
    """One database's table of figures and goals."""
    print(
        f"copbot recognition bench on {kind}: {args.members:,} members, {args.kudos:,} kudos "
        f"(seeded in {figures['seed_s']:.0f} s)"
    )
    print(f"{'operation':22} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8}  goal")
    for name in ("/kudos", "/kudos top month", "/badges @member"):
        values = figures[name]
        p50, p99 = percentile(values, 50), percentile(values, 99)
        goal = GOALS_MS.get(name)
        verdict = "" if goal is None else f"p99 < {goal:g} ms {'PASS' if p99 < goal else 'MISS'}"
        rate = 1000 * len(values) / sum(values)
        print(f"{name:22} {rate:8.0f} {p50:8.2f} {p99:8.2f}  {verdict}")
    seconds = figures["recheck_s"]
    verdict = "PASS" if seconds < RECHECK_GOAL_S else "MISS"
    print(
        f"daily badge re-check over every member: {seconds:.1f} s "
        f"({figures['recheck_result']}); goal < {RECHECK_GOAL_S:g} s {verdict}"
    )


if __name__ == "__main__":
    sys.exit(main())
