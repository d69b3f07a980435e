"""The community's digest for a period: every `digest` listener's section, as one page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.context import Context
from bot.pages import Gathering, Page, Section
from storage import privacy

PERIODS = {"week": 7, "month": 30}  # days a digest of each period looks back over
FOOTER = "Made with copbot"


async def gather_digest(ctx: Context, since: datetime, until: datetime) -> Page:
    """The digest of [since, until): each cog's section, in cog order (as a home page's are)."""
    paused = await privacy.credit_paused(ctx.session, community_id=ctx.community.id)
    gathering = Gathering(since, until, paused=paused)
    for listener in ctx.registry.listeners.get("digest", []):
        await listener(ctx, gathering)
    return Page(
        title=f"{ctx.community.name} digest",
        subtitle=period_words(since, until, ctx.config.timezone),
        sections=without_paused(gathering.sections, paused),
        footer=FOOTER,
    )


def without_paused(sections: list[Section], paused: frozenset[int]) -> list[Section]:
    """The sections without a line naming a member who paused their credit (counts stay)."""
    # Listeners leave paused members' names out of lines that credit several people; this is
    # the backstop, so a listener that forgets can't show a paused member in the digest.
    kept = []
    for section in sections:
        lines = [line for line in section.lines if paused.isdisjoint(line.members)]
        if lines or section.summary:
            kept.append(Section(section.title, lines, section.summary))
    return kept


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
