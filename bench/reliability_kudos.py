"""A thousand members send /kudos at the same moment: every count afterwards is exact."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import col, func, select

from bot.clock import ManualClock
from bot.dispatch import Actor, Place
from bot.reply import Outgoing
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from storage import kudos
from storage.kudos import PERIODS, period_start
from storage.models import KudosRow, KudosTallyRow, MemberRow

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
STARS = 10  # members being thanked; the givers pick one to three of them
PLACE = Place("bench", "kudos-burst", "Kudos burst", "general")
PLATFORM = PLACE.platform


class Quiet:
    """A transport that accepts everything and keeps nothing."""

    dedupes = True

    async def deliver(self, place: Place, item: Outgoing) -> bool:
        """Accept."""
        return True


@dataclass
class Burst:
    """One database's run: what was sent, what was refused and whether every count held."""

    database: str
    sent: int = 0
    refused: list[str] = field(default_factory=list)
    seconds: float = 0.0
    mismatches: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        """Every tally, row and leaderboard place is what the commands asked for."""
        return not self.mismatches and not self.refused


async def run(url: str, database: str, givers: int, seed: int) -> Burst:
    """`givers` members, new to the bot, each send one /kudos at once; then check everything."""
    rng = random.Random(seed)
    runtime = await build_runtime(Settings(database_url=url), clock=ManualClock(NOW, frozen=True))
    runtime.dispatcher.sender.pacing = None
    out = Quiet()
    runtime.dispatcher.transports[PLATFORM] = lambda place: out
    burst = Burst(database)
    try:
        stars = [f"star{n:02d}" for n in range(STARS)]
        for star in stars:  # seen by the bot first, so @name finds them
            await runtime.dispatcher.run_line(PLACE, Actor(star, star), "/ping", out)
        named = {f"giver{n:04d}": rng.sample(stars, rng.randint(1, 3)) for n in range(givers)}
        began = time.perf_counter()
        outcomes = await asyncio.gather(
            *(
                runtime.dispatcher.run_line(
                    PLACE,
                    Actor(giver, giver),
                    "/kudos " + " ".join(f"@{s}" for s in thanked) + f" for the notes, {giver}",
                    out,
                )
                for giver, thanked in named.items()
            )
        )
        burst.seconds = time.perf_counter() - began
        burst.sent = len(outcomes)
        burst.refused = [
            f"{giver}: {o.error.message if o.error else '?'}"
            for giver, o in zip(named, outcomes, strict=True)
            if not o.ok
        ]
        burst.mismatches = await check(runtime, named)
    finally:
        await runtime.close()
    return burst


async def check(runtime: Runtime, named: dict[str, list[str]]) -> list[str]:
    """Compare the rows, the tallies of every period and both leaderboards with the commands."""
    received = Counter(star for thanked in named.values() for star in thanked)
    given = {giver: len(thanked) for giver, thanked in named.items()}
    community = await runtime.dispatcher.community(PLACE)
    wrong: list[str] = []
    async with runtime.db.session() as session:
        ids = dict(
            (
                await session.exec(
                    select(MemberRow.name, MemberRow.id).where(
                        MemberRow.community_id == community.id
                    )
                )
            ).all()
        )
        rows = (
            await session.exec(
                select(func.count()).where(col(KudosRow.community_id) == community.id)
            )
        ).one()
        if rows != sum(received.values()):
            wrong.append(f"{rows} kudos rows, not {sum(received.values())}")
        members = (
            await session.exec(
                select(func.count()).where(col(MemberRow.community_id) == community.id)
            )
        ).one()
        if members != len(named) + STARS:
            wrong.append(f"{members} members, not {len(named) + STARS}")
        for period in PERIODS:
            start = period_start(period, NOW.date())
            tallies = await session.exec(
                select(KudosTallyRow.member_id, KudosTallyRow.received, KudosTallyRow.given).where(
                    KudosTallyRow.community_id == community.id,
                    KudosTallyRow.period == period,
                    KudosTallyRow.start == start,
                )
            )
            found = {member: (r, g) for member, r, g in tallies.all()}
            for name, member in ids.items():
                expected = (received.get(name, 0), given.get(name, 0))
                if found.get(member, (0, 0)) != expected:
                    wrong.append(f"{period} {name}: {found.get(member)} not {expected}")
            for by, counts in (("received", received), ("given", Counter(given))):
                total, board = await kudos.leaderboard(
                    session,
                    community_id=community.id,
                    period=period,
                    start=start,
                    by=by,  # type: ignore[arg-type]
                    offset=0,
                    limit=len(ids),
                )
                shown = {standing.name: standing.count for standing in board}
                if total != len(counts) or shown != dict(counts):
                    wrong.append(f"{period} leaderboard by {by}: {total} ranked, differs")
    return wrong
