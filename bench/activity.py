"""Message events per second through the activity path, flushes included, then checked."""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bench.seed import (
    COMMUNITY_ID,
    PLATFORM,
    START,
    member_external_id,
    member_name,
    seed,
    sqlite_url,
)
from bot.clock import ManualClock
from bot.dispatch import Actor, Place
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from storage.models import MemberRow

RATE_GOAL = 20_000.0
SPAN = timedelta(days=3)  # events spread over a few days, so active_days counts more than one


class BenchError(RuntimeError):
    """The database does not hold what the events said; the figures would be meaningless."""


@dataclass
class Expected:
    """What one member's row should say once everything is flushed."""

    days: set[date] = field(default_factory=set)
    last_at: datetime | None = None


@dataclass
class Report:
    """Everything one run measured."""

    events: int
    members: int
    flush_every: int
    known: bool
    seconds: float
    commits: int
    slowest_flush: float
    checked: int

    @property
    def rate(self) -> float:
        """Events per second, flushes included."""
        return self.events / self.seconds if self.seconds else 0.0


async def run(
    *, events: int, members: int, flush_every: int, db: Path, seed_value: int, known: bool = False
) -> Report:
    """Feed events through the dispatcher with periodic flushes, then verify every row."""
    if db.exists():
        raise FileExistsError(f"{db} exists; give a new --db path (the bench needs a fresh one)")
    rng = random.Random(seed_value)
    if known:
        # Members already stored: every flush is the steady state's bulk update.
        await seed(db, members=members, rng=rng, intros=False)
    # Frozen, so the expected rows below know exactly which time each event carried.
    clock = ManualClock(START, frozen=True)
    runtime = await build_runtime(Settings(database_url=sqlite_url(db)), clock=clock)
    try:
        place = Place(PLATFORM, COMMUNITY_ID, "Bench community", "general")
        community = await runtime.dispatcher.community(place)
        actors = [Actor(member_external_id(i), member_name(i)) for i in range(members)]
        expected: dict[str, Expected] = {}
        step = SPAN / events
        slowest = 0.0
        began = time.perf_counter()
        for index in range(events):
            actor = rng.choice(actors)
            await runtime.dispatcher.note_message(place, actor)
            seen = expected.setdefault(actor.external_id, Expected())
            now = clock.now()
            seen.days.add(now.date())
            seen.last_at = now
            clock.advance(step)
            if (index + 1) % flush_every == 0 or index + 1 == events:
                flush_began = time.perf_counter()
                await runtime.activity.flush()
                slowest = max(slowest, time.perf_counter() - flush_began)
        seconds = time.perf_counter() - began
        if runtime.activity.events != events or runtime.activity.pending:
            raise BenchError(
                f"buffer saw {runtime.activity.events} events for {events}, "
                f"{runtime.activity.pending} members still pending"
            )
        checked = await verify(runtime, community.id, expected)
        commits = runtime.activity.commits
    finally:
        await runtime.close()
    return Report(events, members, flush_every, known, seconds, commits, slowest, checked)


async def verify(runtime: Runtime, community_id: int, expected: dict[str, Expected]) -> int:
    """Check every member's row against the events fed; return how many rows were checked."""
    async with runtime.db.session() as session:
        rows = (
            await session.exec(select(MemberRow).where(MemberRow.community_id == community_id))
        ).all()
    found = {row.external_id: row for row in rows}
    missing = set(expected) - set(found)
    # Rows nobody posted from (pre-seeded members the dice never picked) must stay untouched.
    touched = [k for k in set(found) - set(expected) if found[k].active_days]
    if missing or touched:
        raise BenchError(f"{len(missing)} members missing, {len(touched)} touched by no event")
    for external_id, want in expected.items():
        row = found[external_id]
        got = (row.active_days, row.last_active_at, row.last_active_on)
        wanted = (len(want.days), want.last_at, max(want.days))
        if got != wanted:
            raise BenchError(f"{external_id}: row says {got}, events say {wanted}")
    return len(expected)


def render(report: Report) -> str:
    """The figures, with the goal marked PASS or MISS."""
    verdict = "PASS" if report.rate >= RATE_GOAL else "MISS"
    stored = "already stored" if report.known else "new to the database"
    return "\n".join(
        [
            f"copbot activity bench: {report.events:,} message events from "
            f"{report.members:,} members ({stored}),",
            f"a flush every {report.flush_every:,} events and at the end",
            "",
            f"  events per second (flushes included)  {report.rate:12,.0f}",
            f"  total time                            {report.seconds:12.2f} s",
            f"  commits (runtime.activity.commits)    {report.commits:12,}",
            f"  slowest flush                         {report.slowest_flush * 1000:12.1f} ms",
            f"  member rows verified                  {report.checked:12,}",
            "",
            "goals",
            f"  events per second >= {RATE_GOAL:,.0f}          {report.rate:12,.0f}  {verdict}",
        ]
    )


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.activity", description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="message events to feed")
    parser.add_argument("--members", type=int, default=10_000, help="distinct members posting")
    parser.add_argument(
        "--flush-every",
        type=int,
        default=10_000,
        # Production flushes every activity_flush_seconds (5 s): at the 20k/s goal that is one
        # flush per 100k events, so one per 10k is a stricter, deterministic stand-in.
        help="flush the buffer after this many events (and at the end)",
    )
    parser.add_argument(
        "--known", action="store_true", help="store the members first (default: first sight)"
    )
    parser.add_argument("--db", type=Path, help="a new SQLite file (default: a temp file)")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    options = parser.parse_args(argv)
    if min(options.events, options.members, options.flush_every) < 1:
        parser.error("--events, --members and --flush-every must be positive")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print the figures; 0 whether the goal passes or misses, 1 on an error."""
    options = parse(argv)
    with tempfile.TemporaryDirectory(prefix="copbot-bench-") as folder:
        db = options.db or Path(folder) / "activity.db"
        try:
            report = asyncio.run(
                run(
                    events=options.events,
                    members=options.members,
                    flush_every=options.flush_every,
                    db=db,
                    seed_value=options.seed,
                    known=options.known,
                )
            )
        except (BenchError, FileExistsError) as error:
            print(f"bench failed: {error}", file=sys.stderr)
            return 1
    print(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
