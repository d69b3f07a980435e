"""Intro's part of a member's data: every version of their intro, and its tags."""

from __future__ import annotations

from typing import Any

from bot.context import Context
from bot.memberdata import DataHook, remove, rows
from storage.models import InterestRow, IntroRow


async def export(ctx: Context, member_id: int) -> dict[str, Any]:
    """Their intros, newest last, and the interests the directory finds them by."""
    intros = await rows(ctx, IntroRow, IntroRow.member_id == member_id)
    tags = await rows(ctx, InterestRow, InterestRow.member_id == member_id)
    return {
        "intros": [{k: v for k, v in i.items() if k not in ("id", "member_id")} for i in intros],
        "interests": [tag["tag"] for tag in tags],
    }


async def erase(ctx: Context, member_id: int) -> None:
    """Delete their intros and interests."""
    await remove(ctx, InterestRow, InterestRow.member_id == member_id)
    await remove(ctx, IntroRow, IntroRow.member_id == member_id)


HOOK = DataHook(("intro", "interest"), export, erase)
