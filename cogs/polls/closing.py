"""Closing a poll: its post shows the results without buttons, and the results post follows."""

from __future__ import annotations

import random

from bot.context import Context
from bot.outbox import Handle
from cogs.common import zone
from cogs.polls import words
from cogs.polls.chart import trend_chart
from cogs.polls.posting import key
from storage import polls
from storage.models import PollRow


async def results_of(ctx: Context, poll: PollRow) -> words.Results:
    """Everything a closed poll shows, read in the caller's transaction."""
    assert poll.id is not None
    session = ctx.session
    answers: list[str] = []
    if poll.open_question:
        # Stored in random order already; sorted, then shuffled seeded by the poll, so every
        # showing of one poll reads the same and the order still says nothing of who or when.
        answers = sorted(await polls.answers(session, poll_id=poll.id))
        random.Random(poll.id).shuffle(answers)
    choosers = [] if poll.anonymous else await polls.choosers(session, poll_id=poll.id)
    trend = []
    if poll.period:
        trend = await polls.weekly_trend(session, community_id=poll.community_id, up_to=poll.number)
    return words.Results(
        poll=poll,
        options=await polls.options_of(session, poll_id=poll.id),
        answered=await polls.answered(session, poll=poll),
        answers=answers,
        choosers=choosers,
        trend=trend,
        responses=await polls.responses_to(session, poll_id=poll.id),
    )


async def close_poll(ctx: Context, poll: PollRow) -> bool:
    """Close a poll once and say its results; False if it was closed already."""
    if not await polls.close(ctx.session, poll=poll, now=ctx.now()):
        return False
    results = await results_of(ctx, poll)
    await polls.counted(ctx.session, poll=poll, shown=results.answered, now=ctx.now())
    shown = zone(ctx)
    # No buttons: the edit takes them off, so nobody presses a closed poll.
    ctx.edit(Handle(poll.post), words.closed_post(results, shown))
    chart = None
    if poll.period and results.trend:
        chart = trend_chart(results.trend, shown, number=poll.number)
    ctx.post(
        poll.channel,
        words.results_text(results, shown),
        image=chart,
        key=key(ctx, poll.number, "results"),
    )
    return True


async def close_due(ctx: Context) -> None:
    """Close every poll of the community whose time is up."""
    for poll in await polls.due_to_close(ctx.session, community_id=ctx.community.id, now=ctx.now()):
        await close_poll(ctx, poll)
