"""One paginator for every list: pages counted once, clamped, with First, Previous and Next."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.reply import Button

Row = TypeVar("Row")
# A list's query: (offset, limit) → (how many there are in all, this page's rows).
Fetch = Callable[[int, int], Awaitable[tuple[int, Sequence[Row]]]]


@dataclass(frozen=True)
class Page:
    """Where a page sits in its list: its number (from 1), size and the list's length."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one, even when empty)."""
        return max(1, (self.total + self.size - 1) // self.size)

    @property
    def offset(self) -> int:
        """How many rows come before this page."""
        return (self.number - 1) * self.size

    @property
    def label(self) -> str:
        """ "page 2 of 5"."""
        return f"page {self.number} of {self.pages}"

    def heading(self, title: str) -> str:
        """A list's bold title with where this page is: "**Members** (page 2 of 5)"."""
        return f"**{title}** ({self.label})" if self.pages > 1 else f"**{title}**"

    def buttons(self, action: str, key: str = "") -> tuple[Button, ...]:
        """First, Previous and Next as they apply; each press carries `key:page`."""

        def to(number: int, label: str) -> Button:
            return Button(label, action, f"{key}:{number}" if key else str(number))

        shown: list[Button] = []
        if self.number > 2:
            shown.append(to(1, "First"))
        if self.number > 1:
            shown.append(to(self.number - 1, "Previous"))
        if self.number < self.pages:
            shown.append(to(self.number + 1, "Next"))
        return tuple(shown)


def page_number(text: str | int | None) -> int:
    """A requested page from a button's argument; anything odd is the first page."""
    raw = str(text or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 and int(raw) > 0 else 1


async def paginate(fetch: Fetch[Row], *, page: int, size: int) -> tuple[Page, Sequence[Row]]:
    """One page of a list; a page past the end (an old button, a shrunk list) is the last one."""
    requested = Page(max(1, page), size, 0)
    total, rows = await fetch(requested.offset, size)
    found = Page(requested.number, size, total)
    if found.number > found.pages:
        found = Page(found.pages, size, total)
        total, rows = await fetch(found.offset, size)
        found = Page(min(found.number, Page(1, size, total).pages), size, total)
    return found, rows


def split_key(arg: str) -> tuple[str, int]:
    """A paging button's argument as (key, page): "alice:3" → ("alice", 3)."""
    key, _, number = arg.rpartition(":")
    return key, page_number(number)
