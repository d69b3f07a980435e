"""200 members thank one member at the same moment: every thanks counts, every badge once."""

from __future__ import annotations

import asyncio
import itertools

from sqlalchemy import func
from sqlmodel import select

from bot.clock import ManualClock
from bot.dispatch import Actor
from bot.runtime import build_runtime
from config.settings import Settings
from storage.models import BadgeAwardRow, KudosRow, KudosTallyRow, MemberRow
from tests.conftest import PLACE, START, RecordingTransport

GIVERS = 200


async def test_two_hundred_kudos_at_once(file_database_url: str) -> None:
    # A file database: concurrent sessions each get their own connection, as in production.
    settings = Settings(database_url=file_database_url)
    runtime = await build_runtime(settings, clock=ManualClock(START, frozen=True))
    dispatcher = runtime.dispatcher
    try:
        await dispatcher.run_line(PLACE, Actor("star", "star"), "/ping", RecordingTransport())
        givers = [Actor(f"g{n:03}", f"g{n:03}") for n in range(GIVERS)]
        for giver in givers:  # seen before, as members who would thank someone are
            await dispatcher.run_line(PLACE, giver, "/ping", RecordingTransport())
        transports = [RecordingTransport() for _ in givers]
        outcomes = await asyncio.gather(
            *(
                dispatcher.run_line(PLACE, giver, "/kudos @star for the great talk", transport)
                for giver, transport in zip(givers, transports, strict=True)
            )
        )
        assert all(outcome.ok for outcome in outcomes), [o.error for o in outcomes if not o.ok]
        async with runtime.db.session() as session:
            star = (await session.exec(select(MemberRow).where(MemberRow.name == "star"))).one()
            count = (
                await session.exec(select(func.count()).where(KudosRow.receiver_id == star.id))
            ).one()
            tally = await session.get(
                KudosTallyRow, (star.community_id, "all", START.date().replace(1970, 1, 1), star.id)
            )
            awards = (
                await session.exec(
                    select(BadgeAwardRow.badge, func.count())
                    .where(BadgeAwardRow.member_id == star.id)
                    .group_by(BadgeAwardRow.badge)
                )
            ).all()
        assert count == GIVERS
        assert tally is not None and tally.received == GIVERS
        assert dict(awards) == {"appreciated": 1, "valued": 1}
        announced = [
            text
            for transport in transports
            for text in transport.texts()
            if "earned" in text and "star" in text
        ]
        assert len(announced) == 2  # each badge announced once, by the kudos that earned it
    finally:
        await runtime.close()


async def test_kudos_naming_the_same_people_in_other_orders_at_once(
    file_database_url: str,
) -> None:
    # Each kudos upserts the tallies of everyone it names: on Postgres, rows locked in the
    # order named deadlocked two commands that named the same people the other way round.
    settings = Settings(database_url=file_database_url)
    runtime = await build_runtime(settings, clock=ManualClock(START, frozen=True))
    dispatcher = runtime.dispatcher
    stars = ["ann", "ben", "cat", "dan"]
    try:
        for star in stars:
            await dispatcher.run_line(PLACE, Actor(star, star), "/ping", RecordingTransport())
        orders = list(itertools.permutations(stars))
        lines = [f"/kudos @{' @'.join(orders[n % len(orders)])} thanks" for n in range(GIVERS)]
        outcomes = await asyncio.gather(
            *(
                dispatcher.run_line(
                    PLACE, Actor(f"g{n:02}", f"g{n:02}"), line, RecordingTransport()
                )
                for n, line in enumerate(lines)
            )
        )
        assert all(outcome.ok for outcome in outcomes), [o.error for o in outcomes if not o.ok]
        async with runtime.db.session() as session:
            tallies = await session.exec(
                select(KudosTallyRow.received).where(KudosTallyRow.period == "all")
            )
            assert sorted(tallies.all()) == [0] * GIVERS + [GIVERS] * 4
    finally:
        await runtime.close()
