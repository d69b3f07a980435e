"""What the needs feature adds to others' pages: Home, what's new, the digest, impact reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import render
from bot.commands import listener
from bot.context import Context
from bot.pages import Gathering, Line
from cogs.common import in_words, local_date, plural
from cogs.needs import words
from storage import needs

if TYPE_CHECKING:
    from bot.news import News


class NeedsListeners:
    """The needs cog's listeners, kept apart so the commands read on their own."""

    @listener("home_opened")
    async def home(self, ctx: Context) -> None:
        """The member's open needs and offers, and the needs met, on their home page."""
        ctx.reply(await words.home(ctx))

    @listener("digest")
    async def digest(self, ctx: Context, gathering: Gathering) -> None:
        """The needs met in the digest's period, and who helped."""
        await words.digest(ctx, gathering)

    @listener("whats_new")
    async def whats_new(self, ctx: Context, news: News) -> None:
        """New offers that fit the member's open needs."""
        count, names = await needs.new_offers_for(
            ctx.session, community_id=ctx.community.id, member_id=news.member.id, since=news.since
        )
        if count:
            shown = in_words([f"**{render.safe(name)}**" for name in names])
            news.add(f"🤝 {plural(count, 'new offer')} fit your needs, from {shown}: see /offers")

    @listener("impact")
    async def impact(self, ctx: Context, report: Gathering) -> None:
        """Others' needs the member helped meet in the period."""
        assert report.member is not None
        _, helped = await needs.helped_by(
            ctx.session,
            community_id=ctx.community.id,
            member_id=report.member.id,
            limit=None,
            since=report.since,
            until=report.until,
        )
        lines = [
            Line(f"#{row.number} “{row.what}” for {asker}, met {local_date(ctx, row.closed_at)}")
            for row, asker in helped
            if row.closed_at is not None
        ]
        if lines:
            report.add("Needs helped meet", lines, f"{plural(len(lines), 'need')} met with help.")
