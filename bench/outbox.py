"""The outbox: messages per second drained unpaced, and how closely pacing holds its rate."""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench.seed import PLATFORM, START, Seeded, seed
from bot.clock import Clock, ManualClock, SystemClock
from bot.commands import Member
from bot.outbox import Handle, Queued, store
from bot.pacing import Pacing
from bot.reply import Outgoing, Reply, ToMember
from bot.runtime import Runtime, build_runtime
from bot.sender import Sender
from config.settings import Settings
from storage import outbox

THROUGHPUT_GOAL = 2_000.0  # messages per second, unpaced, into an in-process platform
RATE_TOLERANCE = 0.05  # pacing within 5% of its configured rate
CHUNK = 1_000  # rows per transaction as a job queues them


@dataclass
class StandIn:
    """An in-process platform that dedupes by nonce, as Discord's transport says it does."""

    clock: Clock
    dedupes = True
    arrived: list[float] = field(default_factory=list)  # monotonic seconds of each message
    nonces: set[str] = field(default_factory=set)

    async def deliver(self, place: object, item: Outgoing) -> str:
        """Take a message; its reference."""
        nonce = getattr(item, "nonce", None) or ""
        if nonce in self.nonces:
            raise RuntimeError(f"sent twice: {nonce}")
        self.nonces.add(nonce)
        self.arrived.append(time.perf_counter())
        return f"C1/{len(self.arrived)}"


@dataclass
class Report:
    """One run's figures."""

    queued: int = 0
    queue_s: float = 0.0
    drain_s: float = 0.0
    paced: int = 0
    configured: float = 0.0
    achieved: float = 0.0

    @property
    def throughput(self) -> float:
        """Messages per second drained."""
        return self.queued / self.drain_s if self.drain_s else 0.0

    @property
    def deviation(self) -> float:
        """How far the achieved rate is from the configured one, as a fraction."""
        return abs(self.achieved - self.configured) / self.configured if self.configured else 1.0


async def open_runtime(seeded: Seeded, clock: Clock, pacing: Pacing | None) -> Runtime:
    """The bot on the seeded file, its sender reaching the stand-in (set by the caller)."""
    runtime = await build_runtime(Settings(database_url=seeded.url), clock=clock)
    runtime.dispatcher.sender.pacing = pacing
    return runtime


async def queue_dms(runtime: Runtime, seeded: Seeded, count: int) -> float:
    """A job's unsolicited DMs to `count` members, in chunks of their own transactions."""
    people = [Member(m.id, m.external_id, m.name) for m in seeded.members[:count]]
    began = time.perf_counter()
    for start in range(0, count, CHUNK):
        entries = [
            Queued(
                ToMember(person, Reply(f"Welcome back, {person.name}!")), Handle.new(), None, True
            )
            for person in people[start : start + CHUNK]
        ]
        async with runtime.db.session() as session, session.begin():
            await store(
                session,
                community_id=seeded.community_id,
                here=None,
                entries=entries,
                now=runtime.clock.now(),
            )
    return time.perf_counter() - began


async def pending(runtime: Runtime) -> int:
    """Rows still waiting."""
    async with runtime.db.session() as session:
        return await outbox.pending_count(session)


async def throughput(db: Path, rows: int, report: Report) -> None:
    """Queue `rows` DMs, then time the sender draining them, unpaced, on a SQLite file."""
    seeded = await seed(db, members=rows, rng=random.Random(1), intros=False)
    clock = ManualClock(START + timedelta(days=1), frozen=True)
    runtime = await open_runtime(seeded, clock, None)
    platform = StandIn(clock)
    runtime.dispatcher.transports[PLATFORM] = lambda place: platform
    try:
        report.queued = rows
        report.queue_s = await queue_dms(runtime, seeded, rows)
        began = time.perf_counter()
        await runtime.dispatcher.sender.drain_all()
        report.drain_s = time.perf_counter() - began
        if len(platform.arrived) != rows or await pending(runtime):
            raise RuntimeError(f"{len(platform.arrived)} of {rows} sent")
    finally:
        await runtime.close()


async def pacing(db: Path, dms: int, per_second: float, report: Report) -> None:
    """Time the background sender delivering DMs at `per_second` on the real clock."""
    seeded = await seed(db, members=dms, rng=random.Random(2), intros=False, platform="discord")
    # One community's DM rule is the one that binds; the process's is set out of its way.
    rule = Pacing(discord_dm_seconds=1 / per_second, discord_dms_per_minute=10**6)
    runtime = await open_runtime(seeded, SystemClock(), rule)
    platform = StandIn(SystemClock())
    runtime.dispatcher.transports["discord"] = lambda place: platform
    sender: Sender = runtime.dispatcher.sender
    try:
        await queue_dms(runtime, seeded, dms)
        task = asyncio.create_task(sender.run())
        while len(platform.arrived) < dms:
            await asyncio.sleep(0.05)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    finally:
        await runtime.close()
    # The first DM takes the bucket's one token at once; the rest come one per interval.
    span = platform.arrived[-1] - platform.arrived[0]
    report.paced, report.configured = dms, per_second
    report.achieved = (dms - 1) / span if span else 0.0


async def run(*, rows: int, dms: int, per_second: float, folder: Path) -> Report:
    """Both measurements, each on a fresh SQLite file in `folder`."""
    report = Report()
    await throughput(folder / "throughput.db", rows, report)
    await pacing(folder / "pacing.db", dms, per_second, report)
    return report


def main(argv: list[str] | None = None) -> int:
    """Print the figures and the goals."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000, help="DMs drained unpaced")
    parser.add_argument("--dms", type=int, default=200, help="DMs sent paced")
    parser.add_argument("--rate", type=float, default=20.0, help="paced DMs per second")
    parser.add_argument("--folder", type=Path, help="where the SQLite files go (default: temp)")
    args = parser.parse_args(argv)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="copbot-bench-"))
    report = asyncio.run(run(rows=args.rows, dms=args.dms, per_second=args.rate, folder=folder))
    verdict = "PASS" if report.throughput >= THROUGHPUT_GOAL else "MISS"
    print(f"copbot outbox bench: {report.queued:,} DMs on a SQLite file")
    print(
        f"queued in chunks of {CHUNK:,}: {report.queue_s:.1f} s "
        f"({report.queued / report.queue_s:,.0f} rows/s)"
    )
    print(
        f"drained unpaced: {report.drain_s:.1f} s, {report.throughput:,.0f} messages/s; "
        f"goal >= {THROUGHPUT_GOAL:,.0f}/s {verdict}"
    )
    verdict = "PASS" if report.deviation <= RATE_TOLERANCE else "MISS"
    print(
        f"paced: {report.paced} DMs at {report.configured:g}/s configured, "
        f"{report.achieved:.2f}/s achieved ({report.deviation:.1%} off); "
        f"goal within {RATE_TOLERANCE:.0%} {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
