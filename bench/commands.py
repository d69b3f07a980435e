"""Commands per second through the whole dispatch path, against a bare ORM write."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench import databases
from bench.seed import COMMUNITY_ID, PLATFORM, START, Seeded, SeededMember, pick_tags, seed
from bench.stats import percentile
from bot.clock import ManualClock
from bot.dispatch import Actor, Place
from bot.reply import Outgoing
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from storage.models import InterestRow, IntroRow

P99_GOAL_MS = 20.0
RATIO_GOAL = 0.5
WARMUP = 10  # untimed runs first, so statement compilation and caches don't count


class BenchError(RuntimeError):
    """A command did not do what it should; the figures would be meaningless."""


@dataclass
class Timing:
    """Latencies of one kind of operation and the wall time they took together."""

    name: str
    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0

    @property
    def rate(self) -> float:
        """Operations per second."""
        return len(self.latencies) / self.wall if self.wall else 0.0

    def percentile_ms(self, fraction: float) -> float:
        """The nearest-rank percentile, in milliseconds."""
        return percentile(self.latencies, fraction * 100) * 1000


@dataclass
class Report:
    """Everything one run measured."""

    database: str
    members: int
    commands: int
    seed_seconds: float
    reads: Timing
    first_writes: Timing
    writes: Timing
    bare: Timing
    delivered: int

    @property
    def ratio(self) -> float:
        """First-intro writes through the command path per second, over bare ORM writes."""
        return self.first_writes.rate / self.bare.rate if self.bare.rate else 0.0


class CountingTransport:
    """A transport that only counts, so the figures are the bot's own cost."""

    # As Discord's transport: a resent nonce is dropped, so the outbox may write a command's
    # outcomes a moment later, with others' (bot.sender.DEFER).
    dedupes = True

    def __init__(self) -> None:
        self.items = 0
        self.last: Outgoing | None = None

    async def deliver(self, place: Place, item: Outgoing) -> bool:
        """Count the item; always delivered."""
        self.items += 1
        self.last = item
        return True


class MemberPicker:
    """Random members, each at most once per round; a round ends past the cooldown window."""

    def __init__(self, members: Sequence[SeededMember], rng: random.Random, clock: ManualClock):
        self._members = members
        self._rng = rng
        self._clock = clock
        self._round: list[SeededMember] = []
        self._rounds = 0

    def next(self) -> SeededMember:
        """The next member; moves the clock a minute on when everyone has had a turn."""
        if not self._round:
            if self._rounds:
                self._clock.advance(timedelta(seconds=61))
            self._rounds += 1
            self._round = list(self._members)
            self._rng.shuffle(self._round)
        return self._round.pop()


async def timed(timing: Timing, count: int, step: Callable[[int], Awaitable[None]]) -> None:
    """Run `step` count times, recording each latency and the total wall time."""
    began = time.perf_counter()
    for index in range(count):
        start = time.perf_counter()
        await step(index)
        timing.latencies.append(time.perf_counter() - start)
    timing.wall += time.perf_counter() - began


async def measure(
    kind: str, *, members: int, commands: int, sqlite_path: Path, seed_value: int
) -> Report:
    """The figures on one kind of database, made fresh for them."""
    async with databases.fresh(kind, sqlite_path) as db:
        report = await run(members=members, commands=commands, db=db, seed_value=seed_value)
    return dataclasses.replace(report, database=kind)


async def run(*, members: int, commands: int, db: Path | str, seed_value: int) -> Report:
    """Seed, then time reads, command writes and bare writes; raise BenchError on a refusal."""
    rng = random.Random(seed_value)
    began = time.perf_counter()
    seeded = await seed(db, members=members, rng=rng, newcomers=commands + WARMUP)
    seed_seconds = time.perf_counter() - began
    clock = ManualClock(START + timedelta(days=1))
    runtime = await build_runtime(Settings(database_url=seeded.url), clock=clock)
    try:
        bench = _Bench(runtime, seeded, rng, clock)
        await bench.read(WARMUP)
        await timed(bench.reads, commands, lambda _: bench.read(1))
        await bench.first_write(WARMUP)
        await timed(bench.first_writes, commands, lambda _: bench.first_write(1))
        await bench.write(WARMUP)
        await timed(bench.writes, commands, lambda _: bench.write(1))
        await bench.bare_write(WARMUP)
        await timed(bench.bare, commands, lambda _: bench.bare_write(1))
    finally:
        await runtime.close()
    return Report(
        "sqlite" if isinstance(db, Path) else "postgres",
        members,
        commands,
        seed_seconds,
        bench.reads,
        bench.first_writes,
        bench.writes,
        bench.bare,
        bench.out.items,
    )


