"""What scheduled jobs run on: each community's work, at its local time, once per period."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import timetable
from bot.dispatch import Body, Dispatcher, Place
from bot.registry import JobSpec
from config.community import CommunityConfig
from storage import jobruns
from storage.models import CommunityRow

log = logging.getLogger(__name__)
BY_HAND = "now "  # the period of a run asked for outside the schedule begins so


class Jobs:
    """Handed to interval jobs; each community's work is one transaction of its own."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher

    def session(self) -> AsyncSession:
        """A session for a job's own reads (when is work next due?)."""
        return self._dispatcher.db.session()

    def now(self) -> datetime:
        """The current time from the injected clock."""
        return self._dispatcher.clock.now()

    async def each_community(self, body: Body) -> int:
        """Run `body` as the bot in each community whose front-end is running; how many ran."""
        done = 0
        for row in await served_communities(self._dispatcher):
            place = Place(row.platform, row.external_id, row.name, None)
            reach = self._dispatcher.transports[row.platform]
            if await self._dispatcher.run_as_bot(place, body, reach(place)):
                done += 1
        return done


@dataclass
class JobRun:
    """One job's work in one community for one period, handed to a local-time job."""

    job: str
    community: CommunityRow
    config: CommunityConfig
    period: str
    due_at: datetime
    dispatcher: Dispatcher
    failed: bool = False  # a chunk of the work rolled back: the period is not done

    @property
    def by_hand(self) -> bool:
        """Whether someone asked for this run outside its schedule (the console's `:run`)."""
        return self.period.startswith(BY_HAND)

    @property
    def place(self) -> Place:
        """The community, as the dispatcher and transports know it."""
        row = self.community
        return Place(row.platform, row.external_id, row.name, None)

    async def work(self, body: Body) -> bool:
        """Run one short transaction as the bot (a chunk of the work); True if it committed."""
        place = self.place
        transport = self.dispatcher.transports[place.platform](place)
        committed = await self.dispatcher.run_as_bot(place, body, transport)
        # The job may carry on with other chunks, but this period must run again.
        self.failed |= not committed
        return committed


@dataclass(frozen=True)
class Due:
    """A local-time job's run that has come (or will come) due in one community."""

    at: datetime
    spec: JobSpec
    community: CommunityRow
    config: CommunityConfig
    period: str


