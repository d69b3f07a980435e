"""Stopping the scheduler while a job runs: the run is owed again, not reported as a failure."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.clock import ManualClock
from bot.scheduler import Job, Scheduler
from storage.db import Database
from tests.conftest import START


async def test_a_run_cut_short_by_shutdown_is_no_failure(caplog: pytest.LogCaptureFixture) -> None:
    started = asyncio.Event()

    async def slow() -> None:
        started.set()
        await asyncio.Event().wait()  # still working when the process stops

    scheduler = Scheduler(ManualClock(START))
    scheduler.add(Job("slow", slow, "Work that takes a while", every=0.01))
    caplog.set_level(logging.INFO)
    scheduler.start()
    try:
        await asyncio.wait_for(started.wait(), 5)
    finally:
        scheduler.shutdown()
    async with asyncio.timeout(5):  # until the cancelled run has been reported, either way
        while "stopped with the scheduler" not in caplog.text and not errors(caplog):
            await asyncio.sleep(0.01)
    assert errors(caplog) == []
    assert "job slow stopped with the scheduler; it runs again next time" in caplog.messages


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What was logged as an error (APScheduler logs a job's exception with its traceback)."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_stop_waits_until_a_run_cut_off_in_its_transaction_has_unwound(
    tmp_path: Path,
) -> None:
    # copbot run stops before the database closes: a run left unwinding during the event
    # loop's teardown had aiosqlite close its connection on a stopped thread, and hung.
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}")
    await db.upgrade()
    inside = asyncio.Event()
    runs: list[asyncio.Task[object]] = []

    async def busy() -> None:
        task = asyncio.current_task()
        assert task is not None
        runs.append(task)
        async with db.session() as session, session.begin():
            await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
            inside.set()
            await asyncio.Event().wait()  # still in its transaction when copbot stops

    scheduler = Scheduler(ManualClock(START))
    scheduler.add(Job("busy", busy, "Work inside a transaction", every=0.01))
    scheduler.start()
    try:
        await asyncio.wait_for(inside.wait(), 5)
        await scheduler.stop()
        [run] = runs
        assert run.done()  # unwound (its transaction rolled back) before stop returned
    finally:
        await db.close()
