"""Welcome back: notice, once and kindly, when a member drifts away, and welcome them back."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from bot import news, render
from bot.binding import as_member
from bot.commands import Level, Member, action, command, job
from bot.context import Context
from bot.paging import split_key
from cogs import welcome_back_data
from cogs.common import day_month, local_now, page_of, plural, reply_page
from storage import lapses
from storage.lapses import LapseRule, Quiet
from storage.models import LapseRow, MemberRow

if TYPE_CHECKING:
    from bot.jobs import JobRun, Jobs

CHUNK = 500  # members per transaction: a 100k-member scan never holds SQLite for long
NUDGE_WITHIN_DAYS = 7  # a lapse noticed later than this after it began gets no nudge
WELCOME_SECONDS = 5.0  # how often returns are looked for (the activity flush notes them)
PICK_UP = (
    "Pick up where you left off: /members shows who is here now, /kudos thanks someone who "
    "helped, and /intro updates what you came for."
)


class WelcomeBack:
    """Notice when members drift away, say so once, and welcome them back."""

    data = welcome_back_data.HOOK  # what it holds about a member, for /my-data and /forget-me

    @job("lapse_scan", daily=lambda config: config.lapse_time if config.welcome_back else None)
    async def lapse_scan(self, run: JobRun) -> int:
        """Nudge, once, each member whose silence became a lapse against their own rhythm."""
        nudged, after = 0, 0
        while True:
            found, chunk_nudged = await self._scan_chunk(run, after)
            nudged += chunk_nudged
            if len(found) < CHUNK:
                return nudged
            after = found[-1].id or 0

    async def _scan_chunk(self, run: JobRun, after: int) -> tuple[list[MemberRow], int]:
        found: list[MemberRow] = []
        nudged = 0

        async def body(ctx: Context) -> None:
            nonlocal nudged
            rows, nudged = await self.nudge_chunk(ctx, after=after)
            found.extend(rows)

        if not await run.work(body):
            # Chunks already done are recorded: the run that follows takes up the rest.
            raise RuntimeError("a chunk of the lapse scan failed")
        return found, nudged

    async def nudge_chunk(self, ctx: Context, *, after: int) -> tuple[list[MemberRow], int]:
        """Note the next members (by id) whose silence became a lapse; nudge the recent ones."""
        if not ctx.config.welcome_back:
            return [], 0  # run by hand (`:run lapse_scan`) where it is off: still nobody is nudged
        today = local_now(ctx).date()
        found = await lapses.newly_lapsed(
            ctx.session,
            community_id=ctx.community.id,
            rule=rule_of(ctx),
            today=today,
            now=ctx.now(),
            after_id=after,
            limit=CHUNK,
        )
        fresh: list[MemberRow] = []
        stale: list[MemberRow] = []
        for row in found:
            (fresh if _lately(ctx, row, today) else stale).append(row)
        # Read everything first: the writes come last, so the transaction holds the lock briefly.
        notes = [
            (row, await news.gather(ctx, as_member(row), lapses.since_of(row))) for row in fresh
        ]
        for rows, nudged in ((fresh, True), (stale, False)):
            await lapses.record(
                ctx.session,
                community_id=ctx.community.id,
                members=rows,
                now=ctx.now(),
                nudged=nudged,
            )
        for row, lines in notes:
            assert row.last_active_on is not None
            member = as_member(row)
            ctx.dm(
                member,
                nudge_text(ctx, member, row.last_active_on, lines),
                key=f"lapse:{member.id}:{row.last_active_on.isoformat()}",
                unsolicited=True,
            )
        return found, len(fresh)

    @job("welcome_back", every=WELCOME_SECONDS, due="welcome_due")
    async def welcome_returns(self, jobs: Jobs) -> int:
        """Welcome back, once, each member who returned from a lapse."""
        if await self.welcome_due(jobs) is None:
            return 0  # one indexed look, not a transaction per community, while nobody is back
        welcomed = 0

        async def body(ctx: Context) -> None:
            nonlocal welcomed
            welcomed += await self.welcome_some(ctx)

        await jobs.each_community(body)
        return welcomed

    async def welcome_due(self, jobs: Jobs) -> datetime | None:
        """Now, if someone came back and is still to be welcomed; else None."""
        async with jobs.session() as session:
            return jobs.now() if await lapses.any_welcome_due(session) else None

    async def welcome_some(self, ctx: Context) -> int:
        """Queue the welcome-back DMs owed in this community (a chunk); how many were queued."""
        due = await lapses.welcomes_due(ctx.session, community_id=ctx.community.id, limit=CHUNK)
        queued = 0
        # With welcome back turned off the returns are still noted, and answered with silence.
        for lapse, row in due if ctx.config.welcome_back else ():
            member = as_member(row)
            lines = await news.gather(ctx, member, lapse.since_at)
            ctx.dm(
                member,
                welcome_text(ctx, member, lapse, lines),
                key=f"welcome_back:{member.id}:{lapse.since_day.isoformat()}",
                unsolicited=True,
            )
            queued += 1
        await lapses.welcomed(
            ctx.session, lapse_ids=[lapse.id or 0 for lapse, _ in due], now=ctx.now()
        )
        return queued

    @command("lapsed", level=Level.MODERATOR, private=True)
    async def lapsed(self, ctx: Context) -> None:
        """List members who lapsed or are drifting away, so you can reach out to them personally."""
        await self._quiet(ctx, page=1)

    @action("lapsed_page", level=Level.MODERATOR)
    async def lapsed_page(self, ctx: Context, arg: str) -> None:
        """Another page of the lapsed and drifting members."""
        await self._quiet(ctx, page=split_key(arg)[1])

    async def _quiet(self, ctx: Context, *, page: int) -> None:
        today = local_now(ctx).date()

        async def fetch(offset: int, limit: int) -> tuple[int, list[Quiet]]:
            return await lapses.quiet_page(
                ctx.session,
                community_id=ctx.community.id,
                rule=rule_of(ctx),
                today=today,
                now=ctx.now(),
                offset=offset,
                limit=limit,
            )

        shown, rows = await page_of(ctx, fetch, page)
        lines = [shown.heading(f"Lapsed and drifting members ({shown.total})")]
        lines += [quiet_line(ctx, quiet, today) for quiet in rows]
        if not rows:
            lines.append("Nobody: everyone who usually comes by has been here lately.")
        else:
            lines.append("A message from you means more than any nudge from copbot.")
        if not ctx.config.welcome_back:
            lines.append(
                "Welcome back is off here: copbot nudges nobody (/config set welcome_back on)."
            )
        reply_page(ctx, shown, lines, action="lapsed_page")


def _lately(ctx: Context, row: MemberRow, today: date) -> bool:
    """Whether a member's lapse began lately enough for a nudge to make sense."""
    # A lapse found long after it began (copbot just arrived, or was down) is noted without a
    # nudge: "we miss you" after months of silence would come out of the blue. Its return is
    # still welcomed.
    assert row.last_active_on is not None
    silence = (today - row.last_active_on).days
    return rule_of(ctx).beyond(silence, row.usual_gap) <= NUDGE_WITHIN_DAYS


