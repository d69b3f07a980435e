"""The daily lapse scan over 100k members with a year of activity: its queries, and the job."""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, text, update
from sqlmodel import select

from bench.seed import START, Seeded, seed
from bot.clock import ManualClock
from bot.dispatch import Place
from bot.pacing import Pacing
from bot.reply import Outgoing
from bot.runtime import build_runtime
from config.settings import Settings
from storage import lapses
from storage.db import Database
from storage.lapses import LapseRule
from storage.models import KudosGroupRow, KudosRow, LapseRow, MemberRow, OutboxRow
from storage.rhythm import WINDOW

PLATFORM = "discord"  # so the outbox paces the nudges as Discord's defaults would
COMMUNITY = "bench-community"
NOW = START + timedelta(days=365, hours=1)  # the scan's 10:00, a year after the first activity
TODAY = NOW.date()
RULE = LapseRule(min_days=21, factor=3)  # the defaults
GAPS = (1, 1, 2, 3, 7, 7, 14, 30)  # usual gaps in days: daily regulars to monthly visitors
SCAN_GOAL_MS = 200.0
SHARE_GOAL = 0.05  # the job's own time, at most this share of what pacing takes to send it
CHUNK = 500


@dataclass(frozen=True)
class Report:
    """What one run measured."""

    members: int
    active_days: int
    expected: int
    scan_ms: float
    scan_queries: int
    job_s: float
    nudged: int
    queued: int
    rerun: int
    dm_rate: float  # DMs a second Discord's default pacing lets out

    @property
    def pacing_s(self) -> float:
        """How long the paced sending of the nudges takes."""
        return self.queued / self.dm_rate if self.dm_rate else 0.0


class Counting:
    """A transport that only counts what the bot sends."""

    def __init__(self) -> None:
        self.items = 0

    async def deliver(self, place: Place, item: Outgoing) -> bool:
        """Count and accept."""
        self.items += 1
        return True


def silence_for(rng: random.Random, gap: int) -> tuple[int, bool]:
    """How long a member has been quiet today, and whether that lapse was noted on a past day."""
    threshold = max(RULE.min_days, RULE.factor * gap)
    roll = rng.random()
    if roll < 0.01:
        return threshold + 1, False  # lapsed since this morning: today's nudges
    if roll < 0.25:
        return threshold + 2 + rng.randrange(200), True  # lapsed before, nudged then
    if roll < 0.40:
        return rng.randint(gap + 1, threshold), False  # drifting
    return rng.randint(0, gap), False


async def seed_rhythms(seeded: Seeded, rng: random.Random) -> tuple[int, int]:
    """A year of activity: rhythms, last active days, the kept history and past lapses."""
    rows, noted, expected = [], [], 0
    for member in seeded.members:
        gap = rng.choice(GAPS)
        quiet, past = silence_for(rng, gap)
        last_on = TODAY - timedelta(days=min(quiet, 360))
        days = (last_on - START.date()).days // gap + 1
        extra = _standing(rng)
        if rng.random() < 0.03:
            days = rng.randint(1, 2)  # visitors, never chased
        row = {
            "member_id": member.id,
            "on": last_on,
            "at": NOW - timedelta(days=(TODAY - last_on).days, hours=2),
            "days": days,
            "gap": float(gap) if days > 1 else 0.0,
            **extra,
        }
        rows.append(row)
        silent = (TODAY - last_on).days
        watched = days >= lapses.MIN_ACTIVE_DAYS and not any(extra.values())
        if watched and RULE.lapsed(silent, row["gap"]):
            if past:
                noted.append(row)
            else:
                expected += 1
    db = Database(seeded.url)
    try:
        async with db.engine.begin() as connection:
            await connection.execute(_member_update(), rows)
            await connection.execute(insert(LapseRow), [_noted(seeded, row) for row in noted])
            await connection.execute(_history(), {"window": WINDOW})
            stored = (await connection.execute(text("SELECT count(*) FROM active_day"))).scalar()
            await _thanks(connection, seeded, rows, rng)
    finally:
        await db.close()
    return expected, int(stored or 0)


