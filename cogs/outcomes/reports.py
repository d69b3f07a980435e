"""Outcomes in the digest and in a member's impact report."""

from __future__ import annotations

from bot.context import Context
from bot.pages import Gathering, Line
from cogs.common import in_words
from storage import outcomes


async def digest(ctx: Context, gathering: Gathering) -> None:
    """ "Outcomes published": each outcome added in [since, until), with its contributors."""
    rows = await outcomes.created_between(
        ctx.session, community_id=ctx.community.id, since=gathering.since, until=gathering.until
    )
    credits = await outcomes.credits_of(ctx.session, outcome_ids=[row.id or 0 for row in rows])
    lines = []
    for row in rows:
        # A contributor who paused their public credit is left out of the names; the outcome
        # is the community's, so it is still listed.
        shown = [member for _, member in credits[row.id or 0] if member.id not in gathering.paused]
        by = f" by {in_words([member.name for member in shown])}" if shown else ""
        credited = tuple(member.id for member in shown if member.id is not None)
        line = Line(f"{row.title} ({row.type}, {row.license}){by}", row.link, members=credited)
        lines.append(line)
    gathering.add("Outcomes published", lines)


async def impact(ctx: Context, gathering: Gathering) -> None:
    """The member's outcomes, with their role, link and license."""
    if gathering.member is None:
        return
    mine = await outcomes.of_member(
        ctx.session, community_id=ctx.community.id, member_id=gathering.member.id
    )
    lines = [
        Line(f"Outcome #{row.number} {row.title} ({row.type}, {row.license}) as {role}", row.link)
        for row, role in mine
    ]
    gathering.add("Outcomes", lines)