def rule_of(ctx: Context) -> LapseRule:
    """The community's lapse rule, from its settings."""
    return LapseRule(ctx.config.lapse_min_days, ctx.config.lapse_factor)


def nudge_text(ctx: Context, member: Member, since: date, lines: list[str]) -> str:
    """The one note a lapse gets: they were missed, and what is new for them."""
    community = render.safe(ctx.community.name)
    text = [
        f"**We miss you, {render.name(member)}!** {community} has been quieter without you "
        f"since {day_month(ctx, since)}, and the door is always open.",
    ]
    if lines:
        text += ["**New for you since then**", *(f"- {line}" for line in lines)]
    text.append("Come by whenever you like: say hello, or see who is here with /members.")
    return "\n".join(text)


def welcome_text(ctx: Context, member: Member, lapse: LapseRow, lines: list[str]) -> str:
    """The welcome back on return: what changed for them since they were last here."""
    since = day_month(ctx, lapse.since_day)
    greeting = f"**Welcome back, {render.name(member)}!**"
    if lines:
        text = [f"{greeting} Since {since}:", *(f"- {line}" for line in lines)]
    else:
        text = [f"{greeting} Since {since} it has been quiet for you here: nothing to catch up on."]
    text.append(PICK_UP)
    return "\n".join(text)


def quiet_line(ctx: Context, quiet: Quiet, today: date) -> str:
    """One member of /lapsed: lapsed or drifting, since when, and whether copbot nudged them."""
    row = quiet.member
    assert row.last_active_on is not None
    ago = plural((today - row.last_active_on).days, "day")
    seen = f"last active {day_month(ctx, row.last_active_on)} ({ago} ago)"
    name = f"**{render.safe(row.name)}**"
    if quiet.lapsed:
        nudged = f"nudged {day_month(ctx, quiet.nudged_at)}" if quiet.nudged_at else "not nudged"
        return f"- {name}: lapsed, {seen}, {nudged}"
    return f"- {name}: drifting, {seen}{_usually(row.usual_gap)}"


def _usually(gap: float) -> str:
    if gap < 1:
        return ""  # not known yet: too little history
    every = round(gap)
    return "; usually every day" if every == 1 else f"; usually every {every} days"
