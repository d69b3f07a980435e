"""The polls' part of the digest: the latest poll closed in the period, and what was done."""

from __future__ import annotations

from collections.abc import Sequence

from bot import render
from bot.context import Context
from bot.pages import Gathering, Line
from cogs.common import in_words
from cogs.polls import words
from storage import polls
from storage.models import PollOptionRow, PollRow

RESPONSE_CLIP = 200


async def add_section(ctx: Context, gathering: Gathering) -> None:
    """The latest poll closed in the period: its question, how it came out, "you said, we did"."""
    session, community_id = ctx.session, ctx.community.id
    poll = await polls.latest_closed(
        session, community_id=community_id, since=gathering.since, until=gathering.until
    )
    lines: list[Line] = []
    summary = ""
    if poll is not None:
        assert poll.id is not None
        options = await polls.options_of(session, poll_id=poll.id)
        answered = await polls.answered(session, poll=poll)
        # Totals only: never who chose what, nor members' written answers, even on a named poll.
        summary = f"Poll #{poll.number}: {poll.question} ({words.answered_words(answered)})"
        lines.append(Line(outcome(poll.period is not None, options)))
        done = list(await polls.responses_to(session, poll_id=poll.id))
    else:
        done = []
    # What was done about earlier polls in the period counts too: that is the loop closing.
    later = await polls.responded_since(session, community_id=community_id, since=gathering.since)
    done += [
        r for r, asked in later if r.created_at < gathering.until and asked.id != poll_id(poll)
    ]
    lines += [Line(f"You said, we did: {render.clip(r.text, RESPONSE_CLIP)}") for r in done]
    gathering.add("🗳️ Last poll", lines, summary)


def poll_id(poll: PollRow | None) -> int | None:
    """The poll's id, or None without a poll."""
    return poll.id if poll is not None else None


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
