"""Polls: the weekly check-in, moderators' questions, anonymous answers, "you said, we did"."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

from bot import render
from bot.commands import Length, Level, Range, action, command, job, listener
from bot.context import Context
from bot.errors import UserError
from bot.paging import page_number
from cogs.common import in_words, page_of, reply_page, row_id, zone
from cogs.polls import asking, closing, digest, posting, words
from cogs.polls import data as polls_data
from config.community import CommunityConfig
from storage import polls
from storage.models import PollRow
from storage.models.polls import TEXT

if TYPE_CHECKING:
    from bot.jobs import JobRun, Jobs
    from bot.news import News
    from bot.pages import Gathering

MOD = Level.MODERATOR
THANKS = "Thanks, your answer is counted anonymously. Anonymous answers can't be changed."
ALREADY = (
    "You've already answered this poll. Anonymous answers can't be changed: nothing ties "
    "an answer to you, so there is no way to find yours again."
)
Number = Annotated[int, "The poll's number, as its post shows (Poll #3)", Range(1, 10**6)]


def weekly_schedule(config: CommunityConfig) -> str | None:
    """When the weekly check-in is posted, in the community's time (None: it is off)."""
    return f"{config.poll_day} {config.poll_time}" if config.weekly_poll else None


class Polls:
    """Ask the community what it needs each week, and show what was done with the answers."""

    data = polls_data.HOOK  # what it holds about a member, for /my-data and /forget-me

    @command("poll ask", level=MOD, form=asking.ASK_FORM, private=True)
    async def ask(
        self,
        ctx: Context,
        *,
        question: Annotated[str, "What the poll asks"],
        options: Annotated[str, "2 to 10 options, separated by ;"],
        hours: Annotated[str, "How many hours it stays open (1 to 336)"] = "",
        anonymous: Annotated[str, "yes (the default) or no: names shown at close"] = "",
    ) -> None:
        """Ask the community a question with 2 to 10 options (options="A; B; C")."""
        new = polls.NewPoll(
            question=asking.read_question(question),
            options=asking.read_options(options),
            channel=ctx.channel or ctx.config.feedback_channel,
            closes_at=ctx.now()
            + timedelta(hours=asking.read_hours(hours, ctx.config.poll_open_hours)),
            anonymous=asking.read_anonymous(anonymous),
            asked_by=ctx.author.id,
        )
        poll = await posting.open_and_post(ctx, new)
        ctx.reply(
            f"Poll #{poll.number} is posted; it closes on {words.when(poll.closes_at, zone(ctx))}. "
            f"Close it early with /poll close {poll.number}."
        )

    @command("poll respond", level=MOD, private=True)
    async def respond(
        self,
        ctx: Context,
        number: Number,
        *,
        text: Annotated[str, "What the community did about its results", Length(5, 500)],
    ) -> None:
        """Say what was done about a closed poll's results: posted, and listed in the next poll."""
        poll = await self._closed(ctx, number, "respond to it")
        response = await polls.respond(
            ctx.session, poll=poll, text=text, by_id=ctx.author.id, now=ctx.now()
        )
        channel = ctx.config.feedback_channel
        ctx.post(
            channel,
            f"💬 **You said, we did** · {words.named(poll)}\n{render.safe(text)}",
            key=posting.key(ctx, poll.number, f"response:{response.id}"),
        )
        ctx.reply(
            f"Recorded and posted in #{render.safe(channel)}. The next weekly poll lists it at "
            "its top."
        )

    @command("poll close", level=MOD, private=True)
    async def close(self, ctx: Context, number: Number) -> None:
        """Close an open poll now and post its results."""
        poll = await self._poll(ctx, number)
        if not await closing.close_poll(ctx, poll):
            raise UserError(f"Poll #{number} {_closed_on(ctx, poll)}.")
        ctx.reply(f"Poll #{number} is closed; its results are posted.")

    @command("poll list", private=True, level=MOD)
    async def list_for_moderators(self, ctx: Context) -> None:
        """The community's polls, newest first, open and closed."""
        await self._list(ctx, page=1)

    @command("poll results", level=MOD, private=True)
    async def results_for_moderators(
        self,
        ctx: Context,
        number: Annotated[int | None, "The poll's number (the latest closed if empty)"] = None,
    ) -> None:
        """A closed poll's results and what was done about them (the latest if no number)."""
        if number is None:
            latest = await polls.latest_closed(ctx.session, community_id=ctx.community.id)
            if latest is None:
                raise UserError("No poll has closed yet. See them all with /poll list.")
            number = latest.number
        await self._results(ctx, number)

    @command("polls", private=True, root_name="list")
    async def list_polls(self, ctx: Context) -> None:
        """The community's recent polls, open and closed."""
        await self._list(ctx, page=1)

    @command("polls results", private=True)
    async def results(self, ctx: Context, number: Number) -> None:
        """A closed poll's results and what the community did about them."""
        await self._results(ctx, number)

    @command("polls answer", form=asking.ANSWER_FORM, private=True, activity=False)
    async def answer(
        self,
        ctx: Context,
        *,
        answer: Annotated[str, "Your answer, in your own words"],
        poll: Annotated[str, "The poll's number (the newest asking for words if not given)"] = "",
    ) -> None:
        """Answer an open poll's question in your own words, anonymously."""
        asked = await self._writing_to(ctx, poll)
        await self._hold_open(ctx, asked)
        assert asked.id is not None
        if not await polls.write_answer(
            ctx.session, poll_id=asked.id, member_id=ctx.author.id, text=answer
        ):
            raise UserError(ALREADY)
        ctx.reply(THANKS)

    @action(posting.VOTE, activity=False)
    async def vote(self, ctx: Context, arg: str) -> None:
        """Count a press of one of a poll's options."""
        poll_part, _, position_part = arg.partition(":")
        poll = await self._pressed(ctx, poll_part)
        position = row_id(position_part)
        if position is None or not 1 <= position <= poll.options:
            raise UserError("This button doesn't work any more. See the polls with /polls.")
        await self._hold_open(ctx, poll)
        assert poll.id is not None
        if poll.anonymous:
            counted = await polls.choose_anonymously(
                ctx.session, poll_id=poll.id, member_id=ctx.author.id, position=position
            )
            if not counted:
                raise UserError(ALREADY)
            ctx.reply(THANKS, private=True)
            return
        before = await polls.choose_openly(
            ctx.session, poll_id=poll.id, member_id=ctx.author.id, position=position
        )
        labels = {o.position: o.label for o in await polls.options_of(ctx.session, poll_id=poll.id)}
        chosen = f"**{render.safe(labels[position])}**"
        if before is None:
            said = f"Thanks: you chose {chosen}. You can change your vote until the poll closes."
        elif before == position:
            said = f"You already chose {chosen}. Press another option to change your vote."
        else:
            said = f"Your vote is now {chosen} (it was {render.safe(labels[before])})."
        ctx.reply(f"{said} This poll is not anonymous: who chose what shows when it closes.")

    @action(posting.WRITE, activity=False)
    async def write(self, ctx: Context, arg: str) -> None:
        """Open the one-field form for a poll's written question."""
        poll = await self._pressed(ctx, arg)
        _refuse_if_closed(ctx, poll)
        assert poll.id is not None
        if not poll.open_question:
            raise UserError("This poll has no written question: choose with its buttons.")
        answered = await polls.has_answered(
            ctx.session, poll_id=poll.id, member_id=ctx.author.id, part=TEXT
        )
        if answered:
            raise UserError(ALREADY)
        ctx.show_form(asking.answer_form(poll.number, poll.open_question))

    @action("polls_page")
    async def list_page(self, ctx: Context, arg: str) -> None:
        """Another page of the list of polls."""
        await self._list(ctx, page=page_number(arg))

    @listener("whats_new")
    async def whats_new(self, ctx: Context, news: News) -> None:
        """Polls that closed while the member was away, and what the community did about them."""
        closed = await polls.closed_since(
            ctx.session, community_id=ctx.community.id, since=news.since
        )
        if closed:
            named = in_words([f"#{poll.number}" for poll in closed[-3:]])
            more = f" (and {len(closed) - 3} before)" if len(closed) > 3 else ""
            news.add(f"🗳️ Poll {named}{more} closed: see the results with /polls")
        done = await polls.responded_since(
            ctx.session, community_id=ctx.community.id, since=news.since
        )
        for response, poll in done[-3:]:
            what = render.echo(response.text, 120)
            news.add(f"💬 You said, we did (poll #{poll.number}): {what}")

    @listener("digest")
    async def digest(self, ctx: Context, gathering: Gathering) -> None:
        """The latest poll closed in the period, and what the community did about its results."""
        await digest.add_section(ctx, gathering)

    @job("weekly_poll", weekly=weekly_schedule)
    async def weekly_poll(self, run: JobRun) -> None:
        """Post the weekly check-in in the feedback channel."""

        async def body(ctx: Context) -> None:
            await posting.open_weekly(ctx, period=run.period, due_at=run.due_at)

        await run.work(body)

    @job("poll_counts", every=30.0, due="next_count")
    async def poll_counts(self, jobs: Jobs) -> int:
        """Show on each open poll how many have answered (at most every 30 s)."""
        return await jobs.each_community(posting.refresh_counts)

    async def next_count(self, jobs: Jobs) -> datetime | None:
        """When an open poll's post next shows a new count."""
        async with jobs.session() as session:
            return await polls.next_count(session)

    @job("close_polls", every=60.0, due="next_close")
    async def close_polls(self, jobs: Jobs) -> int:
        """Close the polls whose time is up and post their results."""
        return await jobs.each_community(closing.close_due)

    async def next_close(self, jobs: Jobs) -> datetime | None:
        """When the next open poll closes."""
        async with jobs.session() as session:
            return await polls.next_close(session)

    async def _list(self, ctx: Context, *, page: int) -> None:
        async def fetch(offset: int, limit: int) -> tuple[int, list[PollRow]]:
            total, rows = await polls.recent(
                ctx.session, community_id=ctx.community.id, offset=offset, limit=limit
            )
            return total, list(rows)

        shown, rows = await page_of(ctx, fetch, page)
        if shown.total == 0:
            ctx.reply("No polls yet. The weekly check-in is posted every week.", private=True)
            return
        lines = [shown.heading("Polls, newest first")]
        lines += [words.list_line(poll, zone(ctx), ctx.now()) for poll in rows]
        lines.append("See a closed poll's results with /polls results NUMBER.")
        reply_page(ctx, shown, lines, action="polls_page")

    async def _results(self, ctx: Context, number: int) -> None:
        poll = await self._closed(ctx, number, "see its results")
        results = await closing.results_of(ctx, poll)
        ctx.reply(words.results_text(results, zone(ctx)), private=True)

    async def _poll(self, ctx: Context, number: int) -> PollRow:
        poll = await polls.by_number(ctx.session, community_id=ctx.community.id, number=number)
        if poll is None:
            raise UserError(f"There is no poll #{number}. See the polls with /polls.")
        return poll

    async def _closed(self, ctx: Context, number: int, to: str) -> PollRow:
        poll = await self._poll(ctx, number)
        if poll.closed_at is None:
            until = words.when(poll.closes_at, zone(ctx))
            raise UserError(
                f"Poll #{number} is still open (until {until}): its results are hidden until it "
                f"closes. Once it has, you can {to}."
            )
        return poll

    async def _pressed(self, ctx: Context, arg: str) -> PollRow:
        found = row_id(arg)
        poll = found and await polls.by_id(
            ctx.session, community_id=ctx.community.id, poll_id=found
        )
        if not poll:
            raise UserError("This button doesn't work any more. See the polls with /polls.")
        return poll

    async def _writing_to(self, ctx: Context, number: str) -> PollRow:
        """The poll an answer is for: by its number (its ✍️ form carries it), else the newest."""
        if number.strip():
            found = row_id(number.strip().removeprefix("#"))
            poll = found and await polls.by_number(
                ctx.session, community_id=ctx.community.id, number=found
            )
            if not poll:
                raise UserError(
                    f"There is no poll #{render.echo(number, 12)}. See the polls with /polls."
                )
            if not poll.open_question:
                raise UserError("That poll has no written question: choose with its buttons.")
            return poll
        waiting = await polls.open_with_text(
            ctx.session, community_id=ctx.community.id, now=ctx.now()
        )
        if not waiting:
            raise UserError("No open poll asks for a written answer right now.")
        return waiting[0]

    async def _hold_open(self, ctx: Context, poll: PollRow) -> None:
        _refuse_if_closed(ctx, poll)
        if not await polls.hold_open(ctx.session, poll=poll, now=ctx.now()):
            raise UserError(f"This poll {_closed_on(ctx, poll)}.")


def _refuse_if_closed(ctx: Context, poll: PollRow) -> None:
    if poll.closed_at is not None or poll.closes_at <= ctx.now():
        raise UserError(f"This poll {_closed_on(ctx, poll)}.")


def _closed_on(ctx: Context, poll: PollRow) -> str:
    """ "closed on Thu 2026-12-10 15:00 (UTC)"."""
    return f"closed on {words.when(poll.closed_at or poll.closes_at, zone(ctx))}"
