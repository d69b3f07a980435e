"""Poll votes through the whole press path with 100k members, and a busy minute of them."""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

from bench.seed import COMMUNITY_ID, PLATFORM, START, SeededMember, seed
from bench.stats import percentile
from bot.clock import ManualClock
from bot.commands import Level
from bot.dispatch import Actor, Place
from bot.reply import EditMessage, Outgoing, ToChannel
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from storage.models import OutboxRow, PollOptionRow, PollRow, PollVoterRow

RATE_GOAL = 500.0  # votes per second
P99_GOAL_MS = 50.0
BUSY_SECONDS = 60.0  # the busy minute
EDIT_EVERY = 30.0  # the rule: a post's count changes at most this often
WARMUP = 20


class BenchError(RuntimeError):
    """A vote was refused or miscounted; the figures would be meaningless."""


class Posts:
    """A transport that counts what is sent and gives posts references, so edits go out."""

    def __init__(self) -> None:
        self.items = 0
        self.posted: ToChannel | None = None

    async def deliver(self, place: Place, item: Outgoing) -> bool | str:
        """Count the item; posts get a reference, edits keep theirs."""
        self.items += 1
        if isinstance(item, EditMessage):
            return item.ref
        if isinstance(item, ToChannel):
            self.posted = item
            return f"ref-{self.items}"
        return True


@dataclass
class Report:
    """What one run measured."""

    members: int
    seed_seconds: float
    latencies: list[float] = field(default_factory=list)  # one vote at a time, in seconds
    wall: float = 0.0
    burst: int = 0  # votes pressed all at once
    burst_wall: float = 0.0
    busy_votes: int = 0
    busy_counted: int = 0
    busy_voters: int = 0
    edits: list[datetime] = field(default_factory=list)  # when the busy post was edited

    @property
    def rate(self) -> float:
        """Votes per second, one at a time."""
        return len(self.latencies) / self.wall if self.wall else 0.0

    @property
    def burst_rate(self) -> float:
        """Votes per second, all pressed at once."""
        return self.burst / self.burst_wall if self.burst_wall else 0.0

    @property
    def closest_edits(self) -> float | None:
        """The shortest gap between two edits of the busy post, in seconds."""
        gaps = [(b - a).total_seconds() for a, b in zip(self.edits, self.edits[1:], strict=False)]
        return min(gaps) if gaps else None


class _Bench:
    """One poll per measure; each member presses each poll once."""

    def __init__(self, runtime: Runtime, clock: ManualClock, members: Sequence[SeededMember]):
        self.runtime = runtime
        self.clock = clock
        self.members = list(members)
        self.place = Place(PLATFORM, COMMUNITY_ID, "Bench community", "general")
        self.out = Posts()

    async def ask(self) -> tuple[int, list[str]]:
        """A new anonymous poll with five options: its row id and its buttons' ids."""
        moderator = Actor("bench-moderator", "moderator", Level.MODERATOR)
        line = '/poll ask How useful was this week? options="1; 2; 3; 4; 5" hours=72'
        self.out.posted = None
        outcome = await self.runtime.dispatcher.run_line(self.place, moderator, line, self.out)
        posted = self.out.posted
        if not outcome.ok or posted is None:
            raise BenchError(f"/poll ask was refused: {outcome.error}")
        buttons = [b.custom_id for b in posted.reply.buttons]
        return int(buttons[0].split(":")[2]), buttons

    async def vote(self, member: SeededMember, button: str) -> None:
        """Press one option as a member; it must be counted."""
        actor = Actor(member.external_id, member.name)
        outcome = await self.runtime.dispatcher.press(self.place, actor, button, self.out)
        if not outcome.ok:
            raise BenchError(f"{member.name}'s vote was refused: {outcome.error}")

    async def counts(self, poll_id: int) -> tuple[int, int]:
        """The votes counted on a poll's options, and its voter records."""
        async with self.runtime.db.session() as session:
            votes = await session.exec(
                select(func.sum(PollOptionRow.votes)).where(PollOptionRow.poll_id == poll_id)
            )
            voters = await session.exec(
                select(func.count())
                .select_from(PollVoterRow)
                .where(PollVoterRow.poll_id == poll_id)
            )
            return votes.one() or 0, voters.one()

    async def edits_of(self, poll_id: int) -> list[datetime]:
        """When a poll's post was edited (its count), oldest first."""
        async with self.runtime.db.session() as session:
            poll = await session.get(PollRow, poll_id)
            assert poll is not None
            found = await session.exec(
                select(OutboxRow.created_at)
                .where(OutboxRow.kind == "edit", OutboxRow.target == poll.post)
                .order_by(col(OutboxRow.id))
            )
            return list(found.all())


async def run(
    *, members: int, votes: int, burst: int, busy: int, db: Path, seed_value: int
) -> Report:
    """Seed, then time votes one by one, a burst at once, and a busy minute on the clock."""
    if votes + burst + busy + WARMUP > members:
        raise BenchError("each member votes once per poll: seed more members than votes")
    rng = random.Random(seed_value)
    began = time.perf_counter()
    seeded = await seed(db, members=members, rng=rng, intros=False)
    report = Report(members, time.perf_counter() - began)
    clock = ManualClock(START + timedelta(days=1), frozen=True)
    runtime = await build_runtime(Settings(database_url=seeded.url), clock=clock)
    bench = _Bench(runtime, clock, seeded.members)
    runtime.dispatcher.transports[PLATFORM] = lambda place: bench.out
    people = rng.sample(bench.members, votes + burst + busy + WARMUP)
    first, second = votes + WARMUP, votes + WARMUP + burst
    try:
        await _one_by_one(bench, report, people[:first], rng)
        await _at_once(bench, report, people[first:second], rng)
        await _busy_minute(bench, report, people[second:], rng)
    finally:
        await runtime.close()
    return report


