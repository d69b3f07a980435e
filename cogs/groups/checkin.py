"""The work group check-in: the lead is asked for an update each period; silence is flagged."""

from __future__ import annotations

from datetime import timedelta

from bot import render
from bot.binding import as_member
from bot.context import Context
from bot.reply import Button
from cogs.common import local_date
from cogs.groups.records import name_of
from cogs.groups.words import UPDATE
from storage import groups
from storage.models import MemberRow


def moderators_channel(ctx: Context) -> str:
    """Where moderators are told about groups: the announcement channel, else the outcomes one."""
    return ctx.config.announce_channel or ctx.config.outcomes_channel


async def run(ctx: Context) -> int:
    """Queue this period's check-in DMs and flags; the group rows record what was done."""
    days, now, asked = ctx.config.group_checkin_days, ctx.now(), 0
    for row in await groups.checkins_due(ctx.session, community_id=ctx.community.id):
        assert row.id is not None
        started = row.started_at or row.created_at
        period = (now - started) // timedelta(days=days)
        if period < 1:
            continue
        lead = row.lead_id and await ctx.session.get(MemberRow, row.lead_id)
        if row.checkins < period and lead:
            row.checkins = period
            ctx.dm(
                as_member(lead),
                f"How is **{name_of(row)}** going? Post an update for its members and the "
                "community to see.",
                buttons=(Button("Post an update", UPDATE, str(row.id), style="primary"),),
                key=f"group_checkin:{row.id}:{period}",
                unsolicited=True,
            )
            asked += 1
        last = await groups.last_update(ctx.session, group_id=row.id) or started
        if now - last >= timedelta(days=2 * days) and row.flagged < period:
            # Never closed silently: moderators hear, and decide with the lead.
            row.flagged = period
            who = render.name(as_member(lead)) if lead else "nobody"
            ctx.post(
                moderators_channel(ctx),
                f"⚠️ Work group **{name_of(row)}** has posted no update for two check-ins "
                f"(since {local_date(ctx, last)}); its lead is {who}. Have a word, or close it "
                "with /group close.",
                key=f"group_flag:{row.id}:{period}",
            )
        ctx.session.add(row)
    return asked
