"""Kudos: members thank each other within a daily allowance; moderators can also spotlight."""

from __future__ import annotations

from typing import Annotated, Literal

from bot import render
from bot.binding import as_member
from bot.commands import IncludeLeft, Length, Level, Member, action, command, listener
from bot.context import Context
from bot.errors import UserError
from bot.metrics import Metric
from bot.news import News
from bot.pages import Gathering, Line
from bot.paging import split_key
from bot.reply import Button
from cogs.common import (
    in_words,
    left_mark,
    local_date,
    local_now,
    member_of,
    page_of,
    plural,
    reply_page,
    row_id,
    shown_name,
)
from cogs.kudos import data as kudos_data
from cogs.kudos import limits
from storage import impact as impact_reads
from storage import kudos

MAX_RECIPIENTS = 5
DIGEST_MOST = 5  # thanks a digest quotes: highlights, not a ranking
PERIOD_WORDS = {"week": "this week", "month": "this month", "year": "this year", "all": "ever"}
Ranking = Literal["received", "given"]


class Kudos:
    """Thank the people who helped you; see who gives and receives the most thanks."""

    data = kudos_data.HOOK  # what it holds about a member, for /my-data and /forget-me

    metrics = (
        Metric(
            "kudos_received",
            "kudos the member received",
            kudos.received_tally,
            "count",
            ("kudos received", "kudos received"),
        ),
        Metric(
            "kudos_given",
            "kudos the member gave",
            kudos.given_tally,
            "count",
            ("kudos given", "kudos given"),
        ),
        Metric(
            "distinct_givers",
            "different members who thanked them",
            kudos.received_tally,
            "people",
            ("distinct giver", "distinct givers"),
        ),
        Metric(
            "distinct_receivers",
            "different members they thanked",
            kudos.given_tally,
            "people",
            ("distinct person thanked", "distinct people thanked"),
        ),
        Metric(
            "spotlights",
            "kudos of theirs a moderator spotlighted",
            kudos.received_tally,
            "spotlights",
            ("spotlight", "spotlights"),
        ),
    )

    @command("kudos", cooldown=(10, 60.0), root_name="give")
    async def kudos(
        self,
        ctx: Context,
        member: Annotated[list[Member], "Who to thank (up to 5)", Length(1, MAX_RECIPIENTS)],
        *,
        reason: Annotated[str, "What for", Length(5, 300)],
    ) -> None:
        """Thank up to 5 members for something they did."""
        left = await thank(ctx, member, reason)
        ctx.reply(f"Thanks sent! {limits.still_to_give(ctx, left)}", private=True)

    @command("spotlight", level=Level.MODERATOR, cooldown=(10, 60.0))
    async def spotlight(
        self,
        ctx: Context,
        member: Annotated[list[Member], "Who to spotlight (up to 5)", Length(1, MAX_RECIPIENTS)],
        *,
        reason: Annotated[str, "What for", Length(5, 300)],
    ) -> None:
        """Put up to 5 members in the ⭐ spotlight, outside any daily allowance."""
        recipients = limits.check_recipients(ctx, member, verb="spotlight")
        await limits.check_spotlight_cap(ctx, recipients)
        await give(ctx, recipients, reason, spotlight=True)
        ctx.reply("Spotlight sent ⭐ Spotlights don't use your daily allowance.", private=True)

    @action("kudos_plus")
    async def plus_one(self, ctx: Context, arg: str) -> None:
        """Add your own thanks to the same people for the same reason."""
        found = row_id(arg)
        group = found and await kudos.group_of(
            ctx.session, community_id=ctx.community.id, group_id=found
        )
        if not group:
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
        left = await limits.check_allowance(ctx, recipients)
        await kudos.give(
            ctx.session,
            community_id=ctx.community.id,
            giver_id=ctx.author.id,
            receiver_ids=[m.id for m in recipients],
            reason=group.reason,
            spotlight=False,
            now=ctx.now(),
            local_day=local_now(ctx).date(),
            plus_one_of=group.id,
        )
        names = ", ".join(f"**{render.name(m)}**" for m in recipients)
        rest = f"{left} left today." if left else limits.still_to_give(ctx, left)
        ctx.reply(f"Your +1 is added: you thanked {names} too. {rest}", private=True)
        ctx.progressed(ctx.author, *recipients)

    @command("kudos top", private=True)
    async def top(
        self,
        ctx: Context,
        period: Annotated[Literal["week", "month", "year", "all"], "Which period"] = "month",
        by: Annotated[Ranking, "Rank by thanks received or given"] = "received",
    ) -> None:
        """Leaderboards of who received or gave the most thanks."""
        await self._top(ctx, period, by, page=1)

    @action("kudos_top")
    async def top_page(self, ctx: Context, arg: str) -> None:
        """Another page of a leaderboard."""
        key, page = split_key(arg)
        period, _, by = key.partition(":")
        if period not in kudos.PERIODS or by not in ("received", "given"):
            raise UserError("That leaderboard has expired: run /kudos top again.")
        await self._top(ctx, period, by, page=page)  # type: ignore[arg-type]

    async def _top(self, ctx: Context, period: kudos.Period, by: Ranking, *, page: int) -> None:
        start = kudos.period_start(period, local_now(ctx).date())
        community_id = ctx.community.id
        received, given = await kudos.tally(
            ctx.session,
            community_id=community_id,
            member_id=ctx.author.id,
            period=period,
            start=start,
        )
        own = f"You received {received} and gave {given} {PERIOD_WORDS[period]}."
        if not ctx.config.leaderboards:
            ctx.reply(f"Leaderboards are off in this community. {own}", private=True)
            return

        async def fetch(offset: int, limit: int) -> tuple[int, list[kudos.Standing]]:
            return await kudos.leaderboard(
                ctx.session,
                community_id=community_id,
                period=period,
                start=start,
                by=by,
                offset=offset,
                limit=limit,
            )

        shown, standings = await page_of(ctx, fetch, page)
        if shown.total == 0:
            when = "" if period == "all" else f" {PERIOD_WORDS[period]}"
            ctx.reply(f"Nobody has thanked anyone{when} yet. Be the first: /kudos", private=True)
            return
        verb = "thanked" if by == "received" else "thankful"
        lines = [shown.heading(f"Most {verb} {PERIOD_WORDS[period]}")]
        for rank, standing in enumerate(standings, start=shown.offset + 1):
            name = f"**{render.safe(standing.name)}**{left_mark(standing.left)}"
            lines.append(f"{rank}. {name}: {standing.count}")
        lines.append(own)
        reply_page(ctx, shown, lines, action="kudos_top", key=f"{period}:{by}")

    @command("kudos history", private=True)
    async def history(
        self,
        ctx: Context,
        member: Annotated[Member | None, "Whose (yours if empty)", IncludeLeft()] = None,
    ) -> None:
        """The thanks a member received and gave, newest first."""
        await self._history(ctx, member or ctx.author, page=1)

    @action("kudos_history")
    async def history_page(self, ctx: Context, arg: str) -> None:
        """Another page of someone's kudos history."""
        key, page = split_key(arg)
        await self._history(ctx, await member_of(ctx, key, "/kudos history"), page=page)

    async def _history(self, ctx: Context, who: Member, *, page: int) -> None:
        async def fetch(offset: int, limit: int) -> tuple[int, list[kudos.Entry]]:
            return await kudos.history(
                ctx.session,
                community_id=ctx.community.id,
                member_id=who.id,
                offset=offset,
                limit=limit,
            )

        shown, entries = await page_of(ctx, fetch, page)
        if shown.total == 0:
            ctx.reply(f"**{shown_name(who)}** has no kudos yet, given or received.", private=True)
            return
        lines = [shown.heading(f"Kudos of {shown_name(who)}")]
        lines += [_entry_line(ctx, entry) for entry in entries]
        reply_page(ctx, shown, lines, action="kudos_history", key=str(who.id))

    @listener("home_opened")
    async def home(self, ctx: Context) -> None:
        """The member's thanks on their home page."""
        session, community_id, me = ctx.session, ctx.community.id, ctx.author.id
        month_start = kudos.period_start("month", local_now(ctx).date())
        ever = await kudos.tally(
            session, community_id=community_id, member_id=me, period="all", start=kudos.EVER
        )
        month = await kudos.tally(
            session, community_id=community_id, member_id=me, period="month", start=month_start
        )
        _, recent = await kudos.history(
            session, community_id=community_id, member_id=me, offset=0, limit=3
        )
        lines = [
            "**Your kudos**",
            f"Received {ever[0]} ({month[0]} this month), gave {ever[1]} ({month[1]} this month).",
        ]
        lines += [_entry_line(ctx, entry) for entry in recent]
        if not recent:
            lines.append("Thank someone who helped you with /kudos.")
        ctx.reply("\n".join(lines))

    @listener("whats_new")
    async def whats_new(self, ctx: Context, news: News) -> None:
        """The thanks a member received since they were last here."""
        count, givers, names = await kudos.received_since(
            ctx.session, community_id=ctx.community.id, member_id=news.member.id, since=news.since
        )
        if not count:
            return
        shown = [f"**{render.safe(name)}**" for name in names]
        if givers > len(names):
            shown.append(plural(givers - len(names), "other"))
        times = "once" if count == 1 else f"{count} times"
        news.add(f"🙏 You were thanked {times}, by {in_words(shown)}: see /kudos history")

    @listener("digest")
    async def digest(self, ctx: Context, gathering: Gathering) -> None:
        """A few of the period's thanks, newest first: who thanked whom, and why (not a ranking)."""
        # Every kudos is a public post (the kudos channel or where /kudos ran): none is private.
        count, found = await kudos.thanks_between(
            ctx.session,
            community_id=ctx.community.id,
            since=gathering.since,
            until=gathering.until,
            limit=DIGEST_MOST,
        )
        lines = [line for t in found if (line := _digest_line(t, gathering.paused))]
        summary = (
            f"{plural(count, 'kudos', 'kudos')} given. Thank someone with /kudos." if count else ""
        )
        gathering.add("🙌 Kudos", lines, summary)

    @listener("impact")
    async def impact(self, ctx: Context, report: Gathering) -> None:
        """Kudos the member received in the period, and a few of the reasons."""
        assert report.member is not None
        total, latest = await impact_reads.kudos_received(
            ctx.session,
            community_id=ctx.community.id,
            member_id=report.member.id,
            since=report.since,
            until=report.until,
        )
        if total:
            lines = [Line(f"“{reason}” (from {giver})") for reason, giver in latest]
            report.add("Kudos received", lines, f"{plural(total, 'kudos', 'kudos')} received.")


