"""Polls' part of a member's data: which polls they answered, named votes, polls they asked.

Anonymous answers are never tied to anyone (`poll_answer` has no member), so they are
neither exported nor erased: nobody, copbot included, can tell which were theirs.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, delete, select

from bot.context import Context
from bot.memberdata import DataHook, detach, plain
from storage.models import PollOptionRow, PollResponseRow, PollRow, PollVoteRow, PollVoterRow


async def export(ctx: Context, member_id: int) -> dict[str, Any]:
    """The parts of polls they answered, their choices in named polls, and what they asked."""
    here = ctx.community.id
    answered = await ctx.session.exec(
        select(PollRow.number, PollVoterRow.part)
        .join(PollRow, col(PollRow.id) == col(PollVoterRow.poll_id))
        .where(PollRow.community_id == here, PollVoterRow.member_id == member_id)
    )
    votes = await ctx.session.exec(
        select(PollRow.number, PollOptionRow.label)
        .select_from(PollVoteRow)
        .join(PollRow, col(PollRow.id) == col(PollVoteRow.poll_id))
        .join(
            PollOptionRow,
            (col(PollOptionRow.poll_id) == col(PollVoteRow.poll_id))
            & (col(PollOptionRow.position) == col(PollVoteRow.position)),
        )
        .where(PollRow.community_id == here, PollVoteRow.member_id == member_id)
    )
    asked = await ctx.session.exec(
        select(PollRow).where(PollRow.community_id == here, PollRow.asked_by == member_id)
    )
    responses = await ctx.session.exec(
        select(PollResponseRow).where(
            PollResponseRow.community_id == here, PollResponseRow.by_id == member_id
        )
    )
    return {
        "polls_answered": [{"poll": number, "part": part} for number, part in answered.all()],
        "named_votes": [{"poll": number, "chose": label} for number, label in votes.all()],
        "polls_asked": [{"poll": p.number, "question": p.question} for p in asked.all()],
        "poll_responses": [{"text": r.text, "at": plain(r.created_at)} for r in responses.all()],
    }


async def erase(ctx: Context, member_id: int) -> None:
    """Delete their answered marks and named votes; polls and responses stay, unsigned."""
    # Option counts stay as they are: a count names nobody, and the poll's result stands.
    polls = select(PollRow.id).where(PollRow.community_id == ctx.community.id)
    for model in (PollVoterRow, PollVoteRow):
        await ctx.session.exec(
            delete(model).where(  # type: ignore[call-overload]
                col(model.member_id) == member_id, col(model.poll_id).in_(polls)
            )
        )
    await detach(ctx, PollRow.asked_by, member_id)
    await detach(ctx, PollResponseRow.by_id, member_id)


HOOK = DataHook(("poll", "poll_voter", "poll_vote", "poll_response"), export, erase)
