"""Outcomes' part of a member's data: their credits, and the outcomes they added or removed."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, or_, select

from bot.context import Context
from bot.memberdata import DataHook, detach, plain
from storage.models import OutcomeCreditRow, OutcomeRow


async def export(ctx: Context, member_id: int) -> dict[str, Any]:
    """Each credit (outcome, role, dates) and the outcomes they added or removed."""
    credits = await ctx.session.exec(
        select(OutcomeCreditRow, OutcomeRow.number, OutcomeRow.title)
        .join(OutcomeRow, col(OutcomeRow.id) == col(OutcomeCreditRow.outcome_id))
        .where(
            OutcomeCreditRow.community_id == ctx.community.id,
            OutcomeCreditRow.member_id == member_id,
        )
    )
    touched = await ctx.session.exec(
        select(OutcomeRow).where(
            OutcomeRow.community_id == ctx.community.id,
            or_(OutcomeRow.added_by == member_id, OutcomeRow.removed_by == member_id),
        )
    )
    return {
        "outcome_credits": [
            {
                "outcome": number,
                "title": title,
                "role": credit.role,
                "added_at": plain(credit.added_at),
                "removed_at": plain(credit.removed_at),
            }
            for credit, number, title in credits.all()
        ],
        "outcomes_added_or_removed": [
            {
                "outcome": row.number,
                "title": row.title,
                "added": row.added_by == member_id,
                "removed": row.removed_by == member_id,
            }
            for row in touched.all()
        ],
    }


async def erase(ctx: Context, member_id: int) -> None:
    """Forget who added or removed outcomes; credits stay on the anonymised member row."""
    # A credit is part of the community's record of what it made, so it is kept: the core
    # hook turns the member row it points at into "a former member".
    await detach(ctx, OutcomeRow.added_by, member_id)
    await detach(ctx, OutcomeRow.removed_by, member_id)


HOOK = DataHook(("outcome", "outcome_credit"), export, erase)
