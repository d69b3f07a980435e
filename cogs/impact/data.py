"""Impact's part of a member's data: the reports issued to them."""

from __future__ import annotations

from typing import Any

from bot.context import Context
from bot.memberdata import DataHook, remove, rows
from storage.models import IssuedReportRow


async def export(ctx: Context, member_id: int) -> dict[str, Any]:
    """Each report's code, period, date and summary."""
    found = await rows(ctx, IssuedReportRow, IssuedReportRow.member_id == member_id)
    keep = ("code", "since", "until", "issued_at", "summary")
    return {"impact_reports": [{k: r[k] for k in keep} for r in found]}


async def erase(ctx: Context, member_id: int) -> None:
    """Delete their issued reports (a code then no longer checks out: it named them)."""
    await remove(ctx, IssuedReportRow, IssuedReportRow.member_id == member_id)


HOOK = DataHook(("issued_report",), export, erase)
