"""One member's impact report: gathered from every `impact` listener, signed, recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, timedelta

from bot import pages
from bot.commands import Member
from bot.context import Context
from bot.pages import Gathering, Page
from bot.reply import Attachment
from cogs.common import local_date
from cogs.impact import signing
from cogs.impact.periods import Period
from storage import impact
from storage.models import IssuedReportRow

SUMMARY_LIMIT = 500  # characters of "what it covered" kept with the issued report


@dataclass(frozen=True)
class Issued:
    """A report ready to send: its page, code and files."""

    page: Page
    code: str
    files: tuple[Attachment, Attachment]


async def gather(ctx: Context, member: Member, period: Period) -> Gathering:
    """Every cog's part of a member's report, in cog order."""
    gathering = Gathering(period.since.astimezone(UTC), period.until.astimezone(UTC), member)
    for listener in ctx.registry.listeners.get("impact", []):
        await listener(ctx, gathering)
    return gathering


async def issue(ctx: Context, member: Member, period: Period) -> Issued:
    """Gather, sign and record a member's report for a period."""
    gathering = await gather(ctx, member, period)
    last_day = local_date(ctx, gathering.until - timedelta(seconds=1))  # until is exclusive
    subtitle = (
        f"{period.words}: {local_date(ctx, gathering.since)} to {last_day} in {ctx.community.name}"
    )
    page = Page(f"Impact report for {member.name}", subtitle, gathering.sections)
    content = pages.to_markdown(page)
    row = IssuedReportRow(
        community_id=ctx.community.id,
        member_id=member.id,
        code="",
        since=gathering.since,
        until=gathering.until,
        # Whole seconds: the stored moment must read back exactly as it was signed.
        issued_at=ctx.now().astimezone(UTC).replace(microsecond=0),
        digest=signing.digest(content),
        summary=covered(page, period)[:SUMMARY_LIMIT],
    )
    key = await impact.key_for(
        ctx.session, community_id=ctx.community.id, purpose=impact.REPORT_HMAC, now=ctx.now()
    )
    row.code = signing.code_for(key, row)
    await impact.issue(ctx.session, row=row)
    shown = signing.shown(row.code)
    page.footer = (
        f"Verification code: {shown}. Anyone in {ctx.community.name} can check it with "
        f"/impact verify {shown}."
    )
    stem = f"impact-{file_name(member.name)}-{local_date(ctx, ctx.now())}"
    files = (
        Attachment(
            pages.to_markdown(page).encode(),
            f"{stem}.md",
            "Your impact report (Markdown)",
            "text/markdown",
        ),
        Attachment(
            pages.to_html(page).encode(),
            f"{stem}.html",
            "Your impact report (web page)",
            "text/html",
        ),
    )
    return Issued(page, row.code, files)


def covered(page: Page, period: Period) -> str:
    """What a report summarised, in a sentence: each section's summary (or its size)."""
    parts = [
        f"{section.title}: {section.summary or f'{len(section.lines)} items'}"
        for section in page.sections
    ]
    return f"{period.words}; " + ("; ".join(parts) if parts else "nothing recorded yet")


def file_name(name: str) -> str:
    """A member's name as a safe part of a file name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "member"
