"""Members' data hooks: each feature exports and erases what it holds about one member."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, delete, update
from sqlmodel import SQLModel, col, select

from storage import activity
from storage.models import ActiveDayRow, MemberRow, OutboxRow, SettingRow

if TYPE_CHECKING:
    from bot.context import Context

Export = Callable[["Context", int], Awaitable[dict[str, Any]]]
Erase = Callable[["Context", int], Awaitable[None]]

FORMER = "a former member"  # what a forgotten member's remaining credit reads

# Tables that hold a member id but that no hook exports, each with why.
EXEMPT: dict[str, str] = {
    # Delivery plumbing: copies of messages copbot sent, not a record a feature keeps about
    # the member. The core hook still deletes the rows addressed to a forgotten member.
    "outbox": "delivery plumbing (queued and sent messages), erased but not exported",
}


@dataclass(frozen=True)
class DataHook:
    """A feature's part of a member's data: the tables it answers for, and how to export/erase."""

    tables: tuple[str, ...]
    export: Export
    erase: Erase


def member_tables(metadata: MetaData | None = None) -> set[str]:
    """Every table with a column that refers to a member."""
    tables = (metadata or SQLModel.metadata).tables.values()
    return {
        table.name
        for table in tables
        for column in table.columns
        if any(key.column.table.name == "member" for key in column.foreign_keys)
    }


def unclaimed(hooks: Iterable[DataHook], metadata: MetaData | None = None) -> set[str]:
    """Tables holding member ids that no hook claims and that are not exempt."""
    claimed = {table for hook in hooks for table in hook.tables}
    return member_tables(metadata) - claimed - EXEMPT.keys()


def plain(value: Any) -> Any:
    """A value as JSON can hold it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def as_dict(row: SQLModel, *, drop: Iterable[str] = ("community_id",)) -> dict[str, Any]:
    """A row's columns as a JSON-ready dict, minus the ones that say nothing to the member."""
    skip = set(drop)
    return {key: plain(value) for key, value in row.model_dump().items() if key not in skip}


async def rows(ctx: Context, model: type[SQLModel], *where: Any) -> list[dict[str, Any]]:
    """Rows of this community matching `where`, as dicts."""
    found = await ctx.session.exec(
        select(model).where(model.community_id == ctx.community.id, *where)  # type: ignore[attr-defined]
    )
    return [as_dict(row) for row in found.all()]


async def remove(ctx: Context, model: type[SQLModel], *where: Any) -> None:
    """Delete rows of this community matching `where`."""
    await ctx.session.exec(
        delete(model).where(model.community_id == ctx.community.id, *where)  # type: ignore[attr-defined,call-overload]
    )


async def detach(ctx: Context, column: Any, member_id: int) -> None:
    """Null a "who did it" column that names the member, keeping the row it is on."""
    model = column.class_
    await ctx.session.exec(
        update(model)  # type: ignore[call-overload]
        .where(model.community_id == ctx.community.id, column == member_id)
        .values({column.key: None})
    )


async def names(ctx: Context, ids: Iterable[int | None]) -> dict[int, str]:
    """Members' names by id: other members appear in an export only by name."""
    wanted = {member for member in ids if member is not None}
    if not wanted:
        return {}
    found = await ctx.session.exec(
        select(MemberRow.id, MemberRow.name).where(col(MemberRow.id).in_(wanted))
    )
    return {member: name for member, name in found.all() if member is not None}


async def _export_core(ctx: Context, member_id: int) -> dict[str, Any]:
    row = await ctx.session.get(MemberRow, member_id)
    assert row is not None
    member = as_dict(row, drop=("community_id", "id"))
    days = await ctx.session.exec(
        select(ActiveDayRow.day).where(
            ActiveDayRow.community_id == ctx.community.id, ActiveDayRow.member_id == member_id
        )
    )
    changed = await rows(ctx, SettingRow, SettingRow.updated_by == member_id)
    return {
        "member": member,
        "active_days": [plain(day) for day in days.all()],
        "settings_changed": [{"key": s["key"], "at": s["updated_at"]} for s in changed],
    }


async def _erase_core(ctx: Context, member_id: int) -> None:
    await remove(ctx, ActiveDayRow, ActiveDayRow.member_id == member_id)
    await remove(ctx, OutboxRow, OutboxRow.member_id == member_id)
    await detach(ctx, SettingRow.updated_by, member_id)
    row = await ctx.session.get(MemberRow, member_id)
    assert row is not None
    await activity.fence(
        ctx.session, community_id=ctx.community.id, external_id=row.external_id, now=ctx.now()
    )
    # The row stays as an anonymous tombstone rather than being deleted: credit on outcomes
    # (what the community made) keeps a seat that reads "a former member". Their name and
    # platform id go, so nothing here identifies them; if they come back they start afresh.
    row.name, row.external_id = FORMER, f"forgotten:{member_id}"
    row.role, row.left_at = "member", row.left_at or ctx.now()
    row.joined_at = row.last_active_at = row.last_active_on = row.away_until = None
    row.active_days, row.usual_gap, row.dms_off = 0, 0.0, False
    ctx.session.add(row)


# The core's own part: the member row, their active days, and settings they changed.
CORE = DataHook(("member", "active_day", "community_setting"), _export_core, _erase_core)


def with_core(hooks: dict[str, DataHook]) -> dict[str, DataHook]:
    """The cogs' hooks by cog name, then the core's (erased last: it anonymises the row)."""
    return {**hooks, "Core": CORE}


async def export(ctx: Context, hooks: dict[str, DataHook], member_id: int) -> dict[str, Any]:
    """Everything the hooks hold about the member, section by section."""
    return {name: await hook.export(ctx, member_id) for name, hook in hooks.items()}


async def erase(ctx: Context, hooks: dict[str, DataHook], member_id: int) -> None:
    """Erase the member's data in the caller's transaction, the core last."""
    # Locked first (on Postgres): an activity flush under way in another process finishes
    # before anything is erased, so nothing it writes outlives the erasure. The row is read
    # afresh under the lock: anonymising a copy loaded before would leave what the flush
    # wrote wherever the copy already held the blank value.
    await ctx.session.exec(
        select(MemberRow)
        .where(MemberRow.id == member_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    for hook in hooks.values():
        await hook.erase(ctx, member_id)
