"""A year-old community for the digest and impact benches: kudos, outcomes, groups and more."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bench.kudos import NOW, seed_kudos
from bench.seed import Seeded, SeededMember, pick_tags, seed
from storage.db import Database
from storage.models import (
    ActiveDayRow,
    BadgeAwardRow,
    InterestRow,
    IntroRow,
    MatchGroupRow,
    MatchRoundRow,
    MatchSeatRow,
    MemberRow,
    NeedRow,
    OutcomeCreditRow,
    OutcomeRow,
    WorkGroupMemberRow,
    WorkGroupRow,
    WorkGroupUpdateRow,
)

YEAR = timedelta(days=365)
BATCH = 20_000  # rows per executemany, as bench/seed.py
EARNED = ("first_thanks", "generous", "appreciated", "valued", "regular", "stalwart")
ROLES = ("author", "editor", "reviewer", "illustrator")
CAME = ("need", "made", "chat")


@dataclass(frozen=True)
class Community:
    """What was seeded, and the well-connected member an impact report is for."""

    seeded: Seeded
    star: SeededMember
    counts: dict[str, int] = field(default_factory=dict)  # rows seeded, by kind


@dataclass(frozen=True)
class Sizes:
    """How much of each thing to seed; the defaults are issue #11's community."""

    members: int = 100_000
    kudos: int = 1_000_000
    outcomes: int = 10_000
    groups: int = 150
    needs: int = 6_000
    rounds: int = 26  # fortnightly matching rounds over the year
    pairs: int = 300  # pairs per round whose members reported back

    @classmethod
    def of(cls, members: int, kudos: int, outcomes: int) -> Sizes:
        """Sizes scaled from the three the issue names, so small runs stay small."""
        return cls(
            members, kudos, outcomes, groups=max(3, outcomes // 66), needs=outcomes * 3 // 5,
            pairs=max(1, min(300, members // 4)),
        )  # fmt: skip

    def newcomers(self) -> int:
        """Members who joined (and introduced themselves) during the year: 3%."""
        return max(1, self.members * 3 // 100)


def in_year(rng: random.Random) -> datetime:
    """A moment in the year before NOW, uniformly."""
    return NOW - timedelta(seconds=rng.randrange(int(YEAR.total_seconds())))


def recent(rng: random.Random) -> datetime:
    """A moment well inside a 12-month report's period, whatever day it is cut at."""
    return NOW - timedelta(days=rng.randint(1, 300), seconds=rng.randrange(86400))


async def seed_community(db: Path, sizes: Sizes, rng: random.Random) -> Community:
    """Seed members and kudos as the kudos bench does, then a year of everything else."""
    newcomers = min(sizes.newcomers(), sizes.members - 2)
    old = await seed(db, members=sizes.members - newcomers, rng=rng, newcomers=newcomers)
    # Kudos go among the founding members; members[0] is thanked most (the long tail's head).
    await seed_kudos(old, sizes.kudos, rng)
    everyone = [*old.members, *old.newcomers]
    seeded = Seeded(old.url, old.community_id, everyone)
    star = old.members[0]
    database = Database(seeded.url)
    try:
        async with database.engine.begin() as connection:
            writer = _Writer(connection, seeded.community_id, rng)
            writer.counts["kudos"] = sizes.kudos
            await writer.newcomers(old.newcomers)
            await writer.badges(everyone, star)
            await writer.outcomes(everyone, star, sizes.outcomes)
            await writer.groups(everyone, star, sizes.groups)
            await writer.needs(everyone, star, sizes.needs)
            await writer.matches(everyone, star, sizes.rounds, sizes.pairs)
            await writer.active_days(star)
    finally:
        await database.close()
    return Community(seeded, star, writer.counts)


class _Writer:
    """Bulk inserts for one community, counting what each wrote."""

    def __init__(self, connection: AsyncConnection, community_id: int, rng: random.Random) -> None:
        self.connection, self.community_id, self.rng = connection, community_id, rng
        self.counts: dict[str, int] = {}

    async def insert(self, kind: str, table: Any, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows in batches (executemany), adding the community and counting them."""
        for row in rows:
            row["community_id"] = self.community_id
        for start in range(0, len(rows), BATCH):
            await self.connection.execute(insert(table), list(rows[start : start + BATCH]))
        self.counts[kind] = self.counts.get(kind, 0) + len(rows)

    async def newcomers(self, members: Sequence[SeededMember]) -> None:
        """Members who joined during the year, each introduced (and Hello-badged) soon after."""
        joined = sorted(in_year(self.rng) for _ in members)
        await self.connection.execute(
            update(MemberRow)
            .where(MemberRow.id == bindparam("mid"))
            .values(joined_at=bindparam("at")),
            [{"mid": m.id, "at": at} for m, at in zip(members, joined, strict=True)],
        )
        intros, interests, hellos = [], [], []
        for member, at in zip(members, joined, strict=True):
            when = min(at + timedelta(hours=self.rng.randint(1, 48)), NOW - timedelta(minutes=1))
            tags = pick_tags(self.rng)
            intros.append(
                {"member_id": member.id, "about": f"I am {member.name} and I teach {tags[0]}.",
                 "goals": f"Meet people who care about {tags[-1]}.", "interests": ", ".join(tags),
                 "can_help": "", "is_current": True, "created_at": when}
            )  # fmt: skip
            interests += [{"tag": t, "member_id": member.id, "since": when} for t in tags]
            hellos.append({"member_id": member.id, "badge": "hello", "awarded_at": when})
        await self.insert("intros", IntroRow, intros)
        await self.insert("interests", InterestRow, interests)
        await self.insert("badges", BadgeAwardRow, hellos)

    async def badges(self, members: Sequence[SeededMember], star: SeededMember) -> None:
        """Earned badges through the year (each at most once a member), the star holding all."""
        rows = [{"member_id": star.id, "badge": b, "awarded_at": recent(self.rng)} for b in EARNED]
        for badge, share in zip(EARNED, (20, 10, 10, 40, 10, 40), strict=True):
            # Rarer badges go to fewer members: one in `share` of them.
            holders = self.rng.sample(members[1:], len(members) // share)
            rows += [{"member_id": m.id, "badge": badge, "awarded_at": in_year(self.rng)}
                     for m in holders]  # fmt: skip
        await self.insert("badges", BadgeAwardRow, rows)

    async def outcomes(
        self, members: Sequence[SeededMember], star: SeededMember, count: int
    ) -> None:
        """Outcomes through the year, with 1-4 credits each; the star is credited on 1 in 250."""
        when = sorted(in_year(self.rng) for _ in range(count))
        outcomes, credits = [], []
        for number, at in enumerate(when, start=1):
            people = self.rng.sample(members, self.rng.randint(1, 4))
            if number % 250 == 1 and star not in people:
                people[0] = star
            outcomes.append(
                {"id": number, "number": number, "title": f"Guide {number} to open teaching",
                 "type": "Guide", "link": f"https://example.org/outcomes/{number}",
                 "license": "CC BY 4.0", "description": "", "added_by": people[0].id,
                 "created_at": at}
            )  # fmt: skip
            credits += [
                {"outcome_id": number, "member_id": m.id, "role": ROLES[i], "added_at": at}
                for i, m in enumerate(people)
            ]
        await self.insert("outcomes", OutcomeRow, outcomes)
        await self.insert("outcome credits", OutcomeCreditRow, credits)

    async def groups(self, members: Sequence[SeededMember], star: SeededMember, count: int) -> None:
        """Work groups started through the year, 3-12 members, weekly-ish updates; a few closed."""
        groups, places, updates = [], [], []
        for number in range(1, count + 1):
            started = in_year(self.rng)
            closed = started + timedelta(days=90)
            people = self.rng.sample(members, self.rng.randint(3, 12))
            if number % 15 == 1 and star not in people:  # the star is in 1 group in 15
                people[0] = star
            groups.append(
                {"id": number, "name": f"Group {number}", "name_key": f"group {number}",
                 "purpose": "Write a guide together.", "produces": "a guide", "capacity": 12,
                 "ends_on": closed.date(), "roles": "writer; reviewer", "lead_id": people[0].id,
                 "status": "closed" if closed < NOW else "active", "created_at": started,
                 "started_at": started, "closed_at": closed if closed < NOW else None}
            )  # fmt: skip
            places += [
                {"group_id": number, "member_id": m.id, "role": "writer" if i else "",
                 "joined_at": started}
                for i, m in enumerate(people)
            ]  # fmt: skip
            at = started
            while (at := at + timedelta(days=self.rng.randint(4, 10))) < min(closed, NOW):
                updates.append({"group_id": number, "member_id": self.rng.choice(people).id,
                                "text": "Drafted another chapter.", "created_at": at})  # fmt: skip
        await self.insert("work groups", WorkGroupRow, groups)
        await self.insert("work group members", WorkGroupMemberRow, places)
        await self.insert("work group updates", WorkGroupUpdateRow, updates)

    async def needs(self, members: Sequence[SeededMember], star: SeededMember, count: int) -> None:
        """Needs met through the year, each with its helper; the star helped 1 in 100."""
        rows = []
        for number in range(1, count + 1):
            asker, helper = self.rng.sample(members, 2)
            closed = in_year(self.rng)
            if number % 100 == 1 and asker != star:
                helper, closed = star, recent(self.rng)
            opened = closed - timedelta(days=self.rng.randint(1, 20))
            rows.append(
                {"number": number, "kind": "need", "member_id": asker.id,
                 "what": f"Someone to review my lesson plan {number}", "tags": "pedagogy",
                 "status": "met", "created_at": opened, "closed_at": closed,
                 "helper_id": helper.id, "renewed_at": opened}
            )  # fmt: skip
        await self.insert("needs met", NeedRow, rows)

    async def matches(
        self, members: Sequence[SeededMember], star: SeededMember, rounds: int, pairs: int
    ) -> None:
        """Matching rounds whose pairs said they met and what came of it; the star in each."""
        round_rows, groups, seats = [], [], []
        gap = YEAR / max(rounds, 1)
        pairs = min(pairs, (len(members) - 1) // 2)  # tiny communities (the smoke tests)
        for number in range(1, rounds + 1):
            started = NOW - YEAR + gap * (number - 0.5)
            round_rows.append(
                {"id": number, "number": number, "period": f"bench-{number}", "started_at": started,
                 "pool": 2 * pairs, "follow_up_at": started + timedelta(days=7),
                 "followed_up_at": started + timedelta(days=7)}
            )  # fmt: skip
            chosen = self.rng.sample(members[1:], 2 * pairs)
            chosen[0] = star
            for position in range(pairs):
                group_id = len(groups) + 1
                groups.append({"id": group_id, "round_id": number, "position": position,
                               "score": 3, "why": "{}", "needs_met": 0})  # fmt: skip
                came = self.rng.choice(CAME)
                answered = started + timedelta(days=self.rng.randint(1, 10))
                seats += [
                    {"group_id": group_id, "member_id": m.id, "answer": "met",
                     "answered_at": answered, "came_of_it": came, "followed_up": True}
                    for m in chosen[2 * position : 2 * position + 2]
                ]  # fmt: skip
        await self.insert("match rounds", MatchRoundRow, round_rows)
        await self.insert("match groups", MatchGroupRow, groups)
        # Seats carry no community column: insert them directly.
        for start in range(0, len(seats), BATCH):
            await self.connection.execute(insert(MatchSeatRow), seats[start : start + BATCH])
        self.counts["match seats"] = len(seats)

    async def active_days(self, star: SeededMember) -> None:
        """The star was active on about 200 days of the year."""
        days = sorted({(NOW - timedelta(days=self.rng.randrange(365))).date() for _ in range(230)})
        await self.insert("star's active days", ActiveDayRow,
                          [{"member_id": star.id, "day": day} for day in days])  # fmt: skip
