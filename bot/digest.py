"""The community's digest for a period: every `digest` listener's section, as one page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.context import Context
from bot.pages import Gathering, Page

PERIODS = {"week": 7, "month": 30}  # days a digest of each period looks back over
FOOTER = "Made with copbot"


async def gather_digest(ctx: Context, since: datetime, until: datetime) -> Page:
    """The digest of [since, until): each cog's section, in cog order (as a home page's are)."""
    gathering = Gathering(since, until)
    for listener in ctx.registry.listeners.get("digest", []):
        await listener(ctx, gathering)
    return Page(
        title=f"{ctx.community.name} digest",
        subtitle=period_words(since, until, ctx.config.timezone),
        sections=gathering.sections,
        footer=FOOTER,
    )


async def digest_of(ctx: Context, period: str) -> Page:
    """The digest of the last week or month, up to now."""
    until = ctx.now()
    return await gather_digest(ctx, until - timedelta(days=PERIODS[period]), until)


def period_words(since: datetime, until: datetime, timezone: str) -> str:
    """The period in the community's zone: "26 October to 2 November 2026 (Europe/Paris)"."""
    zone = ZoneInfo(timezone)
    first, last = since.astimezone(zone), until.astimezone(zone)
    year = "" if first.year == last.year else f" {first.year}"
    return f"{first.day} {first:%B}{year} to {last.day} {last:%B %Y} ({zone})"
