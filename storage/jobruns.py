"""The job-run record: which community's period each job has done."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import JobRunRow


async def finished(session: AsyncSession, *, community_id: int, job: str, period: str) -> bool:
    """Whether this job already did this period's work in this community."""
    row = await session.get(JobRunRow, (community_id, job, period))
    return row is not None and row.finished_at is not None


async def start(
    session: AsyncSession, *, community_id: int, job: str, period: str, now: datetime
) -> None:
    """Note that the work began (a crash leaves it unfinished, so it runs again)."""
    if await session.get(JobRunRow, (community_id, job, period)) is None:
        session.add(JobRunRow(community_id=community_id, job=job, period=period, started_at=now))


async def finish(
    session: AsyncSession, *, community_id: int, job: str, period: str, now: datetime
) -> None:
    """Note that the period's work is done."""
    row = await session.get(JobRunRow, (community_id, job, period))
    if row is None:
        row = JobRunRow(community_id=community_id, job=job, period=period, started_at=now)
    row.finished_at = now
    session.add(row)


async def latest(session: AsyncSession, *, community_id: int, job: str) -> JobRunRow | None:
    """The newest finished run of a job in a community (for `:jobs` and moderators)."""
    query = (
        select(JobRunRow)
        .where(
            JobRunRow.community_id == community_id,
            JobRunRow.job == job,
            col(JobRunRow.finished_at).is_not(None),
        )
        .order_by(col(JobRunRow.started_at).desc())
    )
    return (await session.exec(query.limit(1))).first()
