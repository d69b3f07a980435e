"""A moved clock runs what falls due on the way, in time order, replaying at most 62 days."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import ManualClock
from bot.commands import job
from bot.jobs import JobRun, LocalJobs
from bot.registry import Registry
from bot.runtime import Runtime
from bot.scheduler import REPLAY, Job, Scheduler
from tests.bot.fake_platform import FakePlatform
from tests.conftest import PLACE, START


class Diary:
    """A daily job that notes the time it ran at."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.log: list[tuple[str, datetime]] = []

    @job("tidy", daily="10:00")
    async def tidy(self, run: JobRun) -> int:
        """Tidy up."""
        self.log.append(("tidy", self.clock.now()))
        return 1


async def scheduler_for(runtime: Runtime, clock: ManualClock, diary: Diary) -> Scheduler:
    """A scheduler over the diary's job, in a community first seen at START."""
    runtime.dispatcher.transports[PLACE.platform] = lambda place: FakePlatform()
    await runtime.dispatcher.community(PLACE)
    jobs = LocalJobs(runtime.dispatcher, list(Registry([diary]).jobs.values()))
    return Scheduler(clock, jobs)


async def test_three_days_on_run_the_daily_job_each_day_at_its_time(
    runtime: Runtime, clock: ManualClock
) -> None:
    diary = Diary(clock)
    scheduler = await scheduler_for(runtime, clock, diary)
    ten = START.replace(hour=10)

    ran = await scheduler.advance(clock, START + timedelta(days=3))

    assert [due.at for due in ran] == [ten + timedelta(days=n) for n in range(3)]
    assert diary.log == [("tidy", at) for at in (due.at for due in ran)]  # run at that time
    assert clock.now() == START + timedelta(days=3)
    assert await scheduler.advance(clock, START + timedelta(days=3, minutes=59)) == []


async def test_interval_jobs_with_work_due_run_in_time_order_among_the_rest(
    runtime: Runtime, clock: ManualClock
) -> None:
    diary = Diary(clock)
    scheduler = await scheduler_for(runtime, clock, diary)
    closes = START + timedelta(days=1, hours=2)  # Tuesday 11:00, between two tidies
    pending = [closes]

    async def close() -> int:
        diary.log.append(("close", clock.now()))
        pending.clear()
        return 1

    async def due() -> datetime | None:
        return pending[0] if pending else None

    scheduler.add(Job("close", close, "Close polls", every=60, due=due))
    await scheduler.advance(clock, START + timedelta(days=2, hours=3))

    assert [(name, at - START) for name, at in diary.log] == [
        ("tidy", timedelta(hours=1)),
        ("tidy", timedelta(days=1, hours=1)),
        ("close", timedelta(days=1, hours=2)),
        ("tidy", timedelta(days=2, hours=1)),
    ]


async def test_a_ten_year_jump_replays_only_the_last_62_days(
    runtime: Runtime, clock: ManualClock
) -> None:
    diary = Diary(clock)
    scheduler = await scheduler_for(runtime, clock, diary)
    until = START + timedelta(days=3650)

    ran = await scheduler.advance(clock, until)

    assert timedelta(days=62) == REPLAY
    assert len(ran) == 62 and len(diary.log) == 62
    assert ran[0].at == (until - REPLAY).replace(hour=10)
    assert ran[-1].at == until.replace(hour=10) - timedelta(days=1)  # today's is at 10:00
    assert clock.now() == until
