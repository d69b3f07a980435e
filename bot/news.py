"""What's new for a member since a moment: one line or more from each cog that listens."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.commands import Member
from bot.context import Context


@dataclass
class News:
    """Handed to each `whats_new` listener, which adds what changed for `member` since `since`."""

    member: Member
    since: datetime  # aware UTC: their last activity before they went quiet
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        """One line of news, already neutralised (names through bot.render)."""
        self.lines.append(line)


async def gather(ctx: Context, member: Member, since: datetime) -> list[str]:
    """Every cog's news for a member, in cog order (as a home page's sections are)."""
    news = News(member, since)
    for listener in ctx.registry.listeners.get("whats_new", []):
        await listener(ctx, news)
    return news.lines