async def _one_by_one(
    bench: _Bench, report: Report, people: list[SeededMember], rng: random.Random
) -> None:
    poll_id, buttons = await bench.ask()
    for member in people[:WARMUP]:
        await bench.vote(member, rng.choice(buttons))
    began = time.perf_counter()
    for member in people[WARMUP:]:
        start = time.perf_counter()
        await bench.vote(member, rng.choice(buttons))
        report.latencies.append(time.perf_counter() - start)
    report.wall = time.perf_counter() - began
    counted, voters = await bench.counts(poll_id)
    if counted != len(people) or voters != len(people):
        raise BenchError(f"{len(people)} votes, {counted} counted, {voters} voters")


async def _at_once(
    bench: _Bench, report: Report, people: list[SeededMember], rng: random.Random
) -> None:
    poll_id, buttons = await bench.ask()
    picks = [(member, rng.choice(buttons)) for member in people]
    began = time.perf_counter()
    await asyncio.gather(*(bench.vote(member, button) for member, button in picks))
    report.burst, report.burst_wall = len(picks), time.perf_counter() - began
    counted, voters = await bench.counts(poll_id)
    if counted != len(picks) or voters != len(picks):
        raise BenchError(f"{len(picks)} votes at once, {counted} counted, {voters} voters")


async def _busy_minute(
    bench: _Bench, report: Report, people: list[SeededMember], rng: random.Random
) -> None:
    """Members press within one minute of the clock while the count job runs as it falls due."""
    poll_id, buttons = await bench.ask()
    opened = bench.clock.now()
    step = timedelta(seconds=BUSY_SECONDS / max(1, len(people)))
    for index, member in enumerate(people):
        await bench.runtime.scheduler.advance(bench.clock, opened + index * step)
        await bench.vote(member, rng.choice(buttons))
    await bench.runtime.scheduler.advance(bench.clock, opened + timedelta(seconds=2 * BUSY_SECONDS))
    report.busy_votes = len(people)
    report.busy_counted, report.busy_voters = await bench.counts(poll_id)
    report.edits = await bench.edits_of(poll_id)


def render(report: Report) -> str:
    """The figures, with each goal marked PASS or MISS."""
    ms = [value * 1000 for value in report.latencies]
    p50, p99 = percentile(ms, 50), percentile(ms, 99)
    most_edits = math.ceil(2 * BUSY_SECONDS / EDIT_EVERY)  # the minute and the one after
    closest = report.closest_edits
    lines = [
        f"copbot poll bench: {report.members:,} members (seeded in {report.seed_seconds:.1f} s)",
        "",
        f"{'votes':34} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8}",
        f"{'one at a time (press → commit)':34} {report.rate:9,.0f} {p50:8.2f} {p99:8.2f}",
        f"{f'{report.burst:,} pressed at once':34} {report.burst_rate:9,.0f}",
        "",
        f"busy minute: {report.busy_votes:,} members pressed within {BUSY_SECONDS:g} s of clock; "
        f"{report.busy_counted:,} counted, {report.busy_voters:,} voter records; "
        f"the post was edited {len(report.edits)} times"
        + (f", at least {closest:.0f} s apart" if closest is not None else ""),
    ]
    goals = [
        (f"votes per second >= {RATE_GOAL:g}", report.rate >= RATE_GOAL, f"{report.rate:,.0f}"),
        (f"vote p99 < {P99_GOAL_MS:g} ms", p99 < P99_GOAL_MS, f"{p99:.2f} ms"),
        ("every busy vote counted exactly once",
         report.busy_counted == report.busy_votes == report.busy_voters,
         f"{report.busy_counted:,}/{report.busy_votes:,}"),
        (f"post edited at most every {EDIT_EVERY:g} s",
         (closest is None or closest >= EDIT_EVERY) and len(report.edits) <= most_edits,
         f"{len(report.edits)} edits"),
    ]  # fmt: skip
    lines += ["", "goals"]
    lines += [f"  {name:38} {value:>12}  {'PASS' if ok else 'MISS'}" for name, ok, value in goals]
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.polls", description=__doc__)
    parser.add_argument("--members", type=int, default=100_000, help="members to seed")
    parser.add_argument("--votes", type=int, default=5_000, help="votes timed one at a time")
    parser.add_argument("--burst", type=int, default=1_000, help="votes pressed all at once")
    parser.add_argument("--busy", type=int, default=1_000, help="votes in the busy minute")
    parser.add_argument("--db", type=Path, help="a new SQLite file (default: a temp file)")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    options = parser.parse_args(argv)
    if min(options.votes, options.burst, options.busy) < 1:
        parser.error("give at least one vote of each kind")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print the figures; 0 whether goals pass or miss, 1 on an error."""
    options = parse(argv)
    with tempfile.TemporaryDirectory(prefix="copbot-bench-") as folder:
        db = options.db or Path(folder) / "polls.db"
        try:
            report = asyncio.run(
                run(members=options.members, votes=options.votes, burst=options.burst,
                    busy=options.busy, db=db, seed_value=options.seed)
            )  # fmt: skip
        except (BenchError, FileExistsError) as error:
            print(f"bench failed: {error}", file=sys.stderr)
            return 1
    print(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
