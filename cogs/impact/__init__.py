"""Impact reports: what a member brought to the community, for a period, with a code to check."""

from __future__ import annotations

from typing import Annotated

from bot import pages, render
from bot.commands import command, listener
from bot.context import Context
from bot.errors import UserError
from bot.pages import Gathering, Line
from cogs.common import local_date, plural, zone
from cogs.impact import data as impact_data
from cogs.impact import periods, report, signing, verify
from storage import impact as impact_reads


class Impact:
    """Your impact report: kudos, badges, needs met and more, signed so others can check it."""

    data = impact_data.HOOK  # what it holds about a member, for /my-data and /forget-me

    @command("impact", private=True, root_name="report", cooldown=(3, 60.0))
    async def impact(
        self,
        ctx: Context,
        period: Annotated[
            str | None, "12m, 6m, 30d, 2026 or 2026-01..2026-06 (12m if empty)"
        ] = None,
    ) -> None:
        """DM yourself your impact report for a period (the last 12 months if empty)."""
        if ctx.author.is_bot:
            raise UserError("Bots don't have impact reports.")
        wanted = periods.parse(period, now=ctx.now(), zone=zone(ctx))
        issued = await report.issue(ctx, ctx.author, wanted)
        ctx.dm(ctx.author, pages.to_chat(issued.page), unsolicited=False, files=issued.files)
        ctx.reply(
            f"Your impact report for {wanted.words} is in your DMs, as Markdown and a web page. "
            f"Its code: {signing.shown(issued.code)}."
        )

    @command("impact verify", private=True)
    async def impact_verify(
        self, ctx: Context, code: Annotated[str, "The code printed in the report"]
    ) -> None:
        """Check that an impact report's verification code is genuine."""
        verdict = await verify.check(ctx.session, community_id=ctx.community.id, typed=code)
        if verdict is None:
            ctx.reply(verify.NOT_GENUINE)
            return
        ctx.reply(
            f"✅ Genuine: an impact report for **{render.safe(verdict.member)}**, issued "
            f"{local_date(ctx, verdict.issued_at)}, covering {local_date(ctx, verdict.since)} "
            f"to {local_date(ctx, verdict.until)}. It summarised: {render.safe(verdict.summary)}"
        )

    @listener("impact")
    async def active_months(self, ctx: Context, gathering: Gathering) -> None:
        """The months in the period the member was active in, from the activity records."""
        assert gathering.member is not None
        local = zone(ctx)
        days = await impact_reads.active_days(
            ctx.session,
            community_id=ctx.community.id,
            member_id=gathering.member.id,
            since=gathering.since.astimezone(local).date(),
            until=gathering.until.astimezone(local).date(),
        )
        months: dict[str, int] = {}
        for day in days:
            months[f"{day:%Y-%m}"] = months.get(f"{day:%Y-%m}", 0) + 1
        lines = [Line(f"{month}: {plural(count, 'active day')}") for month, count in months.items()]
        if lines:
            gathering.add("Active months", lines, f"Active in {plural(len(lines), 'month')}.")
