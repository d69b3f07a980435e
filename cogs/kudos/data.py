"""Kudos' part of a member's data: thanks they gave and received, and their running tallies."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlmodel import col, delete, or_, select, update

from bot.context import Context
from bot.memberdata import DataHook, names, plain, remove
from cogs.common import zone
from storage.kudos import PERIODS, period_start
from storage.models import KudosGroupRow, KudosRow, KudosTallyRow


async def export(ctx: Context, member_id: int) -> dict[str, Any]:
    """Thanks given (to whom, by name) and received (from whom, by name), and their tallies."""
    here = ctx.community.id
    found = await ctx.session.exec(
        select(KudosRow, KudosGroupRow.reason)
        .join(KudosGroupRow, col(KudosGroupRow.id) == col(KudosRow.group_id))
        .where(
            KudosRow.community_id == here,
            or_(KudosRow.giver_id == member_id, KudosRow.receiver_id == member_id),
        )
        .order_by(col(KudosRow.created_at))
    )
    pairs = found.all()
    # Another member appears only by name, as the thanks themselves name them.
    who = await names(ctx, [row.giver_id for row, _ in pairs] + [r.receiver_id for r, _ in pairs])

    def thanks(row: KudosRow, reason: str, other: int) -> dict[str, Any]:
        return {
            "member": who.get(other),
            "reason": reason,
            "spotlight": row.spotlight,
            "at": plain(row.created_at),
        }

    tallies = await ctx.session.exec(
        select(KudosTallyRow).where(
            KudosTallyRow.community_id == here, KudosTallyRow.member_id == member_id
        )
    )
    return {
        "kudos_given": [
            thanks(r, why, r.receiver_id) for r, why in pairs if r.giver_id == member_id
        ],
        "kudos_received": [
            thanks(r, why, r.giver_id) for r, why in pairs if r.receiver_id == member_id
        ],
        "kudos_tallies": [
            {"period": t.period, "start": plain(t.start), "received": t.received, "given": t.given}
            for t in tallies.all()
        ],
    }


async def erase(ctx: Context, member_id: int) -> None:
    """Delete every kudos they gave or received, and take it off the other side's tallies."""
    here = ctx.community.id
    mine = or_(KudosRow.giver_id == member_id, KudosRow.receiver_id == member_id)
    found = await ctx.session.exec(select(KudosRow).where(KudosRow.community_id == here, mine))
    kudos = found.all()
    # Tallies were counted on the community's local day of each kudos, so they are undone on it.
    local = zone(ctx)
    minus: Counter[tuple[str, Any, int, str]] = Counter()
    for row in kudos:
        day = row.created_at.astimezone(local).date()
        for period in PERIODS:
            start = period_start(period, day)
            if row.giver_id != member_id:
                minus[(period, start, row.giver_id, "given")] += 1
            if row.receiver_id != member_id:
                minus[(period, start, row.receiver_id, "received")] += 1
    table = KudosTallyRow.__table__  # type: ignore[attr-defined]
    for (period, start, other, side), count in minus.items():
        await ctx.session.exec(
            update(KudosTallyRow)  # type: ignore[call-overload]
            .where(
                col(KudosTallyRow.community_id) == here,
                col(KudosTallyRow.period) == period,
                col(KudosTallyRow.start) == start,
                col(KudosTallyRow.member_id) == other,
            )
            .values({side: table.c[side] - count})
        )
    await remove(ctx, KudosTallyRow, KudosTallyRow.member_id == member_id)
    emptied = {row.group_id for row in kudos if row.giver_id != member_id}
    await remove(ctx, KudosRow, mine)
    # Someone's +1 on their thanks is that member's own thanks: it stays, on its own.
    theirs = select(KudosGroupRow.id).where(
        KudosGroupRow.community_id == here, KudosGroupRow.giver_id == member_id
    )
    await ctx.session.exec(
        update(KudosGroupRow)  # type: ignore[call-overload]
        .where(col(KudosGroupRow.plus_one_of).in_(theirs))
        .values(plus_one_of=None)
    )
    await remove(ctx, KudosGroupRow, KudosGroupRow.giver_id == member_id)
    if emptied:
        # Thanks that were for them alone have nobody left to thank.
        left = select(KudosRow.group_id).where(col(KudosRow.group_id).in_(emptied))
        await ctx.session.exec(
            delete(KudosGroupRow).where(  # type: ignore[call-overload]
                col(KudosGroupRow.id).in_(emptied), col(KudosGroupRow.id).not_in(left)
            )
        )


HOOK = DataHook(("kudos_group", "kudos", "kudos_tally"), export, erase)
