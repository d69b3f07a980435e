"""Preferences' part of a member's data: their privacy choices (away and DMs are on the member)."""

from __future__ import annotations

from typing import Any

from bot.context import Context
from bot.memberdata import DataHook, remove, rows
from storage.models import MemberPrivacyRow


async def export(ctx: Context, member_id: int) -> dict[str, Any]:
    """Whether they asked to be left out of the digest."""
    found = await rows(ctx, MemberPrivacyRow, MemberPrivacyRow.member_id == member_id)
    return {
        "privacy": [{"credit_off": r["credit_off"], "changed_at": r["changed_at"]} for r in found]
    }


async def erase(ctx: Context, member_id: int) -> None:
    """Delete their privacy row."""
    await remove(ctx, MemberPrivacyRow, MemberPrivacyRow.member_id == member_id)


HOOK = DataHook(("member_privacy",), export, erase)
