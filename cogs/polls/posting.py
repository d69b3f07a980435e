"""Opening polls and keeping their posts' counts: the weekly check-in, a moderator's question."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import render
from bot.context import Context
from bot.outbox import Handle
from bot.reply import Button
from cogs.common import zone
from cogs.polls import words
from cogs.polls.asking import OPTION_MAX
from storage import polls
from storage.models import PollRow

VOTE, WRITE = "poll_vote", "poll_write"  # the buttons' actions


def key(ctx: Context, number: int, what: str) -> str:
    """The outbox key of a poll's post or results: each is said once, ever."""
    return f"poll:{ctx.community.id}:{number}:{what}"


async def buttons(ctx: Context, poll: PollRow) -> tuple[Button, ...]:
    """One button per option, and ✍️ Answer when the poll asks for words too."""
    assert poll.id is not None
    options = await polls.options_of(ctx.session, poll_id=poll.id)
    shown = [Button(o.label, VOTE, f"{poll.id}:{o.position}") for o in options]
    if poll.open_question:
        shown.append(Button("✍️ Answer", WRITE, str(poll.id), style="primary"))
    return tuple(shown)


async def open_text(ctx: Context, poll: PollRow, answered: int) -> str:
    """The open post's text, with the responses it listed at its top."""
    assert poll.id is not None
    listed = await polls.listed_in(ctx.session, poll_id=poll.id) if poll.period else ()
    return words.open_post(poll, answered, zone(ctx), listed)


async def open_and_post(ctx: Context, new: polls.NewPoll) -> PollRow:
    """Store a poll under its next number and post it, once (its key says so)."""
    number = await polls.next_number(ctx.session, community_id=ctx.community.id)
    post_key = key(ctx, number, "post")
    handle = Handle.new(post_key)  # known before posting, so the poll row can keep it
    poll = await polls.open_poll(
        ctx.session, community_id=ctx.community.id, new=new, post=handle.id, now=ctx.now()
    )
    if new.period:
        waiting = await polls.unlisted(ctx.session, community_id=ctx.community.id)
        assert poll.id is not None
        await polls.listed(ctx.session, responses=[r for r, _ in waiting], poll_id=poll.id)
    posted = ctx.post(
        poll.channel, await open_text(ctx, poll, 0), buttons=await buttons(ctx, poll), key=post_key
    )
    assert posted == handle
    return poll


async def open_weekly(ctx: Context, *, period: str, due_at: datetime) -> PollRow | None:
    """Open this period's weekly check-in in the feedback channel (None: it was opened)."""
    if await polls.weekly_of(ctx.session, community_id=ctx.community.id, period=period):
        return None  # the poll table is the record: a rerun of the job asks nothing twice
    config = ctx.config
    hours = timedelta(hours=config.poll_open_hours)
    closes = due_at + hours
    if closes <= ctx.now():  # caught up after a long downtime: still open its full hours
        closes = ctx.now() + hours
    new = polls.NewPoll(
        question=config.poll_rating_question,
        options=[render.clip(label, OPTION_MAX) for label in config.poll_rating_labels],
        channel=config.feedback_channel,
        closes_at=closes,
        open_question=config.poll_open_question,
        period=period,
    )
    return await open_and_post(ctx, new)


async def refresh_counts(ctx: Context) -> None:
    """Edit each open post whose count is due and changed (at most every 30 s)."""
    for poll in await polls.counts_due(ctx.session, community_id=ctx.community.id, now=ctx.now()):
        answered = await polls.answered(ctx.session, poll=poll)
        if await polls.counted(ctx.session, poll=poll, shown=answered, now=ctx.now()):
            text = await open_text(ctx, poll, answered)
            ctx.edit(Handle(poll.post), text, buttons=await buttons(ctx, poll))