async def thank(ctx: Context, named: list[Member], reason: str) -> int:
    """Thank members as /kudos does, by its rules; how many more people can be thanked today."""
    recipients = limits.check_recipients(ctx, named)
    left = await limits.check_allowance(ctx, recipients)
    await give(ctx, recipients, reason, spotlight=False)
    return left


async def give(ctx: Context, recipients: list[Member], reason: str, *, spotlight: bool) -> None:
    """Record thanks already checked, post them with their +1 button, and note the progress."""
    group = await kudos.give(
        ctx.session,
        community_id=ctx.community.id,
        giver_id=ctx.author.id,
        receiver_ids=[m.id for m in recipients],
        reason=reason,
        spotlight=spotlight,
        now=ctx.now(),
        local_day=local_now(ctx).date(),
    )
    assert group.id is not None
    ctx.post(
        ctx.config.kudos_channel or None,
        _post(ctx.author, recipients, reason, spotlight=spotlight),
        buttons=(Button("+1", "kudos_plus", str(group.id)),),
    )
    ctx.progressed(ctx.author, *recipients)


def _digest_line(t: kudos.Thanks, paused: frozenset[int]) -> Line | None:
    """A thanks for the digest, naming nobody who paused their public credit."""
    # A receiver who paused is left out by name; a thanks from a paused giver, or to paused
    # members only, is left out whole (it would credit nobody, or quote a paused giver).
    shown = [(i, n) for i, n in zip(t.receiver_ids, t.receivers, strict=True) if i not in paused]
    if t.giver_id in paused or not shown:
        return None
    star = "⭐ " if t.spotlight else ""
    names = ", ".join(name for _, name in shown)
    return Line(
        f"{star}{t.giver} → {names}: {t.reason}", members=(t.giver_id, *(i for i, _ in shown))
    )


def _entry_line(ctx: Context, entry: kudos.Entry) -> str:
    """One line of someone's kudos: when, which way, with whom, and why."""
    star = "⭐ " if entry.spotlight else ""
    way = "from" if entry.received else "to"
    other = f"**{render.safe(entry.other)}**{left_mark(entry.other_left)}"
    return f"- {local_date(ctx, entry.at)} {star}{way} {other}: {render.safe(entry.reason)}"


def _post(giver: Member, recipients: list[Member], reason: str, *, spotlight: bool) -> str:
    # Only the recipients are mentioned: the giver's name is plain text, so nobody else pings.
    names = ", ".join(render.mention(m) for m in recipients)
    if spotlight:
        return f"⭐ **Spotlight** from **{render.name(giver)}** to {names}: {render.safe(reason)}"
    return f"🙌 **{render.name(giver)}** thanked {names}: {render.safe(reason)}"
