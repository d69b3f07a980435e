"""The scheduler keeps time; each job's own table says what it already did."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)

JobFunc = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Job:
    """A named job and when it runs."""

    name: str
    func: JobFunc
    help: str
    every: float | None = None
    cron: str | None = None

    @property
    def when(self) -> str:
        """When the job runs, in words."""
        return f"every {self.every:g} s" if self.every else f"cron {self.cron}"


class Scheduler:
    """A thin wrapper over APScheduler: named jobs, run on time or on demand."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    def add(self, job: Job) -> None:
        """Register a job; it starts running when the scheduler starts."""
        if (job.every is None) == (job.cron is None):
            raise ValueError(f"job {job.name}: give exactly one of every= or cron=")
        self.jobs[job.name] = job
        trigger = (
            IntervalTrigger(seconds=job.every)
            if job.every
            else CronTrigger.from_crontab(job.cron or "", timezone=UTC)
        )
        # One run at a time, and a missed run is run once, not once per missed period.
        self._scheduler.add_job(
            self._guarded(job),
            trigger,
            id=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=300,
        )

    def start(self) -> None:
        """Start keeping time (inside the running event loop)."""
        self._scheduler.start()

    def shutdown(self) -> None:
        """Stop; jobs already running finish on their own."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def run_now(self, name: str) -> object:
        """Run a job immediately, as the console's `:run` does."""
        return await self.jobs[name].func()

    def _guarded(self, job: Job) -> JobFunc:
        async def run() -> object:
            try:
                return await job.func()
            except Exception:
                log.exception("job %s failed; it will run again next time", job.name)
                return None

        return run
