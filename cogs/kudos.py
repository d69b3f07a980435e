"""Kudos: members thank each other, within a daily allowance; moderators' thanks are spotlights."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from bot import render
from bot.binding import as_member
from bot.commands import Length, Member, action, command, listener
from bot.context import Context
from bot.errors import UserError
from bot.reply import Button
from storage import kudos
from storage.models import MemberRow

MAX_RECIPIENTS = 5
PERIOD_WORDS = {"week": "this week", "month": "this month", "year": "this year", "all": "ever"}


class Kudos:
    """Thank the people who helped you; see who gives and receives the most thanks."""

    @command("kudos", cooldown=(10, 60.0), root_name="give")
    async def kudos(
        self,
        ctx: Context,
        member: Annotated[list[Member], "Who to thank (up to 5)", Length(1, MAX_RECIPIENTS)],
        *,
        reason: Annotated[str, "What for", Length(5, 300)],
    ) -> None:
        """Thank up to 5 members for something they did."""
        recipients = _check_recipients(ctx, member)
        spotlight = ctx.is_moderator  # a moderator's thanks: marked ⭐, outside any allowance
        left = await _check_allowance(ctx, recipients, spotlight)
        group = await kudos.give(
            ctx.session,
            community_id=ctx.community.id,
            giver_id=ctx.author.id,
            receiver_ids=[m.id for m in recipients],
            reason=reason,
            spotlight=spotlight,
            now=ctx.now(),
            local_day=_local_now(ctx).date(),
        )
        assert group.id is not None
        ctx.post(
            ctx.config.kudos_channel or None,
            _post(ctx.author, recipients, reason, spotlight=spotlight),
            buttons=(Button("+1", "kudos_plus", str(group.id)),),
        )
        if spotlight:
            ctx.reply(
                "Spotlight sent ⭐ (spotlights don't use your daily allowance).", private=True
            )
        else:
            people = "person" if left == 1 else "people"
            ctx.reply(f"Thanks sent! You can thank {left} more {people} today.", private=True)
        ctx.progressed(ctx.author, *recipients)

    @action("kudos_plus")
    async def plus_one(self, ctx: Context, arg: str) -> None:
        """Add your own thanks to the same people for the same reason."""
        group = await kudos.group_of(
            ctx.session, community_id=ctx.community.id, group_id=int(arg or 0)
        )
        if group is None:
            raise UserError("I can't find those thanks any more.")
        if group.giver_id == ctx.author.id:
            raise UserError("Those are your own thanks: +1 is for others to join in.")
        assert group.id is not None
        if await kudos.joined_already(ctx.session, group_id=group.id, giver_id=ctx.author.id):
            raise UserError("You've already added your +1 to these thanks.")
        rows = await kudos.recipients(ctx.session, group_id=group.id)
        recipients = [as_member(row) for row in rows if row.id != ctx.author.id]
        if not recipients:
            raise UserError("Those thanks are for you, so you can't +1 them. Enjoy them!")
        left = await _check_allowance(ctx, recipients, spotlight=False)
        await kudos.give(
            ctx.session,
            community_id=ctx.community.id,
            giver_id=ctx.author.id,
            receiver_ids=[m.id for m in recipients],
            reason=group.reason,
            spotlight=False,
            now=ctx.now(),
            local_day=_local_now(ctx).date(),
            plus_one_of=group.id,
        )
        names = ", ".join(f"**{render.name(m)}**" for m in recipients)
        ctx.reply(f"Your +1 is added: you thanked {names} too. {left} left today.", private=True)
        ctx.progressed(ctx.author, *recipients)

    @command("kudos top", private=True)
    async def top(
        self,
        ctx: Context,
        period: Annotated[Literal["week", "month", "year", "all"], "Which period"] = "month",
        by: Annotated[
            Literal["received", "given"], "Rank by thanks received or given"
        ] = "received",
    ) -> None:
        """Leaderboards of who received or gave the most thanks."""
        await self._top(ctx, period, by, page=1)

    @action("kudos_top")
    async def top_page(self, ctx: Context, arg: str) -> None:
        """Another page of a leaderboard."""
        period, by, page = [*arg.split(":"), "", "", ""][:3]
        if period not in kudos.PERIODS or by not in ("received", "given"):
            raise UserError("That leaderboard has expired: run /kudos top again.")
        await self._top(ctx, period, by, page=int(page) if page.isdigit() else 1)  # type: ignore[arg-type]

    async def _top(
        self,
        ctx: Context,
        period: kudos.Period,
        by: Literal["received", "given"],
        *,
        page: int,
    ) -> None:
        start = kudos.period_start(period, _local_now(ctx).date())
        received, given = await kudos.tally(
            ctx.session,
            community_id=ctx.community.id,
            member_id=ctx.author.id,
            period=period,
            start=start,
        )
        own = f"You received {received} and gave {given} {PERIOD_WORDS[period]}."
        if not ctx.config.leaderboards:
            ctx.reply(f"Leaderboards are off in this community. {own}", private=True)
            return
        size = ctx.config.page_size
        total, standings = await kudos.leaderboard(
            ctx.session,
            community_id=ctx.community.id,
            period=period,
            start=start,
            by=by,
            offset=(page - 1) * size,
            limit=size,
        )
        if total == 0:
            ctx.reply(f"No thanks {PERIOD_WORDS[period]} yet. Be the first: /kudos", private=True)
            return
        verb = "thanked" if by == "received" else "thankful"
        pages = (total + size - 1) // size
        lines = [f"**Most {verb} {PERIOD_WORDS[period]}** (page {page} of {pages})"]
        for rank, standing in enumerate(standings, start=(page - 1) * size + 1):
            lines.append(f"{rank}. **{render.safe(standing.name)}**: {standing.count}")
        lines.append(own)
        buttons = ()
        if page < pages:
            buttons = (Button("Next page", "kudos_top", f"{period}:{by}:{page + 1}"),)
        ctx.reply("\n".join(lines), buttons=buttons, private=True)

    @command("kudos history", private=True)
    async def history(
        self, ctx: Context, member: Annotated[Member | None, "Whose (yours if empty)"] = None
    ) -> None:
        """The thanks a member received and gave, newest first."""
        await self._history(ctx, member or ctx.author, page=1)

    @action("kudos_history")
    async def history_page(self, ctx: Context, arg: str) -> None:
        """Another page of someone's kudos history."""
        member_id, _, page = arg.partition(":")
        row = await ctx.session.get(MemberRow, int(member_id or 0))
        if row is None or row.community_id != ctx.community.id:
            raise UserError("That history has expired: run /kudos history again.")
        await self._history(ctx, as_member(row), page=int(page) if page.isdigit() else 1)

    async def _history(self, ctx: Context, who: Member, *, page: int) -> None:
        size = ctx.config.page_size
        total, entries = await kudos.history(
            ctx.session,
            community_id=ctx.community.id,
            member_id=who.id,
            offset=(page - 1) * size,
            limit=size,
        )
        if total == 0:
            ctx.reply(f"**{render.name(who)}** has no kudos yet, given or received.", private=True)
            return
        pages = (total + size - 1) // size
        lines = [f"**Kudos of {render.name(who)}** (page {page} of {pages})"]
        tz = ZoneInfo(ctx.config.timezone)
        for entry in entries:
            star = "⭐ " if entry.spotlight else ""
            way = "from" if entry.received else "to"
            when = entry.at.astimezone(tz).strftime("%Y-%m-%d")
            lines.append(
                f"- {when} {star}{way} **{render.safe(entry.other)}**: {render.safe(entry.reason)}"
            )
        buttons = ()
        if page < pages:
            buttons = (Button("Next page", "kudos_history", f"{who.id}:{page + 1}"),)
        ctx.reply("\n".join(lines), buttons=buttons, private=True)

    @listener("home_opened")
    async def home(self, ctx: Context) -> None:
        """The member's thanks on their home page."""
        day = _local_now(ctx).date()
        ever = await kudos.tally(
            ctx.session,
            community_id=ctx.community.id,
            member_id=ctx.author.id,
            period="all",
            start=kudos.EVER,
        )
        month = await kudos.tally(
            ctx.session,
            community_id=ctx.community.id,
            member_id=ctx.author.id,
            period="month",
            start=kudos.period_start("month", day),
        )
        _, recent = await kudos.history(
            ctx.session, community_id=ctx.community.id, member_id=ctx.author.id, offset=0, limit=3
        )
        lines = [
            "**Your kudos**",
            f"Received {ever[0]} ({month[0]} this month), gave {ever[1]} ({month[1]} this month).",
        ]
        for entry in recent:
            way = "from" if entry.received else "to"
            star = "⭐ " if entry.spotlight else ""
            lines.append(
                f"- {star}{way} **{render.safe(entry.other)}**: {render.safe(entry.reason)}"
            )
        if not recent:
            lines.append("Thank someone who helped you with /kudos.")
        ctx.reply("\n".join(lines))


