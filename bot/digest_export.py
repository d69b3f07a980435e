"""`copbot digest`: a community's digest written to a file, gathered as the bot would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlmodel import col, select

from bot.context import Context
from bot.digest import PERIODS, digest_of
from bot.pages import Page, to_html, to_markdown
from bot.places import Place
from bot.reply import Outgoing
from config.errors import ConfigError
from config.settings import Settings
from storage.models import CommunityRow

RENDERERS: dict[str, Callable[[Page], str]] = {"md": to_markdown, "html": to_html}
__all__ = ["PERIODS", "RENDERERS", "write_digest"]


class Silent:
    """A transport that sends nothing: gathering a digest says nothing to anyone."""

    async def deliver(self, place: Place, item: Outgoing) -> bool:
        """Refuse every item (a digest's listeners queue none)."""
        return False


async def write_digest(
    settings: Settings, community: str, period: str, format: str, out: Path
) -> int:
    """Gather the named community's digest as the bot and write it; 0 on success."""
    from bot.runtime import build_runtime

    runtime = await build_runtime(settings)
    try:
        async with runtime.db.session() as session:
            rows = (await session.exec(select(CommunityRow).order_by(col(CommunityRow.name)))).all()
        found = [row for row in rows if row.name == community]
        if not found:
            known = ", ".join(sorted({row.name for row in rows})) or "none yet"
            raise ConfigError(f"there is no community named {community!r}. Known: {known}.")
        if len(found) > 1:
            platforms = ", ".join(row.platform for row in found)
            raise ConfigError(f"{community!r} names a community on several platforms: {platforms}.")
        row = found[0]
        pages: list[Page] = []

        async def body(ctx: Context) -> None:
            pages.append(await digest_of(ctx, period))

        place = Place(row.platform, row.external_id, row.name, None)
        if not await runtime.dispatcher.run_as_bot(place, body, Silent()):
            raise ConfigError("the digest could not be gathered (the log has the details).")
        out.write_text(RENDERERS[format](pages[0]), encoding="utf-8")
    finally:
        await runtime.close()
    return 0
