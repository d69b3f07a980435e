"""One impact report at scale: /impact for a well-connected member of a year-old community."""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bench.community import Sizes, seed_community
from bench.digest import seeded_words
from bench.kudos import NOW, Counting
from bench.seed import COMMUNITY_ID, PLATFORM
from bench.stats import percentile
from bot.clock import ManualClock
from bot.dispatch import Actor, Place
from bot.runtime import build_runtime
from config.settings import Settings
from storage.models import IssuedReportRow

GOAL_MS = 100.0  # one impact report under 100 ms
RUNS = 50  # timed reports, after a few to warm up
WARMUP = 3
# /impact allows 3 a minute: the clock moves this much before each run, so none is refused.
COOLDOWN_STEP = timedelta(seconds=21)


async def run(sizes: Sizes, db: Path, runs: int = RUNS) -> dict[str, Any]:
    """Seed, then time /impact through the whole dispatch path, DM and files included."""
    began = time.perf_counter()
    community = await seed_community(db, sizes, random.Random(1))
    figures: dict[str, Any] = {"seed_s": time.perf_counter() - began, "community": community}
    clock = ManualClock(NOW)
    runtime = await build_runtime(Settings(database_url=community.seeded.url), clock=clock)
    out = Counting()
    runtime.dispatcher.transports[PLATFORM] = lambda place: out
    place = Place(PLATFORM, COMMUNITY_ID, "Bench community", "general")
    star = Actor(community.star.external_id, community.star.name)
    latencies: list[float] = []
    try:
        for attempt in range(WARMUP + runs):
            clock.advance(COOLDOWN_STEP)
            began = time.perf_counter()
            outcome = await runtime.dispatcher.run_line(place, star, "/impact", out)
            elapsed = (time.perf_counter() - began) * 1000
            if not outcome.ok:
                raise RuntimeError(f"/impact failed: {outcome.error}")
            if attempt >= WARMUP:  # the first runs warm the caches (and make the key)
                latencies.append(elapsed)
        async with runtime.db.session() as session:
            last = await session.exec(
                select(IssuedReportRow).order_by(col(IssuedReportRow.id).desc()).limit(1)
            )
            figures["summary"] = last.one().summary
    finally:
        await runtime.close()
    figures["latencies"], figures["delivered"] = latencies, out.items
    return figures


def main(argv: list[str] | None = None) -> int:
    """Print the figures against the goal."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--kudos", type=int, default=1_000_000)
    parser.add_argument("--outcomes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--db", type=Path, help="a new SQLite file (default: a temp file)")
    args = parser.parse_args(argv)
    db = args.db or Path(tempfile.mkdtemp(prefix="copbot-bench-")) / "impact.db"
    figures = asyncio.run(run(Sizes.of(args.members, args.kudos, args.outcomes), db, args.runs))
    print(
        f"copbot impact bench: {args.members:,} members (seeded in {figures['seed_s']:.0f} s): "
        f"{seeded_words(figures['community'])}"
    )
    print(f"the report covered: {figures['summary']}")
    values = figures["latencies"]
    p50, p99 = percentile(values, 50), percentile(values, 99)
    verdict = "PASS" if p99 < GOAL_MS else "MISS"
    print(
        f"/impact (12 months, gathered, rendered as chat, Markdown and HTML, signed, recorded, "
        f"DM queued): {len(values)} runs, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"{figures['delivered']} items delivered; goal p99 < {GOAL_MS:g} ms {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
