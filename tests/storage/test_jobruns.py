"""The job-run record: begun, finished, and the newest finished run of a job."""

from __future__ import annotations

from datetime import timedelta

from storage import jobruns
from storage.db import Database
from tests.conftest import START
from tests.storage.test_outbox import community


async def test_a_run_is_done_only_once_finished_and_the_latest_is_the_newest_done(
    db: Database,
) -> None:
    place = await community(db)
    key = dict(community_id=place, job="poll")
    async with db.session() as session, session.begin():
        await jobruns.start(session, period="2026-11-02T15:00", now=START, **key)
        await jobruns.start(session, period="2026-11-02T15:00", now=START, **key)  # a retry
        assert not await jobruns.finished(session, period="2026-11-02T15:00", **key)
        assert await jobruns.latest(session, **key) is None
    async with db.session() as session, session.begin():
        later = START + timedelta(minutes=1)
        await jobruns.finish(session, period="2026-11-02T15:00", now=later, **key)
        await jobruns.finish(session, period="2026-11-09T15:00", now=later, **key)  # never begun
        await jobruns.start(session, period="2026-11-16T15:00", now=later, **key)
    async with db.session() as session:
        assert await jobruns.finished(session, period="2026-11-02T15:00", **key)
        assert not await jobruns.finished(session, period="2026-11-16T15:00", **key)
        newest = await jobruns.latest(session, **key)
        other = await jobruns.latest(session, community_id=place, job="digest")
    assert newest is not None and newest.period == "2026-11-09T15:00"
    assert other is None
