"""The scheduler keeps time; the job-run record and each feature's table say what was done."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock, ManualClock
from bot.jobs import Due, LocalJobs

log = logging.getLogger(__name__)

JobFunc = Callable[[], Awaitable[object]]
DueFunc = Callable[[], Awaitable[datetime | None]]
TICK_SECONDS = 30.0  # how often local-time jobs are looked at: a run starts within this
STOP_SECONDS = 10.0  # how long a stop waits for cancelled runs to unwind
REPLAY = timedelta(days=62)  # the most of a moved clock's span replayed run by run


@dataclass(frozen=True)
class Job:
    """An interval job: a name, what it does, and how often."""

    name: str
    func: JobFunc
    help: str
    every: float
    due: DueFunc | None = None  # the next time it has work, so a moved clock stops there
    # Work of this process's own (writing its buffered activity) runs in every process; the
    # rest is the community's and runs only in the leader, so nothing is said twice.
    per_process: bool = False

    @property
    def when(self) -> str:
        """When the job runs, in words."""
        return f"every {self.every:g} s"


class Scheduler:
    """Interval jobs on APScheduler, and a tick that runs local-time jobs when they fall due."""

    def __init__(self, clock: Clock, local: LocalJobs | None = None) -> None:
        self.clock = clock
        self.jobs: dict[str, Job] = {}
        self.local = local
        self.leading = True  # whether this process runs the leader's jobs (see bot.leader)
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._running: set[asyncio.Task[object]] = set()  # runs under way, to wait for at stop

    def add(self, job: Job) -> None:
        """Register an interval job; it starts running when the scheduler starts."""
        self.jobs[job.name] = job
        # One run at a time, and a missed run is run once, not once per missed period.
        self._scheduler.add_job(
            self._guarded(job.name, job.func, leader_only=not job.per_process),
            IntervalTrigger(seconds=job.every),
            id=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=300,
        )

    @property
    def names(self) -> list[str]:
        """Every job's name, interval and local-time alike."""
        return [*self.jobs, *(self.local.specs if self.local else {})]

    def start(self) -> None:
        """Start keeping time (inside the running event loop); due local jobs run at once."""
        if self.local is not None:
            tick = self._guarded("local jobs", self._tick, leader_only=True)
            self._scheduler.add_job(
                tick,
                IntervalTrigger(seconds=TICK_SECONDS),
                id="local-jobs",
                max_instances=1,
                coalesce=True,
                next_run_time=datetime.now(UTC),
            )
        self._scheduler.start()

    def pause(self) -> None:
        """Stop running the leader's jobs (another process leads); a run under way finishes."""
        self.leading = False

    def resume(self) -> None:
        """Run the leader's jobs again, local-time ones looked at straight away."""
        self.leading = True
        if self._scheduler.running and self._scheduler.get_job("local-jobs") is not None:
            self._scheduler.modify_job("local-jobs", next_run_time=datetime.now(UTC))

    def shutdown(self) -> None:
        """Stop; jobs already running finish on their own."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Stop, cancelling the runs under way and waiting (a while) until they have unwound."""
        # Before the database closes: a run cut off mid-query hands its connection back while
        # the driver can still close it. Left to the loop's own teardown, aiosqlite's close of
        # that connection waited on a thread already stopped, and the process never exited.
        self.shutdown()
        running = [task for task in self._running if task is not asyncio.current_task()]
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running, timeout=timeout)

    async def run_now(self, name: str) -> object:
        """Run a job immediately, as the console's `:run` does (a local job in every community)."""
        if name in self.jobs:
            return await self.jobs[name].func()
        assert self.local is not None
        return await self.local.run_now(name)

    async def advance(self, clock: ManualClock, until: datetime) -> list[Due]:
        """Move a manual clock to `until`, running in time order what falls due on the way.

        Past the replay window the move is downtime: only the window's last weeks are replayed,
        and what fell due before them is caught up once, as after a real restart.
        """
        ran: list[Due] = []
        if until - clock.now() > REPLAY:
            clock.set(until - REPLAY)
        while True:
            now = clock.now()
            coming = await self.local.between(now, until) if self.local else []
            stops = [due.at for due in coming[:1]]
            for job in self.jobs.values():
                at = await job.due() if job.due else None
                if at is not None and now < at <= until:
                    stops.append(at)
            if not stops:
                break
            clock.set(min(stops))
            await self._interval_jobs()
            if self.local is not None:
                for due in await self.local.between(now, clock.now()):
                    if await self.local.run_if_pending(due):
                        ran.append(due)
        clock.set(until)
        await self._interval_jobs()
        return ran

    async def settle(self) -> None:
        """Run, now, the interval jobs that have work by now (the playground after each line)."""
        await self._interval_jobs()

    async def _interval_jobs(self) -> None:
        # Maintenance (writing activity) always; the rest when they have work by now.
        for job in self.jobs.values():
            at = await job.due() if job.due else None
            if job.due is None or (at is not None and at <= self.clock.now()):
                await self._guarded(job.name, job.func, leader_only=not job.per_process)()

    async def _tick(self) -> object:
        assert self.local is not None
        return await self.local.run_due(self.clock.now())

    def _guarded(self, name: str, func: JobFunc, *, leader_only: bool) -> JobFunc:
        async def run() -> object:
            if leader_only and not self.leading:
                return None  # the leader runs it; job-run records cover a handover
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            try:
                return await func()
            except asyncio.CancelledError:
                # shutdown() cancels a run in progress (a quick console session ends during the
                # start-up tick): its transaction is rolled back and the run is owed, not failed.
                log.info("job %s stopped with the scheduler; it runs again next time", name)
                return None
            except Exception:
                log.exception("job %s failed; it will run again next time", name)
                return None
            finally:
                self._running.discard(task)  # type: ignore[arg-type]

        return run
