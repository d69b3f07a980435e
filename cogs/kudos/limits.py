"""The rules on who can be thanked and how often: recipients, the allowance, the spotlight cap."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot import render
from bot.commands import Member
from bot.context import Context
from bot.errors import UserError
from cogs.common import local_now, plural
from storage import kudos

# Spotlights sit outside the allowance and the same-person rule; this only stops accidents
# (a pasted list, a runaway script), far above what a moderator means to give in a day.
SPOTLIGHT_DAILY_CAP = 20


def check_recipients(ctx: Context, named: list[Member], *, verb: str = "thank") -> list[Member]:
    """The distinct people named, refusing yourself and bots."""
    recipients = list({m.id: m for m in named}.values())
    if any(m.id == ctx.author.id for m in recipients):
        raise UserError(f"You can't {verb} yourself (though thank you for being here!).")
    bots = [m for m in recipients if m.is_bot]
    if bots:
        raise UserError(f"**{render.name(bots[0])}** is a bot: {verb} the people instead.")
    return recipients


async def check_allowance(ctx: Context, recipients: list[Member]) -> int:
    """Refuse what the daily limits forbid; return how many more people can be thanked today."""
    given = await _given_today(ctx)
    repeated = [
        m
        for m in recipients
        if given.by_receiver.get(m.id, 0) >= ctx.config.kudos_same_recipient_daily
    ]
    if repeated:
        raise UserError(
            f"You already thanked **{render.name(repeated[0])}** today; "
            "you can thank them again tomorrow."
        )
    allowance = ctx.config.kudos_daily_allowance
    left = allowance - given.plain
    if len(recipients) > left:
        if left <= 0:
            raise UserError(
                f"You've thanked {plural(allowance, 'person', 'people')} today, the daily "
                f"allowance. It resets at midnight ({resets_in(ctx)} from now)."
            )
        raise UserError(
            f"You can thank {left} more today (it resets in {resets_in(ctx)}); "
            f"you named {len(recipients)}."
        )
    return left - len(recipients)


async def check_spotlight_cap(ctx: Context, recipients: list[Member]) -> None:
    """Refuse a spotlight past the daily cap that guards against accidents."""
    given = await _given_today(ctx)
    left = SPOTLIGHT_DAILY_CAP - given.spotlights
    if len(recipients) > left:
        raise UserError(
            f"You've spotlighted {plural(given.spotlights, 'person', 'people')} today; "
            f"spotlights stop at {SPOTLIGHT_DAILY_CAP} a day, in case of a slip. "
            f"The count resets at midnight ({resets_in(ctx)} from now)."
        )


def resets_in(ctx: Context) -> str:
    """How long until midnight in the community's time zone: "14 h 57 min"."""
    now = local_now(ctx)
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)
    # In UTC: a subtraction within one zone is wall-clock time, an hour off on a DST night.
    until = midnight.astimezone(UTC) - now.astimezone(UTC)
    minutes = max(1, int(until.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def still_to_give(ctx: Context, left: int) -> str:
    """What a giver has left today, after thanks went out."""
    if left > 0:
        return f"You can thank {plural(left, 'more person', 'more people')} today."
    resets = resets_in(ctx)
    return f"That was your last one for today; your allowance resets at midnight (in {resets})."


async def _given_today(ctx: Context) -> kudos.Given:
    now = local_now(ctx)
    midnight = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    return await kudos.given_since(
        ctx.session, community_id=ctx.community.id, giver_id=ctx.author.id, since=midnight
    )
