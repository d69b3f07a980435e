"""The catalogue in use: finding a badge by name, awarding what rules grant, what is next."""

from __future__ import annotations

from collections.abc import Collection

from bot import render
from bot.commands import Member
from bot.context import Context
from bot.errors import UserError
from cogs.badges import words
from config.community import CommunityConfig
from config.rules import Rule
from storage import badges
from storage.badges import Standing


async def award_earned(ctx: Context, found: dict[int, Standing]) -> list[tuple[int, str]]:
    """Award every rule badge these members now satisfy and may still get; what was new."""
    rules = usable_rules(ctx)
    earned = [
        (member_id, badge, f"rule: {rule.text}")
        for member_id, standing in found.items()
        for badge, rule in rules
        if badge not in standing.settled and rule.holds(standing.metrics)
    ]
    # Only what this call inserted comes back: a concurrent command's award is announced once.
    return await badges.award_many(
        ctx.session, community_id=ctx.community.id, earned=earned, now=ctx.now()
    )


def usable_rules(ctx: Context) -> list[tuple[str, Rule]]:
    """The catalogue's rules whose every metric is registered, in catalogue order."""
    # A stored rule may name the metric of a feature no longer running: it awards nothing.
    known = ctx.registry.metrics
    return [
        (badge, rule)
        for badge, info in ctx.config.badges.items()
        if (rule := info.parsed) is not None and rule.metrics <= known.keys()
    ]


async def standings(ctx: Context, member_ids: Collection[int] | None) -> dict[int, badges.Standing]:
    """The registered metrics and settled badges of these members (None: every member)."""
    return await badges.standings(
        ctx.session,
        community_id=ctx.community.id,
        member_ids=member_ids,
        now=ctx.now(),
        metrics=tuple(ctx.registry.metrics.values()),
    )


async def upcoming(ctx: Context, who: Member, *, limit: int) -> list[str]:
    """The rule badges a member may still earn, nearest first, with where they stand."""
    standing = (await standings(ctx, [who.id])).get(who.id)
    if standing is None:
        return []
    ahead = []
    metrics = ctx.registry.metrics
    for badge, rule in usable_rules(ctx):
        info = ctx.config.badges[badge]
        if badge in standing.settled:
            continue
        if rule.holds(standing.metrics):
            line = "earned: it is awarded at the next daily check"
        else:
            line = words.progress_line(rule, standing.metrics, metrics)
        ahead.append(
            (words.closeness(rule, standing.metrics), f"{words.badge_title(info)}: {line}")
        )
    ahead.sort(key=lambda item: -item[0])  # stable: ties keep the catalogue's order
    return [line for _, line in ahead[:limit]]


def known_badge(config: CommunityConfig, text: str) -> str:
    """The catalogue id a moderator meant, by id or name, ignoring case."""
    wanted = " ".join(text.strip().lower().replace("_", " ").split())
    for badge, info in config.badges.items():
        if wanted in (badge.replace("_", " "), info.name.strip().lower()):
            return badge
    ids = ", ".join(config.badges) or "none"
    raise UserError(
        f"There is no badge “{render.echo(text)}”. The badges are: {ids} "
        "(see them with /badges list)."
    )


def title(config: CommunityConfig, badge: str) -> str:
    """A badge's emoji and name, or its id if the catalogue no longer has it."""
    info = config.badges.get(badge)
    return words.badge_title(info) if info else f"`{render.safe(badge)}`"
