"""The digest: what happened in the community this week, posted weekly and shown on demand."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Literal

from bot.commands import command, job
from bot.context import Context
from bot.digest import PERIODS, digest_of, gather_digest
from bot.pages import to_chat
from config.community import CommunityConfig

if TYPE_CHECKING:
    from bot.jobs import JobRun

QUIET = "A quiet {}: nothing to report yet. Thank someone who helped with /kudos."


def weekly_schedule(config: CommunityConfig) -> str | None:
    """When the weekly digest is posted, in the community's time (None: it is off)."""
    return f"{config.digest_day} {config.digest_time}" if config.weekly_digest else None


class Digest:
    """A weekly digest of what the community did: newcomers, thanks, badges, needs met, polls."""

    @command("digest", private=True)
    async def digest(
        self,
        ctx: Context,
        period: Annotated[
            Literal["week", "month"], "The last 7 days (week) or 30 (month)"
        ] = "week",
    ) -> None:
        """What happened in the community over the last week or month."""
        page = await digest_of(ctx, period)
        ctx.reply(to_chat(page) if page.sections else QUIET.format(period), private=True)

    @job("digest", weekly=weekly_schedule)
    async def weekly_digest(self, run: JobRun) -> None:
        """Post the week's digest in the digest channel."""

        async def body(ctx: Context) -> None:
            until = run.due_at
            page = await gather_digest(ctx, until - timedelta(days=PERIODS["week"]), until)
            # An empty digest is not posted: a weekly "nothing happened" in #general is noise
            # members learn to skip, and it would teach them to skip the weeks that matter.
            if not page.sections:
                return
            ctx.post(
                ctx.config.digest_channel,
                to_chat(page),
                key=f"digest:{ctx.community.id}:{run.period}",  # said once per period, ever
            )

        await run.work(body)
