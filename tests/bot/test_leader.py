"""One process leads the scheduled jobs: the lock file on SQLite; the others pause theirs."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.leader import AlwaysLeader, FileLeader, lead, leader_for, lock_path
from bot.runtime import build_runtime
from bot.scheduler import Job, Scheduler
from bot.serve import alone_or_refuse
from config.errors import ConfigError
from config.settings import Settings


async def test_a_second_leader_on_the_same_file_cannot_lead_until_the_first_lets_go(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"
    first, second = leader_for(url), leader_for(url)
    assert isinstance(first, FileLeader) and first.path == lock_path(str(tmp_path / "copbot.db"))
    assert await first.acquire() and await first.acquire()  # asking again changes nothing
    assert not await second.acquire()
    await first.release()
    assert await second.acquire()
    await second.release()


async def test_an_in_memory_database_always_leads() -> None:
    assert isinstance(leader_for("sqlite+aiosqlite:///:memory:"), AlwaysLeader)


async def test_a_second_copbot_run_on_sqlite_refuses_to_start_saying_why(
    tmp_path: Path, clock: ManualClock
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}"
    running = leader_for(url)
    assert await running.acquire()
    runtime = await build_runtime(Settings(database_url=url), clock=clock)
    try:
        with pytest.raises(ConfigError, match="already running on this database"):
            await alone_or_refuse(runtime, leader_for(url))
        await running.release()
        alone = leader_for(url)
        await alone_or_refuse(runtime, alone)  # the first one stopped: this one starts
        await alone.release()
    finally:
        await runtime.close()


def scheduler_with_jobs(ran: list[str]) -> Scheduler:
    """A scheduler with one per-process job and one leader's job, noting their runs."""
    scheduler = Scheduler(ManualClock())

    def noting(name: str):  # type: ignore[no-untyped-def]
        async def run() -> None:
            ran.append(name)

        return run

    scheduler.add(Job("flush_activity", noting("flush"), "", 60.0, per_process=True))
    scheduler.add(Job("poll_counts", noting("counts"), "", 60.0))
    return scheduler


async def test_a_paused_scheduler_runs_only_its_per_process_jobs() -> None:
    ran: list[str] = []
    scheduler = scheduler_with_jobs(ran)
    scheduler.pause()
    await scheduler.settle()
    assert ran == ["flush"]
    scheduler.resume()
    await scheduler.settle()
    assert ran == ["flush", "flush", "counts"]


async def test_when_the_leader_lets_go_another_takes_over(tmp_path: Path) -> None:
    path = tmp_path / "copbot.db.lock"
    held = FileLeader(path)
    assert await held.acquire()
    ran: list[str] = []
    scheduler = scheduler_with_jobs(ran)
    scheduler.pause()
    tended: list[bool] = []

    async def tend() -> None:
        tended.append(scheduler.leading)

    leading = lead(FileLeader(path), scheduler, check=0.01, retry=(0.01, 0.02), tend=tend)
    task = asyncio.create_task(leading)
    try:
        await asyncio.sleep(0.1)
        assert not scheduler.leading  # the lock is someone else's
        assert tended == []  # upkeep is the leader's alone
        await held.release()
        async with asyncio.timeout(5):
            while not scheduler.leading or len(tended) < 2:
                await asyncio.sleep(0.01)
        assert all(tended)  # at taking the lead, then at each check
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert not scheduler.leading  # stopping let leadership go
    assert await held.acquire()  # and the lock with it
    await held.release()
