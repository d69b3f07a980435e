"""Matching's part of a member's data: their say in rounds, whom they avoid, and their seats."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, delete, or_, select

from bot.context import Context
from bot.memberdata import DataHook, names, plain, remove
from storage.models import MatchAvoidRow, MatchGroupRow, MatchMemberRow, MatchRoundRow, MatchSeatRow


async def export(ctx: Context, member_id: int) -> dict[str, Any]:
    """In or out and paused until when, their own avoid list (by name), and their answers."""
    here = ctx.community.id
    say = await ctx.session.get(MatchMemberRow, member_id)
    avoided = await ctx.session.exec(
        select(MatchAvoidRow.avoided_id).where(
            MatchAvoidRow.community_id == here, MatchAvoidRow.member_id == member_id
        )
    )
    who = await names(ctx, avoided.all())
    seats = await ctx.session.exec(
        select(MatchSeatRow, MatchRoundRow.number)
        .join(MatchGroupRow, col(MatchGroupRow.id) == col(MatchSeatRow.group_id))
        .join(MatchRoundRow, col(MatchRoundRow.id) == col(MatchGroupRow.round_id))
        .where(MatchGroupRow.community_id == here, MatchSeatRow.member_id == member_id)
    )
    return {
        "matching": None
        if say is None or say.community_id != here
        else {"status": say.status, "paused_until": plain(say.paused_until)},
        "would_rather_not_meet": sorted(who.values()),
        "rounds": [
            {
                "round": number,
                "answer": seat.answer,
                "answered_at": plain(seat.answered_at),
                "came_of_it": seat.came_of_it,
            }
            for seat, number in seats.all()
        ],
    }


async def erase(ctx: Context, member_id: int) -> None:
    """Delete their say, every avoid list entry naming them, and their seats."""
    here = ctx.community.id
    await remove(ctx, MatchMemberRow, MatchMemberRow.member_id == member_id)
    await remove(
        ctx,
        MatchAvoidRow,
        or_(MatchAvoidRow.member_id == member_id, MatchAvoidRow.avoided_id == member_id),
    )
    groups = select(MatchGroupRow.id).where(MatchGroupRow.community_id == here)
    await ctx.session.exec(
        delete(MatchSeatRow).where(  # type: ignore[call-overload]
            col(MatchSeatRow.member_id) == member_id, col(MatchSeatRow.group_id).in_(groups)
        )
    )


HOOK = DataHook(("match_member", "match_avoid", "match_seat"), export, erase)
