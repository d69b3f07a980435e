"""What /match status and /match stats show, and finding the seat a round's button names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot import render
from bot.context import Context
from bot.errors import UserError
from cogs.common import day_month, in_words, plural, row_id, zone
from cogs.matching import rounds
from cogs.matching.words import CAME, SAID
from storage import matching, needs
from storage.matching import Placed, RoundStats
from storage.models import MemberRow
from storage.models.matching import IN, OUT

PAUSED = "paused"


async def say(ctx: Context) -> tuple[str, datetime | None]:
    """The member's part in rounds, in one read: in, paused (until when) or out."""
    row = await matching.standing(ctx.session, member_id=ctx.author.id)
    if row is None:  # never said: the community's default
        return (IN if ctx.config.match_default_in else OUT), None
    if row.status != IN:
        return OUT, None
    if row.paused_until is not None and row.paused_until > ctx.now():
        return PAUSED, row.paused_until
    return IN, None


async def next_line(ctx: Context) -> str:
    """When the next round runs, in a sentence."""
    last = await matching.latest_round(ctx.session, community_id=ctx.community.id)
    at = rounds.next_round(ctx.config, last, ctx.now())
    every = ctx.config.match_every_weeks
    often = "every week" if every == 1 else f"every {every} weeks"
    if at is None:
        return f"Rounds run {often}."
    local = at.astimezone(zone(ctx))
    return f"The next round is on {local:%A} {day_month(ctx, at)} at {local:%H:%M} ({often})."


async def tip(ctx: Context) -> str:
    """A nudge to say what you need and offer, when the member has said neither."""
    found = [
        await needs.open_tags(
            ctx.session, community_id=ctx.community.id, member_id=ctx.author.id, kind=kind
        )
        for kind in (needs.NEED, needs.OFFER)
    ]
    if any(found):
        return "Rounds pair you on your needs and offers first, then on shared interests."
    return (
        "Tip: say what you're looking for (/need add) and what you can give (/offer add), "
        "so rounds pair you with someone who can help."
    )


async def text(ctx: Context) -> str:
    """The member's own view: in or not, the next round, their last matches, whom they avoid."""
    state, until = await say(ctx)
    lines = ["**Matching rounds**"]
    if state == OUT:
        lines.append("You're not taking part. Join with /match join.")
    elif state == PAUSED and until is not None:
        lines.append(f"You're paused until {day_month(ctx, until)}; /match join resumes now.")
    else:
        lines.append(f"You're in. {await next_line(ctx)}")
    me = await ctx.session.get(MemberRow, ctx.author.id)
    if me is not None and me.dms_off:
        lines.append("Your DMs from copbot are off, so rounds skip you (/dms on).")
    elif me is not None and me.away_until is not None and me.away_until > ctx.now():
        lines.append(f"You're away until {day_month(ctx, me.away_until)}, so rounds skip you.")
    recent = await matching.recent_for(ctx.session, member_id=ctx.author.id)
    if recent:
        lines.append("**Your last matches**")
        lines += [_placed_line(ctx, placed) for placed in recent]
    avoided = await matching.avoided(ctx.session, member_id=ctx.author.id)
    if avoided:
        names = in_words([f"**{render.safe(member.name)}**" for member in avoided])
        lines.append(f"Never paired with: {names} (only you see this; /match unavoid undoes it).")
    return "\n".join(lines)


async def home(ctx: Context) -> str:
    """The member's matching rounds, for their home page."""
    lines = ["**Matching rounds**"]
    state, _ = await say(ctx)
    if state == IN:
        lines.append(f"You're in. {await next_line(ctx)}")
    elif state == PAUSED:
        lines.append("You're paused; /match join resumes.")
    else:
        lines.append("Meet someone who can help, every few weeks: /match join.")
    recent = await matching.recent_for(ctx.session, member_id=ctx.author.id, limit=1)
    if recent:
        lines.append(f"Latest match: {_placed_line(ctx, recent[0])[2:]}")
    return "\n".join(lines)


def _placed_line(ctx: Context, placed: Placed) -> str:
    names = names_of(placed.others)
    said = SAID.get(placed.seat.answer or "", "no answer yet")
    if placed.seat.came_of_it:
        said += f": {CAME[placed.seat.came_of_it]}"
    when = day_month(ctx, placed.round.started_at)
    return f"- Round {placed.round.number} ({when}): {names} · {said}"


def names_of(members: Sequence[MemberRow]) -> str:
    """Members' names in a sentence, bold and safe."""
    return in_words([f"**{render.safe(member.name)}**" for member in members]) or "nobody"


async def current_seat(ctx: Context, group_arg: str) -> Placed:
    """The pressing member's seat in the group a button names, if its round is the latest."""
    group_id = row_id(group_arg)
    placed = None
    if group_id is not None:
        placed = await matching.seat_of(ctx.session, group_id=group_id, member_id=ctx.author.id)
    if placed is None or placed.group.community_id != ctx.community.id:
        raise UserError("I can't find that match any more. See yours with /match status.")
    latest = await matching.latest_round(ctx.session, community_id=ctx.community.id)
    if latest is not None and latest.id != placed.round.id:
        raise UserError(
            f"That was round {placed.round.number}; round {latest.number} has begun since, so "
            "its buttons are closed. See your latest match with /match status."
        )
    return placed


def stats_text(ctx: Context, figures: list[RoundStats]) -> str:
    """Rounds, pairs, meeting rate and needs met through matches, newest round first."""
    if not figures:
        every = ctx.config.match_every_weeks
        return (
            "No matching rounds yet. Members join with /match join; rounds run every "
            f"{plural(every, 'week')} on {ctx.config.match_day} at {ctx.config.match_time}."
        )
    groups = sum(f.groups for f in figures)
    met = sum(f.met for f in figures)
    answered = sum(f.answered for f in figures)
    lines = [
        f"**Matching rounds: the last {plural(len(figures), 'round')}**",
        f"{plural(groups, 'group')} made; {plural(met, 'group')} met "
        f"({_rate(met, groups)}); {answered} answered at all.",
        f"Needs met through matches: {sum(f.needs_met for f in figures)}; "
        f"things made together: {sum(f.made for f in figures)}; "
        f"groups paired on a need↔offer: {sum(f.paired_on_needs for f in figures)}.",
        "**Round by round**",
    ]
    for f in figures:
        lines.append(
            f"- Round {f.number} ({day_month(ctx, f.started_at)}): {f.pool} in the pool, "
            f"{plural(f.groups, 'group')}, {f.met} met ({_rate(f.met, f.groups)}), "
            f"{f.needs_met} needs met"
        )
    return "\n".join(lines)


def _rate(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"
