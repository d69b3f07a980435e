"""Fill a fresh database with one community and many introduced members, fast."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database
from storage.models import BadgeAwardRow, CommunityRow, InterestRow, IntroRow, MemberRow

PLATFORM = "bench"
COMMUNITY_ID = "bench-community"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_TAG_WORDS = """
oer chemistry physics biology maths history geography music art design python data statistics
ethics pedagogy assessment feedback literacy languages robotics climate ecology astronomy
economics philosophy writing podcasts video games accessibility inclusion mentoring research
open-science peer-review libraries archives curriculum
"""
TAGS = tuple(_TAG_WORDS.split())
_BATCH = 20_000  # rows per executemany: big enough to amortise, small enough for memory


@dataclass(frozen=True)
class SeededMember:
    """A member the seed wrote, as the bench needs to address them."""

    id: int
    external_id: str
    name: str


@dataclass(frozen=True)
class Seeded:
    """What the seed wrote: the community and its members."""

    url: str
    community_id: int
    members: Sequence[SeededMember]  # each with an intro (when intros were asked for)
    newcomers: Sequence[SeededMember] = ()  # members without an intro yet


def sqlite_url(path: Path) -> str:
    """The async SQLite URL for a file."""
    return f"sqlite+aiosqlite:///{path}"


def member_external_id(index: int) -> str:
    """The platform id of the index-th seeded member."""
    return f"U{index:07d}"


def member_name(index: int) -> str:
    """The display name of the index-th seeded member (one word, so `@name` parses)."""
    return f"member{index:07d}"


def pick_tags(rng: random.Random, count: int | None = None) -> list[str]:
    """A few distinct interest tags."""
    return rng.sample(TAGS, count or rng.randint(2, 4))


async def seed(
    path: Path | str,
    *,
    members: int,
    rng: random.Random,
    intros: bool = True,
    platform: str = PLATFORM,
    community: str = COMMUNITY_ID,
    newcomers: int = 0,
) -> Seeded:
    """Create the schema through Alembic, then bulk-insert a community, members and intros.

    `path` is a new SQLite file, or the URL of an empty database (Postgres, see bench.databases).
    """
    if isinstance(path, Path) and path.exists():
        # A leftover file would mix old rows into the figures and clash with seeded ids.
        raise FileExistsError(f"{path} exists; give a new --db path (the bench needs a fresh one)")
    url = sqlite_url(path) if isinstance(path, Path) else path
    db = Database(url)
    try:
        await db.upgrade()
        async with db.engine.begin() as connection:
            community_id = await _insert_community(connection, platform, community)
            seeded = await _insert_members(connection, community_id, members + newcomers)
            introduced, fresh = seeded[:members], seeded[members:]
            if intros:
                await _insert_intros(connection, community_id, introduced, rng)
    finally:
        await db.close()
    return Seeded(url, community_id, introduced, fresh)


async def _insert_community(connection: AsyncConnection, platform: str, external_id: str) -> int:
    result = await connection.execute(
        insert(CommunityRow).values(
            platform=platform, external_id=external_id, name="Bench community", created_at=START
        )
    )
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


async def _insert_members(
    connection: AsyncConnection, community_id: int, count: int
) -> list[SeededMember]:
    rows = (
        {
            "community_id": community_id,
            "external_id": member_external_id(i),
            "name": member_name(i),
            "role": "member",
            "is_bot": False,
            "joined_at": START,
            "active_days": 0,
        }
        for i in range(count)
    )
    await _insert_batches(connection, insert(MemberRow), rows)
    found = await connection.execute(
        select(MemberRow.id, MemberRow.external_id, MemberRow.name)  # type: ignore[call-overload]
        .where(MemberRow.community_id == community_id)
        .order_by(MemberRow.external_id)
    )
    return [SeededMember(id, external_id, name) for id, external_id, name in found]


async def _insert_intros(
    connection: AsyncConnection,
    community_id: int,
    members: Sequence[SeededMember],
    rng: random.Random,
) -> None:
    intros: list[dict[str, Any]] = []
    interests: list[dict[str, Any]] = []
    for index, member in enumerate(members):
        tags = pick_tags(rng)
        # Spread creation times so "newest first" orderings have real work to do.
        when = START + timedelta(seconds=index)
        intros.append(
            {
                "community_id": community_id,
                "member_id": member.id,
                "about": f"I am {member.name} and I teach {tags[0]}.",
                "goals": f"Meet people who care about {tags[-1]}.",
                "interests": ", ".join(tags),
                "can_help": "",
                "is_current": True,
                "created_at": when,
            }
        )
        interests.extend(
            {"community_id": community_id, "tag": tag, "member_id": member.id, "since": when}
            for tag in tags
        )
    await _insert_batches(connection, insert(IntroRow), iter(intros))
    await _insert_batches(connection, insert(InterestRow), iter(interests))
    # As in a real community, everyone who introduced themselves holds the Hello badge.
    awards = (
        {"community_id": community_id, "member_id": member.id, "badge": "hello",
         "awarded_at": START, "reason": ""}
        for member in members
    )  # fmt: skip
    await _insert_batches(connection, insert(BadgeAwardRow), awards)


async def _insert_batches(
    connection: AsyncConnection, statement: Any, rows: Iterator[dict[str, Any]]
) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            await connection.execute(statement, batch)
            batch = []
    if batch:
        await connection.execute(statement, batch)
