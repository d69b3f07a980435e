"""Whether a verification code is genuine: one answer for /impact verify and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from cogs.impact import signing
from storage import impact
from storage.models import IssuedReportRow

NOT_GENUINE = (
    "This code isn't genuine: no report issued here carries it. Check it was typed as printed "
    "(16 letters and digits, dashes optional)."
)


@dataclass(frozen=True)
class Verdict:
    """A genuine report: for whom, issued when, covering what."""

    member: str
    issued_at: datetime
    since: datetime
    until: datetime
    summary: str


async def check(session: AsyncSession, *, community_id: int, typed: str) -> Verdict | None:
    """The report a code names in one community if its signature holds; None otherwise."""
    code = signing.read(typed)
    if len(code) != signing.CODE_LENGTH:
        return None
    found = await impact.issued(session, community_id=community_id, code=code)
    key = await impact.existing_key(session, community_id=community_id, purpose=impact.REPORT_HMAC)
    if found is None or key is None:
        return None
    row, name = found
    # The row must still sign to its code: a row edited in the database is caught here.
    if not signing.genuine(key, row, code):
        return None
    return Verdict(name, row.issued_at, row.since, row.until, row.summary)


async def communities_with(session: AsyncSession, *, typed: str) -> list[int]:
    """The communities that issued a report with this code (for the CLI, which has no place)."""
    found = await session.exec(
        select(IssuedReportRow.community_id).where(IssuedReportRow.code == signing.read(typed))
    )
    return list(found.all())