def _standing(rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    return {
        "away": NOW + timedelta(days=10) if roll < 0.02 else None,
        "dms_off": 0.02 <= roll < 0.03,
        "left": NOW - timedelta(days=5) if 0.03 <= roll < 0.04 else None,
        "bot": 0.04 <= roll < 0.045,
    }


def _member_update() -> Any:
    return (
        update(MemberRow)
        .where(MemberRow.id == bindparam("member_id"))  # type: ignore[arg-type]
        .values(
            last_active_on=bindparam("on"),
            last_active_at=bindparam("at"),
            active_days=bindparam("days"),
            usual_gap=bindparam("gap"),
            away_until=bindparam("away"),
            dms_off=bindparam("dms_off"),
            left_at=bindparam("left"),
            is_bot=bindparam("bot"),
        )
    )


def _noted(seeded: Seeded, row: dict[str, Any]) -> dict[str, Any]:
    noticed = NOW - timedelta(days=1)
    return {
        "community_id": seeded.community_id,
        "member_id": row["member_id"],
        "since_day": row["on"],
        "since_at": row["at"],
        "noticed_at": noticed,
        "nudged_at": noticed,
        "welcome_due": False,
    }


def _history() -> Any:
    # Each member's kept days (the last WINDOW, as the flush keeps them), written by SQLite
    # itself: millions of rows without a round trip each.
    return text(
        """
        WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n + 1 < :window)
        INSERT OR IGNORE INTO active_day (community_id, member_id, day)
        SELECT m.community_id, m.id,
               date(m.last_active_on, '-' || CAST(k.n * max(m.usual_gap, 1) AS INTEGER) || ' days')
        FROM member m JOIN k ON k.n < m.active_days
        WHERE m.last_active_on IS NOT NULL
        """
    )


async def _thanks(connection: Any, seeded: Seeded, rows: list[dict[str, Any]], rng: Any) -> None:
    """A few thanks received while quiet, so nudges carry news."""
    quiet = [row for row in rows if (TODAY - row["on"]).days > RULE.min_days]
    giver = seeded.members[0].id
    for index, row in enumerate(rng.sample(quiet, min(len(quiet), 2_000)), start=1):
        at = NOW - timedelta(days=rng.randint(1, (TODAY - row["on"]).days - 1))
        group = {"id": index, "community_id": seeded.community_id, "giver_id": giver}
        await connection.execute(
            insert(KudosGroupRow),
            {**group, "reason": "thanks", "spotlight": False, "created_at": at},
        )
        await connection.execute(
            insert(KudosRow),
            {
                "community_id": seeded.community_id,
                "group_id": index,
                "giver_id": giver,
                "receiver_id": row["member_id"],
                "spotlight": False,
                "created_at": at,
            },
        )


async def time_scan(db: Database, community_id: int) -> tuple[float, int, int]:
    """The scan's own queries, chunk after chunk, as the job runs them: ms, queries, found."""
    after, queries, found, spent = 0, 0, 0, 0.0
    async with db.session() as session:
        while True:
            began = time.perf_counter()
            chunk = await lapses.newly_lapsed(
                session,
                community_id=community_id,
                rule=RULE,
                today=TODAY,
                now=NOW,
                after_id=after,
                limit=CHUNK,
            )
            spent += time.perf_counter() - began
            queries += 1
            found += len(chunk)
            if len(chunk) < CHUNK:
                return spent * 1000, queries, found
            after = chunk[-1].id or 0


async def run(*, members: int, db: Path, seed_value: int) -> Report:
    """Seed a year of activity, time the scan's queries, then the whole job (nudges queued)."""
    rng = random.Random(seed_value)
    seeded = await seed(db, members=members, rng=rng, platform=PLATFORM, community=COMMUNITY)
    expected, stored = await seed_rhythms(seeded, rng)
    settings = Settings(database_url=seeded.url)
    runtime = await build_runtime(settings, clock=ManualClock(NOW, frozen=True))
    out = Counting()
    runtime.dispatcher.transports[PLATFORM] = lambda place: out
    try:
        await time_scan(runtime.db, seeded.community_id)  # warm the cache, as a live server is
        scan_ms, queries, found = await time_scan(runtime.db, seeded.community_id)
        if found != expected:
            raise RuntimeError(f"the scan found {found} lapsed members, the seed made {expected}")
        began = time.perf_counter()
        nudged = int(await runtime.scheduler.run_now("lapse_scan"))  # type: ignore[call-overload]
        job_s = time.perf_counter() - began
        rerun = int(await runtime.scheduler.run_now("lapse_scan"))  # type: ignore[call-overload]
        async with runtime.db.session() as session:
            dms = select(func.count()).where(OutboxRow.kind == "dm")
            queued = (await session.exec(dms)).one()
    finally:
        await runtime.close()
    pacing = Pacing(
        discord_dm_seconds=settings.discord_dm_seconds,
        discord_dms_per_minute=settings.discord_dms_per_minute,
    )
    rate = min(pacing.discord_dms_per_minute / 60, 1 / pacing.discord_dm_seconds)
    return Report(
        members, stored, expected, scan_ms, queries, job_s, nudged, int(queued), rerun, rate
    )


def render(report: Report) -> str:
    """The figures, with the goals marked PASS or MISS."""
    scan = "PASS" if report.scan_ms < SCAN_GOAL_MS else "MISS"
    share = report.job_s / report.pacing_s if report.pacing_s else 0.0
    dominated = "PASS" if share <= SHARE_GOAL else "MISS"
    per_minute = report.dm_rate * 60
    return "\n".join(
        [
            f"copbot lapse bench: {report.members:,} members, a year of activity "
            f"({report.active_days:,} active days kept), lapse rule 21 days / 3 × usual gap",
            "",
            f"  scan queries (chunks of {CHUNK})          {report.scan_queries:10,}",
            f"  scan queries, total                    {report.scan_ms:10.1f} ms",
            f"  newly lapsed (as seeded)               {report.expected:10,}",
            f"  nudges queued by the job               {report.nudged:10,}",
            f"  job time (scan, what's new, outbox)    {report.job_s:10.2f} s",
            f"  sending them at Discord's default pace {report.pacing_s / 60:10.1f} min "
            f"({per_minute:g} DMs a minute)",
            f"  a second run the same day nudges       {report.rerun:10,}",
            "",
            "goals",
            f"  scan queries < {SCAN_GOAL_MS:g} ms{'':19}{report.scan_ms:10.1f}  {scan}",
            f"  job <= {SHARE_GOAL:.0%} of the paced sending{'':8}{share:10.2%}  {dominated}",
        ]
    )


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.lapse", description=__doc__)
    parser.add_argument("--members", type=int, default=100_000, help="members in the community")
    parser.add_argument("--db", type=Path, help="a new SQLite file (default: a temp file)")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    options = parser.parse_args(argv)
    if options.members < 10:
        parser.error("--members must be at least 10")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print the figures; 0 whether the goals pass or miss, 1 on an error."""
    options = parse(argv)
    with tempfile.TemporaryDirectory(prefix="copbot-bench-") as folder:
        db = options.db or Path(folder) / "lapse.db"
        try:
            report = asyncio.run(run(members=options.members, db=db, seed_value=options.seed))
        except (RuntimeError, FileExistsError) as error:
            print(f"bench failed: {error}", file=sys.stderr)
            return 1
    print(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
