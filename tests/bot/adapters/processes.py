"""Several real `copbot run` processes on one Postgres database: seeding, starting, the leader."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.leader import LOCK_KEY
from config.community import build_config, parse_override
from storage import communities
from storage.activity import Activity, Local, apply, quarter
from storage.db import Database
from storage.lapses import LapseRule
from storage.matching.members import take_part
from storage.models import JobRunRow, LapseRow, MemberRow, OutboxRow
from storage.models.matching import IN
from tests.bot.adapters.outbox_job import child_env, spawn, until

ZONE = "Pacific/Auckland"  # far from UTC, so a slot in UTC terms would be the wrong day
JOBS = ("weekly_poll", "match_round", "lapse_scan")  # what the leader catches up at start
LEADS = "this process leads: it runs the scheduled jobs"  # bot/leader.py's log line
LAPSED_DAYS = 22  # silent this long after a daily rhythm: just past lapse_min_days (21)


@dataclass(frozen=True)
class Person:
    """A member as the platform knows them."""

    external_id: str
    name: str


def slots(now: datetime, zone: str = ZONE) -> dict[str, str]:
    """Settings that made the poll, the round and the lapse scan fall due minutes ago, locally."""
    local = now.astimezone(ZoneInfo(zone))
    poll, match, lapse = (local - timedelta(minutes=m) for m in (4, 3, 2))
    return {
        "timezone": zone,
        "poll_day": f"{poll:%a}".lower(),
        "poll_time": f"{poll:%H:%M}",
        "match_day": f"{match:%a}".lower(),
        "match_time": f"{match:%H:%M}",
        "match_every_weeks": "1",
        "lapse_time": f"{lapse:%H:%M}",
        "weekly_digest": "no",  # its slot is the digest's business, not these tests'
    }


async def seed(
    url: str,
    *,
    platform: str,
    external_id: str,
    name: str,
    matched: Sequence[Person],
    lapsed: Sequence[Person],
    settings: dict[str, str] | None = None,
) -> int:
    """A community seen 10 minutes ago, its jobs due, members in rounds and lapsed; its id."""
    now = datetime.now(ZoneInfo("UTC"))
    values = {**slots(now), **(settings or {})}
    database = Database(url)
    try:
        async with database.session() as session, session.begin():
            # Created before the slots: nothing is owed from before copbot knew a community.
            row = await communities.get_or_create(
                session,
                platform=platform,
                external_id=external_id,
                name=name,
                now=now - timedelta(minutes=10),
            )
            community_id = row.id or 0
            stored = dict(parse_override(build_config({}), key, raw) for key, raw in values.items())
            for key, encoded in stored.items():
                await communities.set_override(
                    session,
                    community_id=community_id,
                    key=key,
                    value=encoded,
                    member_id=None,
                    now=now,
                )
            config = build_config(stored)
            recent = [now - timedelta(days=d) for d in (2, 1, 0)]
            old = [now - timedelta(days=LAPSED_DAYS + d) for d in (2, 1, 0)]
            entries = [_activity(community_id, p, recent) for p in matched]
            entries += [_activity(community_id, p, old) for p in lapsed]
            rule = LapseRule(config.lapse_min_days, config.lapse_factor)
            rhythms = {community_id: Local(ZoneInfo(config.timezone), rule)}
            await apply(session, entries=entries, default_role="member", local=rhythms)
            for person in matched:
                member = await _member(session, community_id, person)
                await take_part(
                    session,
                    community_id=community_id,
                    member_id=member.id or 0,
                    status=IN,
                    paused_until=None,
                    now=now,
                )
    finally:
        await database.close()
    return community_id


def _activity(community_id: int, person: Person, moments: list[datetime]) -> Activity:
    quarters = {quarter(moment) for moment in moments}
    return Activity(community_id, person.external_id, person.name, max(moments), quarters)


async def _member(session: AsyncSession, community_id: int, person: Person) -> MemberRow:
    query = select(MemberRow).where(
        MemberRow.community_id == community_id, MemberRow.external_id == person.external_id
    )
    return (await session.exec(query)).one()


@dataclass
class Copbot:
    """One `copbot run` child: its process, its folder and its log."""

    name: str
    process: Process
    folder: Path

    @property
    def log(self) -> str:
        """What it logged so far."""
        path = self.folder / "bot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @property
    def leads(self) -> bool:
        """Whether it said it took the lead (bot/leader.py logs it once the jobs are resumed)."""
        return LEADS in self.log

    @property
    def alive(self) -> bool:
        """Still running."""
        return self.process.returncode is None

    def kill(self) -> None:
        """kill -9: no clean-up, its connections dropped by the OS."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)


