"""A matching round through its job on SQLite: 10,000 opted-in members, end to end, unsent."""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, update
from sqlmodel import select

from bench.lapse import Counting
from bench.matching import VOCABULARY, ZIPF
from bench.seed import START, Seeded, seed
from bot.clock import ManualClock
from bot.runtime import build_runtime
from config.settings import Settings
from storage.db import Database
from storage.models import (
    MatchGroupRow,
    MatchMemberRow,
    MatchRoundRow,
    MatchSeatRow,
    MemberRow,
    NeedRow,
    NeedTagRow,
    OutboxRow,
)

PLATFORM = "discord"
COMMUNITY = "bench-community"
NOW = START + timedelta(days=30)
ROUND_GOAL_S = 5.0  # the goal for a 10,000-member round, excluding the paced sending


@dataclass(frozen=True)
class Report:
    """What one run measured."""

    members: int
    needs: int
    first_s: float
    second_s: float
    groups: int
    trios: int
    on_needs: int
    dms: int


async def seed_matching(seeded: Seeded, rng: random.Random) -> int:
    """Everyone active and in rounds, with 1–3 needs and 1–3 offers on Zipf-popular tags."""
    tags = [f"tag{rank}" for rank in range(VOCABULARY)]
    weights = [1 / (rank + 1) ** ZIPF for rank in range(VOCABULARY)]
    needs: list[dict[str, Any]] = []
    tagged: list[dict[str, Any]] = []
    for member in seeded.members:
        for kind in ("need", "offer"):
            for _ in range(rng.randint(1, 3)):
                number = len(needs) + 1
                chosen = sorted(set(rng.choices(tags, weights=weights, k=rng.randint(1, 2))))
                needs.append(_need(seeded, member.id, number, kind, chosen))
                tagged += [
                    {"need_id": number, "tag": tag, "community_id": seeded.community_id}
                    for tag in chosen
                ]
    db = Database(seeded.url)
    try:
        async with db.engine.begin() as connection:
            await connection.execute(
                update(MemberRow).values(last_active_at=NOW - timedelta(days=1))
            )
            await connection.execute(
                insert(MatchMemberRow),
                [
                    {
                        "member_id": m.id,
                        "community_id": seeded.community_id,
                        "status": "in",
                        "changed_at": START,
                    }
                    for m in seeded.members
                ],
            )
            await connection.execute(insert(NeedRow), needs)
            await connection.execute(insert(NeedTagRow), tagged)
    finally:
        await db.close()
    return len(needs)


def _need(seeded: Seeded, member_id: int, number: int, kind: str, tags: list[str]) -> dict:
    return {
        "id": number,
        "community_id": seeded.community_id,
        "number": number,
        "kind": kind,
        "member_id": member_id,
        "what": f"{kind} about {', '.join(tags)}",
        "tags": ", ".join(tags),
        "status": "open",
        "created_at": START,
        "renewed_at": START,
        "checkins": 0,
        "thanked": False,
    }


async def run(*, members: int, db: Path, seed_value: int) -> Report:
    """Seed the community, then time two rounds a fortnight apart (the second with history)."""
    rng = random.Random(seed_value)
    seeded = await seed(db, members=members, rng=rng, platform=PLATFORM, community=COMMUNITY)
    needs = await seed_matching(seeded, rng)
    clock = ManualClock(NOW, frozen=True)
    runtime = await build_runtime(Settings(database_url=seeded.url), clock=clock)
    out = Counting()
    runtime.dispatcher.transports[PLATFORM] = lambda place: out
    try:
        timings = []
        for _ in range(2):
            began = time.perf_counter()
            made = await runtime.scheduler.run_now("match_round")  # type: ignore[call-overload]
            timings.append(time.perf_counter() - began)
            if not made:
                raise RuntimeError("the round made no groups")
            clock.set(clock.now() + timedelta(weeks=2))
        async with runtime.db.session() as session:
            latest = (await session.exec(select(func.max(MatchRoundRow.id)))).one()
            sizes = (
                await session.exec(
                    select(func.count())
                    .select_from(MatchSeatRow)
                    .join(MatchGroupRow, MatchGroupRow.id == MatchSeatRow.group_id)  # type: ignore[arg-type]
                    .where(MatchGroupRow.round_id == latest)
                    .group_by(MatchSeatRow.group_id)
                )
            ).all()
            on_needs = (
                await session.exec(
                    select(func.count()).where(
                        MatchGroupRow.round_id == latest, MatchGroupRow.needs_met > 0
                    )
                )
            ).one()
            dms = (await session.exec(select(func.count()).where(OutboxRow.kind == "dm"))).one()
    finally:
        await runtime.close()
    return Report(
        members,
        needs,
        timings[0],
        timings[1],
        len(sizes),
        sum(1 for size in sizes if size == 3),
        int(on_needs),
        int(dms),
    )


def render(report: Report) -> str:
    """The figures, with the goal marked PASS or MISS."""
    worst = max(report.first_s, report.second_s)
    verdict = "PASS" if worst < ROUND_GOAL_S else "MISS"
    share = report.on_needs / report.groups if report.groups else 0.0
    return "\n".join(
        [
            f"copbot matching round bench: {report.members:,} members in rounds, "
            f"{report.needs:,} open needs and offers (Zipf tags over {VOCABULARY}), SQLite",
            "",
            f"  first round, through the job           {report.first_s:10.2f} s",
            f"  second round, with the first's history {report.second_s:10.2f} s",
            f"  groups in the second round             {report.groups:10,} ({report.trios} trio)",
            f"  groups paired on a need↔offer          {share:10.1%}",
            f"  round DMs queued (two rounds)          {report.dms:10,}",
            "",
            "goals",
            f"  a round < {ROUND_GOAL_S:g} s end to end, unsent{'':9}{worst:10.2f}  {verdict}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the bench and print the figures; 0 whether the goal passes or misses, 1 on an error."""
    parser = argparse.ArgumentParser(prog="python -m bench.matching_round", description=__doc__)
    parser.add_argument("--members", type=int, default=10_000, help="members in rounds")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="copbot-bench-") as folder:
        db = Path(folder) / "round.db"
        try:
            report = asyncio.run(run(members=options.members, db=db, seed_value=options.seed))
        except (RuntimeError, FileExistsError) as error:
            print(f"bench failed: {error}", file=sys.stderr)
            return 1
    print(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
