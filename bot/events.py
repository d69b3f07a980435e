"""What cogs can listen for, and what each kind of listener is handed."""

from __future__ import annotations

from typing import Literal

# member_joined, member_left: (ctx) after a member came or went.
# home_opened: (ctx), replying with one section of the member's own page (Slack's Home tab,
#   the console's `:home`); sections are shown in cog order.
# progress: (ctx) after any command that called ctx.progressed(member), in its transaction.
# whats_new: (ctx, news: bot.news.News), adding what changed for news.member since news.since.
# digest: (ctx, digest), adding the feature's section of the community's digest for a period.
# impact: (ctx, report), adding the feature's part of a member's own impact report.
Event = Literal[
    "member_joined",
    "member_left",
    "home_opened",
    "progress",
    "whats_new",
    "digest",
    "impact",
]
