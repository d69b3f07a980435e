"""What several cogs say the same way: dates in the community's zone, counts, lists that page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot import render
from bot.binding import as_member
from bot.commands import Member
from bot.context import Context
from bot.errors import UserError
from bot.paging import Fetch, Page, paginate
from storage.models import MemberRow

Row = TypeVar("Row")


def zone(ctx: Context) -> tzinfo:
    """The community's time zone (its `timezone` setting, an IANA name)."""
    return ZoneInfo(ctx.config.timezone)


def local_now(ctx: Context) -> datetime:
    """The current time in the community's time zone."""
    return ctx.now().astimezone(zone(ctx))


def local_date(ctx: Context, moment: datetime) -> str:
    """A moment as its date in the community's time zone: "2026-11-02"."""
    return f"{moment.astimezone(zone(ctx)):%Y-%m-%d}"


def day_month(ctx: Context, moment: datetime | date) -> str:
    """A day as members say it, in the community's zone: "2 January" (its year if not this one)."""
    day = moment.astimezone(zone(ctx)).date() if isinstance(moment, datetime) else moment
    year = f" {day.year}" if day.year != local_now(ctx).year else ""
    return f"{day.day} {day:%B}{year}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """A count with its noun: "1 version", "3 versions", "2 people"."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def in_words(items: Sequence[str]) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c"."""
    if len(items) < 3:
        return " and ".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def left_mark(left: bool) -> str:
    """ " (left)" after the name of someone who has left the community, else nothing."""
    return " (left)" if left else ""


def shown_name(member: Member) -> str:
    """A member's safe name, marked when they have left the community."""
    return render.name(member) + left_mark(member.left)


async def page_of(ctx: Context, fetch: Fetch[Row], page: int) -> tuple[Page, Sequence[Row]]:
    """One page of a list at the community's page size (past the end: the last page)."""
    return await paginate(fetch, page=page, size=ctx.config.page_size)


def fetch_list(rows: Sequence[Row]) -> Fetch[Row]:
    """A list already in memory, paged like a query."""

    async def fetch(offset: int, limit: int) -> tuple[int, Sequence[Row]]:
        return len(rows), rows[offset : offset + limit]

    return fetch


def row_id(text: str) -> int | None:
    """A row id carried in a button's argument, or None if it is not one."""
    # ASCII digits that fit a row id: "²" passes isdigit(), and a huge id overflows SQLite.
    ok = text.isascii() and text.isdigit() and len(text) < 19
    return int(text) if ok else None


async def member_of(ctx: Context, key: str, again: str) -> Member:
    """The member a paging button names by id, or say the list must be opened again."""
    found = row_id(key)
    row = await ctx.session.get(MemberRow, found) if found is not None else None
    if row is None or row.community_id != ctx.community.id:
        raise UserError(f"That list has expired: run {again} again.")
    return as_member(row)


def reply_page(ctx: Context, page: Page, lines: list[str], *, action: str, key: str = "") -> None:
    """Answer privately with one page of a list and its First, Previous and Next buttons."""
    # On a press, the new page takes the place of the pressed one, so old buttons don't linger.
    ctx.reply("\n".join(lines), buttons=page.buttons(action, key), private=True, replace=True)
