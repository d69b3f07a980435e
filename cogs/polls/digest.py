"""The polls' part of the digest: the latest poll closed in the period, and what was done."""

from __future__ import annotations

from collections.abc import Sequence

from bot import render
from bot.context import Context
from bot.pages import Gathering, Line
from cogs.common import in_words
from cogs.polls import words
from storage import polls
from storage.models import PollOptionRow, PollResponseRow

RESPONSE_CLIP = 200


async def add_section(ctx: Context, gathering: Gathering) -> None:
    """The latest poll closed in the period: its question, how it came out, "you said, we did"."""
    session, community_id = ctx.session, ctx.community.id
    poll = await polls.latest_closed(
        session, community_id=community_id, since=gathering.since, until=gathering.until
    )
    answered = await polls.answered(session, poll=poll) if poll is not None else 0
    # No line names a member (totals, and what moderators did), so none credits one.
    lines: list[Line] = []
    summary = ""
    done: list[PollResponseRow] = []
    # A poll nobody answered is no news: a quiet week's check-in alone makes no digest.
    if poll is not None and poll.id is not None and answered:
        options = await polls.options_of(session, poll_id=poll.id)
        # Totals only: never who chose what, nor members' written answers, even on a named poll.
        summary = f"Poll #{poll.number}: {poll.question} ({words.answered_words(answered)})"
        lines.append(Line(outcome(poll.period is not None, options)))
        done += await polls.responses_to(session, poll_id=poll.id)
    # What was done in the period about earlier polls counts too: that is the loop closing.
    later = await polls.responded_since(session, community_id=community_id, since=gathering.since)
    seen = {r.id for r in done}
    done += [r for r, _ in later if r.created_at < gathering.until and r.id not in seen]
    lines += [Line(f"You said, we did: {render.clip(r.text, RESPONSE_CLIP)}") for r in done]
    gathering.add("🗳️ Last poll", lines, summary)


def outcome(weekly: bool, options: Sequence[PollOptionRow]) -> str:
    """How a poll came out: a weekly check-in's average, else the most chosen option(s)."""
    total = sum(o.votes for o in options)
    if not total:
        return "Nobody chose an option."
    if weekly:
        average = words.rating(options)
        return f"Average: {average:.1f} of {len(options)}"
    most = max(o.votes for o in options)
    leading = in_words([o.label for o in options if o.votes == most])
    return f"Most chosen: {leading} ({most} of {total})"
