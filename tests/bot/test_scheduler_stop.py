"""Stopping the scheduler while a job runs: the run is owed again, not reported as a failure."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.clock import ManualClock
from bot.scheduler import Job, Scheduler
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