@dataclass
class Fleet:
    """The copbot processes of a test, all on one database."""

    url: str
    folder: Path
    db: Database
    bots: list[Copbot] = field(default_factory=list)

    async def start(self, name: str, **env: str) -> Copbot:
        """Start `python -m bot run` with these settings, logging to its own folder."""
        folder = self.folder / name
        folder.mkdir(parents=True, exist_ok=True)
        process = await spawn("bot", "run", env=child_env(self.url, **env), cwd=folder)
        bot = Copbot(name, process, folder)
        self.bots.append(bot)
        return bot

    async def leader(self, timeout: float = 20.0) -> Copbot:
        """The live process that holds the lock and has said it leads, once one does."""
        found: list[Copbot] = []

        async def one() -> bool:
            # Each of a process's sessions carries "host:pid" (storage.db.process_name).
            pids = {int(name.rpartition(":")[2]) for name in await lock_holders(self.db)}
            found[:] = [b for b in self.bots if b.alive and b.process.pid in pids and b.leads]
            return bool(found)

        await until(one, timeout)
        return found[0]

    async def stop(self) -> None:
        """SIGTERM each, then SIGKILL whatever has not stopped within 10 s."""
        for bot in self.bots:
            if bot.alive:
                with contextlib.suppress(ProcessLookupError):
                    bot.process.send_signal(signal.SIGTERM)
        for bot in self.bots:
            try:
                await asyncio.wait_for(bot.process.wait(), 10)
            except TimeoutError:
                bot.kill()
                await bot.process.wait()


@contextlib.asynccontextmanager
async def fleet(url: str, folder: Path) -> AsyncIterator[Fleet]:
    """Processes started in the block are stopped after it, whatever happened in it."""
    running = Fleet(url, folder, Database(url))
    try:
        yield running
    finally:
        await running.stop()
        await running.db.close()


class Watch:
    """Reads, on the shared database, what the processes did."""

    def __init__(self, url: str) -> None:
        self.db = Database(url)

    async def close(self) -> None:
        """Let the connections go."""
        await self.db.close()

    async def finished(self, community_id: int, jobs: Sequence[str] = JOBS) -> bool:
        """Whether each of these jobs recorded a finished run in the community."""
        async with self.db.session() as session:
            query = select(JobRunRow.job).where(
                JobRunRow.community_id == community_id, col(JobRunRow.finished_at).is_not(None)
            )
            done = set((await session.exec(query)).all())
        return set(jobs) <= done

    async def pending(self) -> int:
        """Outbox rows still to send."""
        async with self.db.session() as session:
            query = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "pending")
            return int((await session.exec(query)).one())

    async def statuses(self) -> dict[str, int]:
        """How many outbox rows are in each status."""
        async with self.db.session() as session:
            query = select(OutboxRow.status, func.count()).group_by(col(OutboxRow.status))
            return {status: int(n) for status, n in (await session.exec(query)).all()}

    async def welcomed(self, community_id: int, external_id: str) -> bool:
        """Whether the member's return from their lapse was dealt with (welcomed, or not)."""
        async with self.db.session() as session:
            query = (
                select(LapseRow.welcomed_at)
                .join(MemberRow, col(MemberRow.id) == col(LapseRow.member_id))
                .where(LapseRow.community_id == community_id, MemberRow.external_id == external_id)
            )
            return any(at is not None for at in (await session.exec(query)).all())

    async def lock_holders(self) -> int:
        """How many sessions hold copbot's advisory lock."""
        return len(await lock_holders(self.db))

    async def done(self, community_id: int, timeout: float = 30.0) -> float:
        """Wait until every job finished and nothing is left to send; the seconds it took."""
        began = time.monotonic()

        async def settled() -> bool:
            return await self.finished(community_id) and await self.pending() == 0

        await until(settled, timeout)
        return time.monotonic() - began


async def lock_holders(db: Database) -> list[str]:
    """The application names of the sessions holding copbot's advisory lock."""
    query = text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :low AND l.classid = :high"
    )
    async with db.engine.connect() as connection:
        found = await connection.execute(
            query, {"low": LOCK_KEY & 0xFFFFFFFF, "high": LOCK_KEY >> 32}
        )
        return [str(name) for (name,) in found]