class _Bench:
    """The three operations being measured, with the checks that make them count."""

    def __init__(
        self, runtime: Runtime, seeded: Seeded, rng: random.Random, clock: ManualClock
    ) -> None:
        self.runtime = runtime
        self.seeded = seeded
        self.rng = rng
        self.picker = MemberPicker(seeded.members, rng, clock)
        self.place = Place(PLATFORM, COMMUNITY_ID, "Bench community", "general")
        self.out = CountingTransport()
        self.reads = Timing("/intro show @member")
        self.first_writes = Timing("/intro … (a first intro)")
        self.writes = Timing("/intro … (an update, kept history)")
        self._newcomers = list(seeded.newcomers)
        self.bare = Timing("bare ORM insert + commit")
        self._bare_runs = 0

    async def read(self, times: int) -> None:
        """Show a random member's intro to a random member."""
        for _ in range(times):
            actor, target = (
                self.rng.choice(self.seeded.members),
                self.rng.choice(self.seeded.members),
            )
            line = f"/intro show @{target.name}"
            await self._command(actor, line, expect_items=1, expect_text="**About:**")

    async def first_write(self, times: int) -> None:
        """A member with no intro yet writes one: the same rows the bare write inserts."""
        for _ in range(times):
            actor = self._newcomers.pop()
            tags = ", ".join(pick_tags(self.rng, 2))
            line = (
                f'/intro about="I am {actor.name}, I teach and I learn." '
                f'goals="Find peers for a reading group." interests="{tags}"'
            )
            # The card, the private thanks, and the Hello badge a first intro earns.
            await self._command(actor, line, expect_items=3, expect_text="earned **Hello**")

    async def write(self, times: int) -> None:
        """A member rewrites their intro with every field given, so no form is shown."""
        for _ in range(times):
            actor = self.picker.next()
            tags = ", ".join(pick_tags(self.rng, 2))
            line = (
                f'/intro about="I am {actor.name}, I teach and I learn." '
                f'goals="Find peers for a reading group." interests="{tags}"'
            )
            # The public card in the intro channel and the private thanks.
            await self._command(actor, line, expect_items=2, expect_text="intro is updated")

    async def bare_write(self, times: int) -> None:
        """The same rows written straight through the ORM: the floor the command path sits on."""
        for _ in range(times):
            member = self.rng.choice(self.seeded.members)
            self._bare_runs += 1
            # Tags unique to this run: the interest key is (community, tag, member).
            tags = [f"bare{self._bare_runs}a", f"bare{self._bare_runs}b"]
            now = self.runtime.clock.now()
            async with self.runtime.db.session() as session, session.begin():
                session.add(
                    IntroRow(
                        community_id=self.seeded.community_id,
                        member_id=member.id,
                        about=f"I am {member.name}, I teach and I learn.",
                        goals="Find peers for a reading group.",
                        interests=", ".join(tags),
                        is_current=True,
                        created_at=now,
                    )
                )
                for tag in tags:
                    session.add(
                        InterestRow(
                            community_id=self.seeded.community_id,
                            tag=tag,
                            member_id=member.id,
                            since=now,
                        )
                    )

    async def _command(
        self, actor: SeededMember, line: str, *, expect_items: int, expect_text: str
    ) -> None:
        before = self.out.items
        outcome = await self.runtime.dispatcher.run_line(
            self.place, Actor(actor.external_id, actor.name), line, self.out
        )
        if not outcome.ok:
            reason = outcome.error.message if outcome.error else "no reason given"
            raise BenchError(f"{line!r} by {actor.name} was refused: {reason}")
        sent = self.out.items - before
        text = getattr(getattr(self.out.last, "reply", None), "text", "")
        if sent != expect_items or expect_text not in text:
            raise BenchError(f"{line!r} sent {sent} items, the last {text[:80]!r}")


def render(report: Report) -> str:
    """The figures as a table, with each goal marked PASS or MISS."""
    lines = [
        f"copbot command bench on {report.database}: {report.members:,} members, "
        f"{report.commands:,} runs of each",
        f"seeded in {report.seed_seconds:.1f} s",
        "",
        f"{'operation':34} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8}",
    ]
    for timing in (report.reads, report.first_writes, report.writes, report.bare):
        lines.append(
            f"{timing.name:34} {timing.rate:9,.0f} "
            f"{timing.percentile_ms(0.50):8.2f} {timing.percentile_ms(0.99):8.2f}"
        )
    goals = [
        (f"read p99 < {P99_GOAL_MS:g} ms", report.reads.percentile_ms(0.99) < P99_GOAL_MS,
         f"{report.reads.percentile_ms(0.99):.2f} ms"),
        (f"first-intro p99 < {P99_GOAL_MS:g} ms",
         report.first_writes.percentile_ms(0.99) < P99_GOAL_MS,
         f"{report.first_writes.percentile_ms(0.99):.2f} ms"),
        (f"update p99 < {P99_GOAL_MS:g} ms", report.writes.percentile_ms(0.99) < P99_GOAL_MS,
         f"{report.writes.percentile_ms(0.99):.2f} ms"),
        (f"first-intro command/bare >= {RATIO_GOAL:g}", report.ratio >= RATIO_GOAL,
         f"{report.ratio:.2f}"),
    ]  # fmt: skip
    lines += ["", "goals"]
    lines += [f"  {name:34} {value:>12}  {'PASS' if ok else 'MISS'}" for name, ok, value in goals]
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.commands", description=__doc__)
    parser.add_argument("--members", type=int, default=100_000, help="members to seed")
    parser.add_argument("--commands", type=int, default=2_000, help="timed runs of each kind")
    parser.add_argument("--db", type=Path, help="a new SQLite file (default: a temp file)")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    databases.add_option(parser)
    options = parser.parse_args(argv)
    if options.members < 2 or options.commands < 1:
        parser.error("need at least 2 members and 1 command")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print the table; 0 whether goals pass or miss, 1 on an error."""
    options = parse(argv)
    tables = []
    with tempfile.TemporaryDirectory(prefix="copbot-bench-") as folder:
        for kind in databases.chosen(options.database):
            sqlite_path = options.db or Path(folder) / "bench.db"
            try:
                report = asyncio.run(
                    measure(kind, members=options.members, commands=options.commands,
                            sqlite_path=sqlite_path, seed_value=options.seed)
                )  # fmt: skip
            except (BenchError, FileExistsError) as error:
                print(f"bench failed on {kind}: {error}", file=sys.stderr)
                return 1
            tables.append(render(report))
    print("\n\n".join(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