def _check_recipients(ctx: Context, named: list[Member]) -> list[Member]:
    recipients = list({m.id: m for m in named}.values())
    if any(m.id == ctx.author.id for m in recipients):
        raise UserError("You can't thank yourself (though thank you for being here!).")
    bots = [m for m in recipients if m.is_bot]
    if bots:
        raise UserError(f"**{render.name(bots[0])}** is a bot: thank the people instead.")
    return recipients


async def _check_allowance(ctx: Context, recipients: list[Member], spotlight: bool) -> int:
    """Refuse what the daily limits forbid; return how many more people can be thanked today."""
    local_now = _local_now(ctx)
    midnight = datetime.combine(local_now.date(), time(), tzinfo=local_now.tzinfo)
    used, already = await kudos.given_since(
        ctx.session, community_id=ctx.community.id, giver_id=ctx.author.id, since=midnight
    )
    repeated = [
        m for m in recipients if already.get(m.id, 0) >= ctx.config.kudos_same_recipient_daily
    ]
    if repeated:
        raise UserError(
            f"You already thanked **{render.name(repeated[0])}** today; "
            "you can thank them again tomorrow."
        )
    allowance = ctx.config.kudos_daily_allowance
    if spotlight:
        return allowance
    left = allowance - used
    if len(recipients) > left:
        resets = _until(midnight + timedelta(days=1) - local_now)
        if left <= 0:
            raise UserError(
                f"You've thanked {allowance} people today, the daily allowance. "
                f"It resets at midnight ({resets} from now)."
            )
        raise UserError(
            f"You can thank {left} more today (it resets in {resets}); you named {len(recipients)}."
        )
    return left - len(recipients)


def _local_now(ctx: Context) -> datetime:
    return ctx.now().astimezone(ZoneInfo(ctx.config.timezone))


def _until(delta: timedelta) -> str:
    minutes = max(1, int(delta.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _post(giver: Member, recipients: list[Member], reason: str, *, spotlight: bool) -> str:
    # Only the recipients are mentioned: the giver's name is plain text, so nobody else pings.
    names = ", ".join(render.mention(m) for m in recipients)
    if spotlight:
        return f"⭐ **Spotlight** from **{render.name(giver)}** to {names}: {render.safe(reason)}"
    return f"🙌 **{render.name(giver)}** thanked {names}: {render.safe(reason)}"
