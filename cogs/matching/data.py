"""Matching's part of a member's data: their say in rounds, whom they avoid, and their seats."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, delete, or_, select

from bot.context import Context
from bot.memberdata import DataHook, names, plain, remove
from storage.models import (
    MatchAvoidRow,
    MatchGroupRow,
    MatchMemberRow,
    MatchRoundRow,
    MatchSeatRow,
    OutboxRow,
)
from storage.outbox import PENDING, SKIPPED

# What a partner's round DM or follow-up reads once the member it named is forgotten.
FORGOTTEN_DM = "A matching round message: it named a member who has since asked to be forgotten."


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
    """Delete their say, every avoid list entry naming them, their seats and why they sat."""
    here = ctx.community.id
    await _unexplain(ctx, member_id)
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


async def _unexplain(ctx: Context, member_id: int) -> None:
    """Their groups keep no reason about them, nor the DMs that told their partners why."""
    # A group's reasons name its members by id, with their needs, offers and interests, and
    # the partners' DMs said it all by name: both would still describe the forgotten member.
    found = await ctx.session.exec(
        select(MatchGroupRow)
        .join(MatchSeatRow, col(MatchSeatRow.group_id) == col(MatchGroupRow.id))
        .where(MatchGroupRow.community_id == ctx.community.id, MatchSeatRow.member_id == member_id)
    )
    for group in found.all():
        group.why = without(group.why, {member_id})
        ctx.session.add(group)
        await neutralise_dms(ctx, group.id)


def without(why: str, members: set[int]) -> str:
    """A group's reasons less those of every pair one of `members` is in."""
    kept = [reason for reason in json.loads(why) if not members & set(reason["pair"])]
    return json.dumps(kept, separators=(",", ":"))


async def neutralise_dms(ctx: Context, group_id: int | None) -> None:
    """The round DMs and follow-ups of a group say no more than that someone was forgotten."""
    keys = or_(
        col(OutboxRow.key).startswith(f"match:{group_id}:", autoescape=True),
        col(OutboxRow.key).startswith(f"match_follow_up:{group_id}:", autoescape=True),
    )
    rows = await ctx.session.exec(
        select(OutboxRow).where(OutboxRow.community_id == ctx.community.id, keys)
    )
    for row in rows.all():
        body = json.loads(row.body)
        body["text"] = FORGOTTEN_DM
        row.body = json.dumps(body)
        if row.status == PENDING:  # not sent yet: better unsaid than wrong
            row.status, row.outcome = SKIPPED, "a member of the group was forgotten"
        ctx.session.add(row)


HOOK = DataHook(("match_member", "match_avoid", "match_seat"), export, erase)
