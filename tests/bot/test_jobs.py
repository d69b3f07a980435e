"""Local-time jobs: once per period, again after a failure, caught up once, in the right zone."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.clock import ManualClock
from bot.commands import Level, job
from bot.context import Context
from bot.jobs import JobRun, LocalJobs
from bot.registry import Registry
from bot.runtime import Runtime
from storage.models import JobRunRow
from tests.bot.conftest import run
from tests.bot.fake_platform import FakePlatform
from tests.conftest import PLACE, START

MONDAY_15 = START.replace(hour=15)  # START is Monday 2 November 2026, 09:00 UTC


class Chores:
    """A weekly job that notes each run, and can be told to fail."""

    def __init__(self) -> None:
        self.runs: list[tuple[str, datetime]] = []
        self.crash = 0  # runs that raise
        self.roll_back = 0  # runs whose work fails inside its transaction

    @job("weekly_note", weekly="mon 15:00")
    async def weekly_note(self, run: JobRun) -> int:
        """Post the weekly note."""
        self.runs.append((run.period, run.dispatcher.clock.now()))
        await asyncio.sleep(0)  # let a second caller try its luck meanwhile
        if self.crash:
            self.crash -= 1
            raise RuntimeError("the job broke")

        async def body(ctx: Context) -> None:
            ctx.post("news", f"Week of {run.period}")
            if self.roll_back:
                self.roll_back -= 1
                raise RuntimeError("the transaction broke")

        return int(await run.work(body))


@pytest.fixture
def chores() -> Chores:
    """The cog whose jobs the tests run."""
    return Chores()


def local_jobs(runtime: Runtime, cog: Chores) -> LocalJobs:
    """A fresh process's view of the cog's jobs (nothing remembered but the database)."""
    return LocalJobs(runtime.dispatcher, list(Registry([cog]).jobs.values()))


async def start(runtime: Runtime, clock: ManualClock, at: datetime) -> None:
    """The community is first seen at `at`."""
    clock.set(at)
    await runtime.dispatcher.community(PLACE)


async def records(runtime: Runtime) -> list[tuple[str, bool]]:
    """Each job-run record's period and whether it finished."""
    async with runtime.db.session() as session:
        rows = (await session.exec(select(JobRunRow).order_by(JobRunRow.period))).all()
    return [(row.period, row.finished_at is not None) for row in rows]


async def test_a_period_runs_once_even_across_a_restart(
    runtime: Runtime, clock: ManualClock, chores: Chores, platform: FakePlatform
) -> None:
    await start(runtime, clock, START)
    clock.set(MONDAY_15 + timedelta(seconds=20))
    jobs = local_jobs(runtime, chores)

    assert await jobs.run_due(clock.now()) == 1
    assert await jobs.run_due(clock.now()) == 0
    assert await local_jobs(runtime, chores).run_due(clock.now()) == 0  # a restart
    assert chores.runs == [("2026-11-02T15:00", clock.now())]
    assert await records(runtime) == [("2026-11-02T15:00", True)]
    assert platform.texts() == ["Week of 2026-11-02T15:00"]


async def test_two_callers_at_once_run_it_once(
    runtime: Runtime, clock: ManualClock, chores: Chores, platform: FakePlatform
) -> None:
    await start(runtime, clock, START)
    clock.set(MONDAY_15)
    jobs = local_jobs(runtime, chores)
    [due] = await jobs.between(START, MONDAY_15)

    ran = await asyncio.gather(jobs.run_if_pending(due), jobs.run_if_pending(due))

    assert sorted(ran) == [False, True] and len(chores.runs) == 1


@pytest.mark.parametrize("failure", ["crash", "roll_back"])
async def test_a_failed_run_stays_unfinished_and_runs_again(
    runtime: Runtime, clock: ManualClock, chores: Chores, platform: FakePlatform, failure: str
) -> None:
    setattr(chores, failure, 1)
    await start(runtime, clock, START)
    clock.set(MONDAY_15)
    jobs = local_jobs(runtime, chores)

    assert await jobs.run_due(clock.now()) == 0
    assert await records(runtime) == [("2026-11-02T15:00", False)]  # begun, not done
    assert platform.texts() == []
    clock.advance(timedelta(seconds=30))  # the next tick
    assert await jobs.run_due(clock.now()) == 1
    assert await records(runtime) == [("2026-11-02T15:00", True)]
    assert platform.texts() == ["Week of 2026-11-02T15:00"]


async def test_three_weeks_of_downtime_are_caught_up_with_one_run(
    runtime: Runtime, clock: ManualClock, chores: Chores, platform: FakePlatform
) -> None:
    await start(runtime, clock, START)
    back = MONDAY_15 + timedelta(weeks=3, days=2)  # the Wednesday after the third Monday
    jobs = local_jobs(runtime, chores)

    assert await jobs.run_due(back) == 1
    assert await jobs.run_due(back + timedelta(minutes=1)) == 0
    assert [period for period, _ in chores.runs] == ["2026-11-23T15:00"]  # the latest only


async def test_nothing_is_owed_from_before_the_community_was_known(
    runtime: Runtime, clock: ManualClock, chores: Chores, platform: FakePlatform
) -> None:
    await start(runtime, clock, MONDAY_15 + timedelta(hours=1))  # an hour after this week's
    jobs = local_jobs(runtime, chores)

    assert await jobs.run_due(clock.now()) == 0
    # A moved clock's replay is asked for, so it does include what came before.
    assert [due.at for due in await jobs.between(START, clock.now())] == [MONDAY_15]
    assert await jobs.run_due(MONDAY_15 + timedelta(weeks=1)) == 1


async def test_a_new_timezone_moves_the_run(
    runtime: Runtime, clock: ManualClock, chores: Chores, platform: FakePlatform
) -> None:
    await start(runtime, clock, START)
    jobs = local_jobs(runtime, chores)
    [before] = await jobs.upcoming(clock.now())
    assert before.at == MONDAY_15

    outcome = await run(
        runtime, platform, "mod", "/config set timezone Asia/Tokyo", level=Level.MODERATOR
    )
    assert outcome.ok, platform.texts()
    [after] = await jobs.upcoming(clock.now())

    tokyo_monday_15 = MONDAY_15.replace(hour=6) + timedelta(weeks=1)  # 15:00 JST is 06:00 UTC
    assert (after.at, after.period) == (tokyo_monday_15, "2026-11-09T15:00")
    assert await jobs.run_due(MONDAY_15) == 0  # 15:00 UTC no longer counts
    assert await jobs.run_due(tokyo_monday_15) == 1


async def test_run_now_runs_outside_the_schedule_and_leaves_the_period_to_do(
    runtime: Runtime, clock: ManualClock, chores: Chores, platform: FakePlatform
) -> None:
    await start(runtime, clock, START)
    jobs = local_jobs(runtime, chores)

    assert await jobs.run_now("weekly_note") == 1
    clock.set(MONDAY_15)
    assert await jobs.run_due(clock.now()) == 1
    assert await records(runtime) == [("2026-11-02T15:00", True), ("now 2026-11-02T09:00", True)]
