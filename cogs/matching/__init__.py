"""Matching rounds: pair members who can help each other, and learn whether they met."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

from bot import render
from bot.commands import Level, Member, Range, action, command, job, listener
from bot.context import Context
from bot.errors import UserError
from bot.pages import Gathering, Line
from cogs.common import day_month, local_date, plural
from cogs.matching import data as matching_data
from cogs.matching import rounds, status, words
from storage import impact as impact_reads
from storage import matching
from storage.models.matching import CANT, CHAT, IN, MADE, MET, NEED_MET, NOT_YET, OUT

if TYPE_CHECKING:
    from bot.jobs import JobRun, Jobs

MAX_PAUSE_WEEKS = 52
Weeks = Annotated[int | None, "How many weeks (1 to 52)", Range(1, MAX_PAUSE_WEEKS)]
Someone = Annotated[Member, "The member"]
FOLLOW_UP_SECONDS = 300.0


class Matching:
    """Rounds that pair members on what they need and offer, then on shared interests."""

    data = matching_data.HOOK  # what it holds about a member, for /my-data and /forget-me

    @command("match join", private=True)
    async def join(self, ctx: Context) -> None:
        """Take part in matching rounds: every few weeks, copbot pairs you with someone."""
        if (await status.say(ctx))[0] == IN:
            raise UserError(f"You're in already. {await status.next_line(ctx)}")
        await self._set(ctx, IN, None)
        lines = [f"🤝 You're in matching rounds! {await status.next_line(ctx)}"]
        lines.append(await status.tip(ctx))
        ctx.reply("\n".join(line for line in lines if line))

    @command("match pause", private=True)
    async def pause(self, ctx: Context, weeks: Weeks = None) -> None:
        """Skip rounds for a while (WEEKS, 1 to 52; the next round if not given)."""
        if (await status.say(ctx))[0] == OUT:  # a pause may be lengthened
            raise UserError(
                "You're not in matching rounds, so there's nothing to pause. /match join"
            )
        weeks = weeks or ctx.config.match_every_weeks
        until = ctx.now() + timedelta(weeks=weeks)
        await self._set(ctx, IN, until)
        ctx.reply(
            f"⏸️ Paused for {plural(weeks, 'week')}: no rounds for you until "
            f"{day_month(ctx, until)}. /match join brings you back sooner."
        )

    @command("match leave", private=True)
    async def leave(self, ctx: Context) -> None:
        """Stop taking part in matching rounds; your past matches stay in your history."""
        if (await status.say(ctx))[0] == OUT:
            raise UserError("You're not in matching rounds. Join any time with /match join.")
        await self._set(ctx, OUT, None)
        ctx.reply("You've left matching rounds. Your past matches stay; /match join any time.")

    async def _set(self, ctx: Context, said: str, until: datetime | None) -> None:
        await matching.take_part(
            ctx.session,
            community_id=ctx.community.id,
            member_id=ctx.author.id,
            status=said,
            paused_until=until,
            now=ctx.now(),
        )

    @command("match avoid", private=True)
    async def avoid(self, ctx: Context, member: Someone) -> None:
        """Never be paired with this member; nobody else is ever told."""
        if member.id == ctx.author.id:
            raise UserError("That's you! Name the member you'd rather not be paired with.")
        if member.is_bot:
            raise UserError("Bots never take part in rounds: there's nobody to avoid there.")
        added = await matching.avoid(
            ctx.session,
            community_id=ctx.community.id,
            member_id=ctx.author.id,
            avoided_id=member.id,
            now=ctx.now(),
        )
        name = render.name(member)
        if not added:
            raise UserError(f"You're never paired with **{name}** already.")
        ctx.reply(
            f"Done: you won't be paired with **{name}**. Nobody else is told, them included. "
            f"/match unavoid undoes it."
        )

    @command("match unavoid", private=True)
    async def unavoid(self, ctx: Context, member: Someone) -> None:
        """Allow being paired with a member you avoided."""
        name = render.name(member)
        if not await matching.unavoid(ctx.session, member_id=ctx.author.id, avoided_id=member.id):
            raise UserError(f"You weren't avoiding **{name}**. /match status lists who you avoid.")
        ctx.reply(f"Done: rounds may pair you with **{name}** again.")

    @command("match status", private=True)
    async def show_status(self, ctx: Context) -> None:
        """Whether you're in, when the next round is, and your last matches."""
        ctx.reply(await status.text(ctx))

    @command("match stats", level=Level.MODERATOR, private=True)
    async def stats(self, ctx: Context) -> None:
        """How rounds went: pairs, how many met, and needs met through matches."""
        figures = await matching.stats(ctx.session, community_id=ctx.community.id)
        ctx.reply(status.stats_text(ctx, figures))

    @action(words.ANSWER_ACTION)
    async def answered(self, ctx: Context, arg: str) -> None:
        """We met / Not yet / Can't this time."""
        group_id, _, said = arg.partition(":")
        if said not in (MET, NOT_YET, CANT):
            raise UserError("That button has expired. See your latest match with /match status.")
        placed = await status.current_seat(ctx, group_id)
        await matching.answer(ctx.session, seat=placed.seat, said=said, now=ctx.now())
        names = status.names_of(placed.others)
        group = placed.group.id or 0
        if said == MET:
            ctx.reply(
                f"🎉 Wonderful, thanks for telling me! Did anything come of meeting {names}?",
                buttons=words.came_buttons(group),
                replace=True,
            )
        elif said == NOT_YET:
            ctx.reply(
                f"No rush: reach out to {names} when you can, and tell me once you've met.",
                buttons=words.answer_buttons(group, waiting=True),
                replace=True,
            )
        else:
            ctx.reply(
                "Thanks for saying. This one won't count as a meeting, so a later round may "
                f"pair you with {names} again.",
                replace=True,
            )

    @action(words.CAME_ACTION)
    async def came(self, ctx: Context, arg: str) -> None:
        """A need was met / We made something / Just a good chat."""
        group_id, _, what = arg.partition(":")
        if what not in (NEED_MET, MADE, CHAT):
            raise UserError("That button has expired. See your latest match with /match status.")
        placed = await status.current_seat(ctx, group_id)
        if placed.seat.answer != MET:
            raise UserError("Tell me first whether you met: see /match status.")
        await matching.came_of_it(ctx.session, seat=placed.seat, what=what)
        thanks = {
            NEED_MET: "🎉 A need met: that's what rounds are for. If it was one of yours, "
            "/need done ID closes it (and can thank who helped).",
            MADE: "🛠️ Something made together: wonderful. Share it with the community!",
            CHAT: "☕ A good chat is worth a lot. Thanks for telling me.",
        }
        ctx.reply(thanks[what], replace=True)

    @listener("home_opened")
    async def home(self, ctx: Context) -> None:
        """Whether the member is in rounds, when the next is, and their latest match."""
        ctx.reply(await status.home(ctx))

    @listener("digest")
    async def digest(self, ctx: Context, gathering: Gathering) -> None:
        """Meetings members reported in the period, counted only: who met whom stays theirs."""
        found = await matching.meetings_between(
            ctx.session, community_id=ctx.community.id, since=gathering.since, until=gathering.until
        )
        if not found.met:
            return
        # Counts name nobody, so these lines credit no member (members=()).
        lines = (
            [Line(f"{plural(found.needs_met, 'need')} met in a meeting")] if found.needs_met else []
        )
        if found.made:
            lines.append(Line(f"{plural(found.made, 'meeting')} made something together"))
        summary = f"{plural(found.met, 'meeting')} reported. Take part with /match join."
        gathering.add("☕ Matching", lines, summary)

    @job("match_round", weekly=rounds.schedule)
    async def match_round(self, run: JobRun) -> int:
        """Pair this round's members and DM each group (every match_every_weeks)."""
        made = 0

        async def body(ctx: Context) -> None:
            nonlocal made
            row = await rounds.run_round(ctx, period=run.period, by_hand=run.by_hand)
            made = row.number if row else 0

        if not await run.work(body):
            raise RuntimeError("the matching round failed")  # it runs again: nothing was sent
        return made

    @job("match_follow_up", every=FOLLOW_UP_SECONDS, due="follow_up_due")
    async def match_follow_up(self, jobs: Jobs) -> int:
        """Ask once, match_followup_days after a round, those who haven't said if they met."""
        if await self.follow_up_due(jobs) is None:
            return 0
        asked = 0

        async def body(ctx: Context) -> None:
            nonlocal asked
            asked += await rounds.follow_up(ctx)

        await jobs.each_community(body)
        return asked

    async def follow_up_due(self, jobs: Jobs) -> datetime | None:
        """When the next round's follow-up is due, anywhere."""
        async with jobs.session() as session:
            return await matching.next_follow_up(session)

    @listener("impact")
    async def impact(self, ctx: Context, report: Gathering) -> None:
        """Matches in the period the member met, and what came of each."""
        assert report.member is not None
        found = await impact_reads.matches_that_led_somewhere(
            ctx.session,
            community_id=ctx.community.id,
            member_id=report.member.id,
            since=report.since,
            until=report.until,
        )
        lines = [
            Line(f"Round {number}, {local_date(ctx, at)}: {words.CAME.get(came, came)}")
            for number, at, came in found
        ]
        if lines:
            summary = f"{plural(len(lines), 'match', 'matches')} that led somewhere."
            report.add("Matches that led somewhere", lines, summary)
