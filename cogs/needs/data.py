"""Needs' part of a member's data: their needs and offers, and intros asked of them."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.context import Context
from bot.memberdata import DataHook, detach, names, plain, remove, rows
from storage.models import NeedIntroRow, NeedRow

SHOWN = ("number", "kind", "what", "tags", "status", "created_at", "edited_at", "closed_at")


async def export(ctx: Context, member_id: int) -> dict[str, Any]:
    """Their needs and offers (a helper by name), and the intros others asked them for."""
    needs = await rows(ctx, NeedRow, NeedRow.member_id == member_id)
    helpers = await names(ctx, [need["helper_id"] for need in needs])
    asked = await ctx.session.exec(
        select(NeedIntroRow, NeedRow.what)
        .join(NeedRow, col(NeedRow.id) == col(NeedIntroRow.need_id))
        .where(NeedIntroRow.community_id == ctx.community.id, NeedIntroRow.helper_id == member_id)
    )
    return {
        "needs_and_offers": [
            {**{k: need[k] for k in SHOWN}, "helped_by": helpers.get(need["helper_id"])}
            for need in needs
        ],
        "intros_asked_of_you": [
            {"need": what, "asked_at": plain(intro.asked_at), "answer": intro.answer}
            for intro, what in asked.all()
        ],
    }


async def erase(ctx: Context, member_id: int) -> None:
    """Delete their needs and offers (their tags and intros go with them) and intros to them."""
    await remove(ctx, NeedIntroRow, NeedIntroRow.helper_id == member_id)
    await remove(ctx, NeedRow, NeedRow.member_id == member_id)
    await detach(ctx, NeedRow.helper_id, member_id)


HOOK = DataHook(("need", "need_intro"), export, erase)
