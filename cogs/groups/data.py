"""Groups' part of a member's data: the work groups they joined or led, and their updates."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.context import Context
from bot.memberdata import DataHook, detach, plain, remove
from storage.models import WorkGroupMemberRow, WorkGroupRow, WorkGroupUpdateRow


async def export(ctx: Context, member_id: int) -> dict[str, Any]:
    """Their places in groups, the groups they lead, and the updates they posted."""
    here = ctx.community.id
    seats = await ctx.session.exec(
        select(WorkGroupMemberRow, WorkGroupRow.name)
        .join(WorkGroupRow, col(WorkGroupRow.id) == col(WorkGroupMemberRow.group_id))
        .where(WorkGroupMemberRow.community_id == here, WorkGroupMemberRow.member_id == member_id)
    )
    led = await ctx.session.exec(
        select(WorkGroupRow.name).where(
            WorkGroupRow.community_id == here, WorkGroupRow.lead_id == member_id
        )
    )
    updates = await ctx.session.exec(
        select(WorkGroupUpdateRow, WorkGroupRow.name)
        .join(WorkGroupRow, col(WorkGroupRow.id) == col(WorkGroupUpdateRow.group_id))
        .where(WorkGroupUpdateRow.community_id == here, WorkGroupUpdateRow.member_id == member_id)
    )
    return {
        "work_groups": [
            {
                "group": name,
                "role": seat.role,
                "joined_at": plain(seat.joined_at),
                "left_at": plain(seat.left_at),
            }
            for seat, name in seats.all()
        ],
        "work_groups_led": list(led.all()),
        "work_group_updates": [
            {"group": name, "text": update.text, "at": plain(update.created_at)}
            for update, name in updates.all()
        ],
    }


async def erase(ctx: Context, member_id: int) -> None:
    """Delete their places in groups and their updates; a group they led has no lead."""
    await remove(ctx, WorkGroupUpdateRow, WorkGroupUpdateRow.member_id == member_id)
    await remove(ctx, WorkGroupMemberRow, WorkGroupMemberRow.member_id == member_id)
    await detach(ctx, WorkGroupRow.lead_id, member_id)


HOOK = DataHook(("work_group", "work_group_member", "work_group_update"), export, erase)
