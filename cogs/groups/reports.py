"""Work groups in the digest and in a member's impact report."""

from __future__ import annotations

from bot.context import Context
from bot.pages import Gathering, Line
from storage import groups
from storage.models import OutcomeRow


async def digest(ctx: Context, gathering: Gathering) -> None:
    """ "Work groups": each group started, updated or closed in [since, until)."""
    # A group's line names no member (not its lead, not its members), so /privacy credit off
    # has nothing to leave out here: its lines credit nobody (members=()).
    since, until = gathering.since, gathering.until
    rows = await groups.changed_between(
        ctx.session, community_id=ctx.community.id, since=since, until=until
    )
    lines = []
    for row in rows:
        said = []
        if row.started_at and since <= row.started_at < until:
            said.append("started")
        if row.closed_at and since <= row.closed_at < until:
            said.append("closed")
        if not said:
            said.append("updated")  # neither started nor closed in the period: it posted
        outcome = row.outcome_id and await ctx.session.get(OutcomeRow, row.outcome_id)
        link = outcome.link if outcome else None
        lines.append(Line(f"{row.name} ({row.produces}): {', '.join(said)}", link))
    gathering.add("Work groups", lines)


async def impact(ctx: Context, gathering: Gathering) -> None:
    """The member's work groups, with their role and whether they led it."""
    if gathering.member is None:
        return
    mine = await groups.of_member(
        ctx.session, community_id=ctx.community.id, member_id=gathering.member.id
    )
    lines = []
    for row, place in mine:
        roles = [
            role for role in (place.role, "lead" if row.lead_id == place.member_id else "") if role
        ]
        shown = f" as {', '.join(roles)}" if roles else ""
        lines.append(Line(f"{row.name} ({row.status}){shown}"))
    gathering.add("Work groups", lines)
