"""Badges' part of a member's data: the badges they hold and the record of them."""

from __future__ import annotations

from typing import Any

from bot.context import Context
from bot.memberdata import DataHook, detach, names, remove, rows
from storage.models import BadgeAwardRow, BadgeEventRow


async def export(ctx: Context, member_id: int) -> dict[str, Any]:
    """Their badges (who granted them, by name) and their badge record."""
    awards = await rows(ctx, BadgeAwardRow, BadgeAwardRow.member_id == member_id)
    events = await rows(ctx, BadgeEventRow, BadgeEventRow.member_id == member_id)
    who = await names(ctx, [a["granted_by"] for a in awards] + [e["by_id"] for e in events])
    return {
        "badges": [
            {
                "badge": a["badge"],
                "awarded_at": a["awarded_at"],
                "granted_by": who.get(a["granted_by"]),
                "reason": a["reason"],
            }
            for a in awards
        ],
        "badge_record": [
            {
                "badge": e["badge"],
                "action": e["action"],
                "by": who.get(e["by_id"]),
                "reason": e["reason"],
                "at": e["at"],
            }
            for e in events
        ],
    }


async def erase(ctx: Context, member_id: int) -> None:
    """Delete their badges and record; grants they made to others stay, without their name."""
    await remove(ctx, BadgeEventRow, BadgeEventRow.member_id == member_id)
    await remove(ctx, BadgeAwardRow, BadgeAwardRow.member_id == member_id)
    await detach(ctx, BadgeAwardRow.granted_by, member_id)
    await detach(ctx, BadgeEventRow.by_id, member_id)


HOOK = DataHook(("badge_award", "badge_event"), export, erase)
