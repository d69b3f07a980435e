"""The digest at scale: a year-old community of 100k members, its week and its month."""

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

from bench.community import Community, Sizes, seed_community
from bench.kudos import NOW, Counting
from bench.seed import COMMUNITY_ID, PLATFORM
from bot.clock import ManualClock
from bot.context import Context
from bot.digest import PERIODS, gather_digest
from bot.dispatch import Place
from bot.pages import to_chat, to_html
from bot.runtime import build_runtime
from config.settings import Settings

GOAL_S = 1.0  # the digest under 1 s
RUNS = 5  # timed gatherings of each period, after one to warm up


async def run(sizes: Sizes, db: Path, runs: int = RUNS) -> dict[str, Any]:
    """Seed, then time gathering (and rendering) the week's and the month's digest."""
    began = time.perf_counter()
    community = await seed_community(db, sizes, random.Random(1))
    figures: dict[str, Any] = {"seed_s": time.perf_counter() - began, "community": community}
    runtime = await build_runtime(
        Settings(database_url=community.seeded.url), clock=ManualClock(NOW)
    )
    out = Counting()
    place = Place(PLATFORM, COMMUNITY_ID, "Bench community", None)
    try:
        for period, days in PERIODS.items():
            times: list[float] = []
            sections: list[tuple[str, int, str]] = []

            async def body(ctx: Context, days: int = days) -> None:
                nonlocal sections
                page = await gather_digest(ctx, NOW - timedelta(days=days), NOW)
                to_chat(page), to_html(page)
                sections = [(s.title, len(s.lines), s.summary or "") for s in page.sections]

            for attempt in range(runs + 1):
                began = time.perf_counter()
                assert await runtime.dispatcher.run_as_bot(place, body, out)
                if attempt:  # the first run warms the caches up
                    times.append(time.perf_counter() - began)
            figures[period] = {"times": times, "sections": sections}
    finally:
        await runtime.close()
    return figures


def seeded_words(community: Community) -> str:
    """What the seed wrote, in a line."""
    return ", ".join(f"{count:,} {kind}" for kind, count in community.counts.items())


def main(argv: list[str] | None = None) -> int:
    """Print the figures against the goal."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--kudos", type=int, default=1_000_000)
    parser.add_argument("--outcomes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--db", type=Path, help="a new SQLite file (default: a temp file)")
    args = parser.parse_args(argv)
    db = args.db or Path(tempfile.mkdtemp(prefix="copbot-bench-")) / "digest.db"
    sizes = Sizes.of(args.members, args.kudos, args.outcomes)
    figures = asyncio.run(run(sizes, db, args.runs))
    print(
        f"copbot digest bench: {args.members:,} members (seeded in {figures['seed_s']:.0f} s): "
        f"{seeded_words(figures['community'])}"
    )
    for period in PERIODS:
        times = sorted(figures[period]["times"])
        worst, median = times[-1], times[len(times) // 2]
        verdict = "PASS" if worst < GOAL_S else "MISS"
        sections = figures[period]["sections"]
        print(
            f"digest of the {period:5}: median {1000 * median:7.1f} ms, "
            f"worst {1000 * worst:7.1f} ms ({len(sections)} sections, gathered and rendered);"
            f" goal < {GOAL_S:g} s {verdict}"
        )
        for title, lines, summary in sections:
            print(f"  {title}: {lines} lines{f' ({summary})' if summary else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
