"""Welcome back's part of a member's data: the silences it noticed and what it did about them."""

from __future__ import annotations

from typing import Any

from bot.context import Context
from bot.memberdata import DataHook, remove, rows
from storage.models import LapseRow


async def export(ctx: Context, member_id: int) -> dict[str, Any]:
    """Their lapses: since when, noticed, nudged, returned, welcomed."""
    found = await rows(ctx, LapseRow, LapseRow.member_id == member_id)
    return {"lapses": [{k: v for k, v in r.items() if k not in ("id", "member_id")} for r in found]}


async def erase(ctx: Context, member_id: int) -> None:
    """Delete their lapses."""
    await remove(ctx, LapseRow, LapseRow.member_id == member_id)


HOOK = DataHook(("lapse",), export, erase)
