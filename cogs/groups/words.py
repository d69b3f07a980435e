"""How work groups read: the call for volunteers, one group in full, list lines, home."""

from __future__ import annotations

from collections.abc import Sequence

from bot import render
from bot.binding import as_member
from bot.context import Context
from bot.reply import Button
from cogs.common import local_date, plural
from cogs.groups.records import name_of, roles_of
from storage import groups
from storage.models import (
    MemberRow,
    OutcomeRow,
    WorkGroupMemberRow,
    WorkGroupRow,
    WorkGroupUpdateRow,
)

JOIN, APPROVE, UPDATE = "group_join", "group_approve", "group_update"
Members = Sequence[tuple[WorkGroupMemberRow, MemberRow]]


def lead_of(row: WorkGroupRow, members: Members) -> MemberRow | None:
    """The group's lead among its members."""
    return next((member for _, member in members if member.id == row.lead_id), None)


def call(row: WorkGroupRow, members: Members) -> tuple[str, tuple[Button, ...]]:
    """The call for volunteers, with a Join button while places are left."""
    lead = lead_of(row, members)
    left = max(0, row.capacity - len(members))
    roles = f" Roles: {render.safe(', '.join(roles_of(row)))}." if row.roles else ""
    head = f"📣 **Call for volunteers: {name_of(row)}**"
    if row.status == groups.CLOSED:
        head = f"✅ **Work group {name_of(row)}** (closed)"
    lines = [
        head,
        render.safe(row.purpose),
        f"Produces: {render.safe(row.produces)} · ends {row.ends_on.isoformat()} · "
        f"lead: {render.mention(as_member(lead)) if lead else 'none'}.{roles}",
    ]
    if row.status == groups.CLOSED:
        return "\n".join(lines), ()
    lines.append(f"Places left: {left} of {row.capacity}" + ("" if left else " (full)"))
    buttons = (Button("Join", JOIN, str(row.id), style="primary"),) if left else ()
    return "\n".join(lines), buttons


def shown(
    ctx: Context,
    row: WorkGroupRow,
    members: Members,
    updates: Sequence[tuple[WorkGroupUpdateRow, MemberRow | None]],
    outcome: OutcomeRow | None,
) -> str:
    """One group in full: purpose, lead, members and roles, updates, outcome."""
    lead = lead_of(row, members)
    state = {groups.ACTIVE: "active", groups.PENDING: "waiting for approval"}.get(
        row.status, f"closed on {local_date(ctx, row.closed_at or row.created_at)}"
    )
    listed = ", ".join(
        render.safe(member.name) + (f" ({render.safe(place.role)})" if place.role else "")
        for place, member in members
    )
    lines = [
        f"**Work group: {name_of(row)}** ({state})",
        render.safe(row.purpose),
        f"Produces: {render.safe(row.produces)} · ends {row.ends_on.isoformat()} · "
        f"{len(members)} of {row.capacity} places taken",
        f"Lead: {render.safe(lead.name) if lead else 'none'}",
        f"Members: {listed or 'none'}",
    ]
    if updates:
        lines.append("Updates:")
        for update, by in updates:
            who = render.safe(by.name) if by else "someone who left"
            lines.append(
                f"- {local_date(ctx, update.created_at)} {who}: "
                f"{render.safe(render.clip(update.text, 200))}"
            )
    else:
        lines.append("Updates: none yet")
    if outcome is not None:
        lines.append(
            f"Outcome: #{outcome.number} {render.safe(outcome.title)} ({render.safe(outcome.link)})"
        )
    return "\n".join(lines)


def line(row: WorkGroupRow, taken: int) -> str:
    """One group in a list."""
    pending = " · waiting for approval" if row.status == groups.PENDING else ""
    return (
        f"- **{name_of(row)}**: produces {render.safe(row.produces)} · {taken} of "
        f"{row.capacity} places · ends {row.ends_on.isoformat()}{pending}"
    )


async def home(ctx: Context) -> str:
    """The member's work groups, for their home page."""
    mine = await groups.of_member(
        ctx.session, community_id=ctx.community.id, member_id=ctx.author.id
    )
    lines = ["**Your work groups**"]
    if not mine:
        lines.append("Find one to join with /group list, or start one with /group propose.")
        return "\n".join(lines)
    shown_groups = []
    for row, place in mine[:5]:
        role = f", {render.safe(place.role)}" if place.role else ""
        lead = ", lead" if row.lead_id == ctx.author.id else ""
        state = "closed" if row.status == groups.CLOSED else "active"
        shown_groups.append(f"{name_of(row)} ({state}{lead}{role})")
    lines.append(f"In {plural(len(mine), 'group')}: {'; '.join(shown_groups)}")
    return "\n".join(lines)