class LocalJobs:
    """Runs each daily, weekly or cron job in every community at that community's time."""

    def __init__(
        self, dispatcher: Dispatcher, specs: Mapping[str, JobSpec] | Iterable[JobSpec]
    ) -> None:
        self.dispatcher = dispatcher
        # The registry's own mapping is read live, so a cog added later has its jobs run too.
        self._source = specs if isinstance(specs, Mapping) else list(specs)
        self._done: dict[tuple[int, str], str] = {}  # the last period known finished
        self._lock = asyncio.Lock()

    @property
    def specs(self) -> dict[str, JobSpec]:
        """The local-time jobs, by name."""
        source = self._source.values() if isinstance(self._source, Mapping) else self._source
        return {spec.name: spec for spec in source if spec.kind}

    async def run_due(self, now: datetime) -> int:
        """Run every job whose latest due time has passed and whose period isn't done: once."""
        ran = 0
        for due in await self._latest(now):
            ran += await self.run_if_pending(due)
        return ran

    async def run_if_pending(self, due: Due) -> bool:
        """Run it unless its period is done; one at a time, so two callers never both run it."""
        async with self._lock:
            return await self.pending(due) and (await self.run(due))[0]

    async def between(self, after: datetime, until: datetime) -> list[Due]:
        """Every run that falls due in (after, until], in time order (the console's clock)."""
        found = []
        for row, config, zone in await self._communities():
            for spec in self.specs.values():
                when = _when(spec, config)
                if when is None:
                    continue
                # A moved clock replays what it passes, even before the community was first
                # seen (the playground set back to a date): the replay is asked for.
                for at in timetable.occurrences(when, zone, after, until):
                    found.append(Due(at, spec, row, config, timetable.period(at, zone)))
        return sorted(found, key=lambda due: (due.at, due.spec.name, due.community.id or 0))

    async def upcoming(self, now: datetime) -> list[Due]:
        """The next run of each job in each community."""
        found = []
        for row, config, zone in await self._communities():
            for spec in self.specs.values():
                when = _when(spec, config)
                at = timetable.following(when, zone, now) if when else None
                if at is not None:
                    found.append(Due(at, spec, row, config, timetable.period(at, zone)))
        return sorted(found, key=lambda due: (due.at, due.spec.name))

    async def run_now(self, name: str) -> int:
        """Run one job in every community at once, outside its schedule (the console's `:run`).

        The sum of what the runs returned (what they did, when they count it), else how many ran.
        """
        now = self.dispatcher.clock.now()
        total = 0
        for row, config, zone in await self._communities():
            period = BY_HAND + timetable.period(now, zone)
            ok, result = await self.run(Due(now, self.specs[name], row, config, period))
            total += result if isinstance(result, int) else int(ok)
        return total

    async def run(self, due: Due) -> tuple[bool, object]:
        """Do one period's work: noted as begun, then as done; a failure leaves it to run again."""
        key = dict(community_id=due.community.id or 0, job=due.spec.name, period=due.period)
        db, now = self.dispatcher.db, self.dispatcher.clock.now()
        async with db.session() as session, session.begin():
            await jobruns.start(session, now=now, **key)
        run = JobRun(due.spec.name, due.community, due.config, due.period, due.at, self.dispatcher)
        try:
            result = await due.spec.callback(run)
        except Exception:
            log.exception("%s failed in %s; it runs again", due.spec.name, due.community.name)
            return False, None
        if run.failed:  # run_as_bot logged why
            log.warning("%s did not finish in %s; it runs again", due.spec.name, due.community.name)
            return False, result
        async with db.session() as session, session.begin():
            await jobruns.finish(session, now=self.dispatcher.clock.now(), **key)
        self._done[(key["community_id"], due.spec.name)] = due.period
        return True, result

    async def _latest(self, now: datetime) -> list[Due]:
        found = []
        for row, config, zone in await self._communities():
            for spec in self.specs.values():
                when = _when(spec, config)
                at = timetable.latest(when, zone, now) if when else None
                # Nothing is owed from before copbot knew the community.
                if at is not None and at >= row.created_at:
                    found.append(Due(at, spec, row, config, timetable.period(at, zone)))
        return sorted(found, key=lambda due: due.at)

    async def pending(self, due: Due) -> bool:
        """Whether this run's period is still to do in its community."""
        community_id = due.community.id or 0
        if self._done.get((community_id, due.spec.name)) == due.period:
            return False
        async with self.dispatcher.db.session() as session:
            done = await jobruns.finished(
                session, community_id=community_id, job=due.spec.name, period=due.period
            )
        if done:
            self._done[(community_id, due.spec.name)] = due.period
        return not done

    async def _communities(self) -> list[tuple[CommunityRow, CommunityConfig, ZoneInfo]]:
        found = []
        for row in await served_communities(self.dispatcher):
            async with self.dispatcher.db.session() as session:
                config = await self.dispatcher.configs.get(session, row.id or 0)
            found.append((row, config, ZoneInfo(config.timezone)))
        return found


def _when(spec: JobSpec, config: CommunityConfig) -> timetable.When | None:
    try:
        return spec.when(config)
    except timetable.WhenError:
        # Settings are checked when set; a value that no longer reads turns the job off there.
        log.warning("%s has a schedule that can't be read; skipped", spec.name)
        return None


async def served_communities(dispatcher: Dispatcher) -> list[CommunityRow]:
    """The communities whose front-end runs in this process."""
    async with dispatcher.db.session() as session:
        rows = (await session.exec(select(CommunityRow).order_by(CommunityRow.id))).all()
    return [row for row in rows if row.platform in dispatcher.transports]
