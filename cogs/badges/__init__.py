"""Badges: recognition earned by the community's rules right after the action, or granted."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

from bot import render
from bot.binding import as_member
from bot.commands import Length, Level, Member, Suggest, command, job, listener
from bot.context import Context
from bot.errors import UserError
from cogs.badges import words
from config.community import CommunityConfig
from storage import badges
from storage.badges import Standing
from storage.models import MemberRow

if TYPE_CHECKING:
    from bot.jobs import Jobs

GENEROUS_DAYS = 90
TOP_GIVERS = 10
NEXT_SHOWN = 3  # badges shown as "next" in /badges, nearest first
LIST_LIMIT = 40  # holders named per advocate badge before "and N more"
MESSAGE_LIMIT = 1900  # under Discord's 2,000 characters


class Badges:
    """Badges that recognise what members bring to the community."""

    @listener("progress")
    async def on_progress(self, ctx: Context) -> None:
        """Award the badges members just earned, and announce each one."""
        people = {member_id: m for member_id, m in ctx.progress.items() if not m.is_bot}
        if not people:
            return
        found = await badges.standings(
            ctx.session, community_id=ctx.community.id, member_ids=people, now=ctx.now()
        )
        for member_id, badge in await _award_earned(ctx, found):
            info = ctx.config.badges[badge]
            ctx.post(ctx.config.badge_channel or None, words.earned_line(people[member_id], info))

    @job("badge_recheck", cron="15 3 * * *")
    async def badge_recheck(self, jobs: Jobs) -> int:
        """Award every badge members now qualify for; one summary post per community."""
        total = 0

        def count(awarded: int) -> None:
            nonlocal total
            total += awarded

        async def body(ctx: Context) -> None:
            awarded = await self.recheck(ctx)
            # Counted only once the community's transaction commits.
            ctx.after_commit.append(lambda: count(awarded))

        await jobs.each_community(body)
        return total

    async def recheck(self, ctx: Context) -> int:
        """Award, in one community, what the rules now grant (a new rule is backfilled)."""
        found = await badges.standings(
            ctx.session, community_id=ctx.community.id, member_ids=None, now=ctx.now()
        )
        new = await _award_earned(ctx, found)
        if not new:
            return 0
        rows = await badges.rows_of(
            ctx.session, community_id=ctx.community.id, member_ids={m for m, _ in new}
        )
        earned: dict[str, list[Member]] = {badge: [] for badge in ctx.config.badges}
        for member_id, badge in new:
            earned[badge].append(as_member(rows[member_id]))
        config = ctx.config
        channel = config.badge_channel or config.kudos_channel or config.announce_channel
        shown = {badge: people for badge, people in earned.items() if people}
        ctx.post(channel or "general", words.summary(shown, config.badges))
        return len(new)

    @command("badges", private=True, root_name="show")
    async def badges_show(
        self, ctx: Context, member: Annotated[Member | None, "Whose badges (yours if empty)"] = None
    ) -> None:
        """Show a member's badges, and how close they are to the next ones."""
        who = member or ctx.author
        if who.is_bot:
            raise UserError("Bots don't earn badges. Try /badges @member for a person.")
        held = await badges.awards_of(ctx.session, community_id=ctx.community.id, member_id=who.id)
        own = who.id == ctx.author.id
        title = "Your badges" if own else f"{render.name(who)}'s badges"
        lines = [f"**{title}** ({len(held)})"]
        for row in held:
            granted = " (granted by a moderator)" if row.granted_by is not None else ""
            lines.append(f"- {_title(ctx.config, row.badge)}, {row.awarded_at:%Y-%m-%d}{granted}")
        if not held:
            lines.append("None yet." if not own else "None yet: see how to earn them below.")
        upcoming = await _upcoming(ctx, who, limit=NEXT_SHOWN)
        if upcoming:
            lines += ["**Next**", *(f"- {line}" for line in upcoming)]
        lines.append("Every badge and how to earn it: /badges list")
        ctx.reply(render.clip("\n".join(lines), MESSAGE_LIMIT))

    @command("badges list", private=True)
    async def badges_list(self, ctx: Context) -> None:
        """List every badge: what it means, how it is earned, and how many hold it."""
        held = await badges.counts(ctx.session, community_id=ctx.community.id)
        lines = ["**Badges**"]
        for badge, info in ctx.config.badges.items():
            count = held.get(badge, 0)
            holders = "nobody yet" if count == 0 else f"{count} {_people(count)}"
            lines.append(
                f"- {words.badge_title(info)} (`{badge}`): "
                f"{render.trusted(info.description.rstrip('.'))}. "
                f"How: {words.rule_words(info.parsed)}. Held by {holders}."
            )
        if not ctx.config.badges:
            lines.append("This community has no badges.")
        ctx.reply(render.clip("\n".join(lines), MESSAGE_LIMIT))

    @command("badge grant", level=Level.MODERATOR, private=True)
    async def badge_grant(
        self,
        ctx: Context,
        member: Annotated[Member, "Who receives the badge"],
        badge: Annotated[str, "The badge's id or name", Suggest("badge_names")],
        *,
        reason: Annotated[str, "Why they deserve it (5 to 300 characters)", Length(5, 300)],
    ) -> None:
        """Grant a member a badge and say why (manual badges, or to correct a rule)."""
        badge_id = _known_badge(ctx.config, badge)
        info = ctx.config.badges[badge_id]
        if member.is_bot:
            raise UserError("Bots don't hold badges. Grant it to a person instead.")
        granted = await badges.grant(
            ctx.session,
            community_id=ctx.community.id,
            member_id=member.id,
            badge=badge_id,
            by_id=ctx.author.id,
            reason=reason,
            now=ctx.now(),
        )
        if not granted:
            raise UserError(
                f"**{render.name(member)}** already holds {words.badge_title(info)}. "
                "To take it back, use /badge revoke."
            )
        ctx.post(
            ctx.config.badge_channel or None,
            f"{render.trusted(info.emoji)} {render.mention(member)} was granted "
            f"**{render.trusted(info.name)}** by {render.name(ctx.author)}: {render.safe(reason)}",
        )
        ctx.reply(f"Done: {render.name(member)} now holds {words.badge_title(info)}.")

    @command("badge revoke", level=Level.MODERATOR, private=True)
    async def badge_revoke(
        self,
        ctx: Context,
        member: Annotated[Member, "Who loses the badge"],
        badge: Annotated[str, "The badge's id or name", Suggest("badge_names")],
        *,
        reason: Annotated[str, "Why it is taken back (5 to 300 characters)", Length(5, 300)],
    ) -> None:
        """Take a badge back from a member and say why."""
        badge_id = _known_badge(ctx.config, badge)
        info = ctx.config.badges[badge_id]
        revoked = await badges.revoke(
            ctx.session,
            community_id=ctx.community.id,
            member_id=member.id,
            badge=badge_id,
            by_id=ctx.author.id,
            reason=reason,
            now=ctx.now(),
        )
        if not revoked:
            raise UserError(
                f"**{render.name(member)}** doesn't hold {words.badge_title(info)}. "
                f"See what they hold with /badges @{render.name(member)}."
            )
        ctx.reply(
            f"Done: {render.name(member)} no longer holds {words.badge_title(info)}, and your "
            "reason is on record. Rules won't award it to them again; /badge grant gives it back."
        )

    async def badge_names(self, ctx: Context, typed: str) -> list[str]:
        """Badge ids whose id or name contains what was typed."""
        wanted = typed.strip().lower()
        return [
            badge
            for badge, info in ctx.config.badges.items()
            if wanted in badge or wanted in info.name.lower()
        ]

    @command("advocates", private=True)
    async def advocates(self, ctx: Context) -> None:
        """Show the community's advocates and its most generous members, to thank them."""
        marked = [badge for badge, info in ctx.config.badges.items() if info.advocate]
        held = await badges.holders(ctx.session, community_id=ctx.community.id, badges=marked)
        by_badge: dict[str, list[MemberRow]] = {}
        for award, row in held:
            by_badge.setdefault(award.badge, []).append(row)
        lines = ["**Advocates**"]
        for badge in marked:
            lines.append(f"- {_title(ctx.config, badge)}: {_names(by_badge.get(badge, []))}")
        if not marked:
            lines.append("No badge is marked `advocate = true` in this community's catalogue.")
        top = await badges.top_givers(
            ctx.session,
            community_id=ctx.community.id,
            since=ctx.now() - timedelta(days=GENEROUS_DAYS),
            limit=TOP_GIVERS,
        )
        lines += ["", f"**Most generous in the last {GENEROUS_DAYS} days** (kudos given)"]
        for rank, (row, given) in enumerate(top, start=1):
            lines.append(f"{rank}. {render.safe(row.name)}: {given}")
        if not top:
            lines.append(f"Nobody has given kudos in the last {GENEROUS_DAYS} days.")
        ctx.reply(render.clip("\n".join(lines), MESSAGE_LIMIT))

    @listener("home_opened")
    async def home(self, ctx: Context) -> None:
        """The member's badges on their home page, or how to earn a first one."""
        held = await badges.awards_of(
            ctx.session, community_id=ctx.community.id, member_id=ctx.author.id
        )
        if held:
            shown = ", ".join(_title(ctx.config, row.badge) for row in held)
            ctx.reply(f"**Your badges**\n{shown}")
            return
        upcoming = await _upcoming(ctx, ctx.author, limit=1)
        nearest = f" The nearest: {upcoming[0]}." if upcoming else ""
        ctx.reply(f"**Your badges**\nNone yet.{nearest} See how to earn each with /badges list.")


async def _award_earned(ctx: Context, found: dict[int, Standing]) -> list[tuple[int, str]]:
    """Award every rule badge these members now satisfy and may still get; what was new."""
    rules = [(badge, info.parsed) for badge, info in ctx.config.badges.items() if info.parsed]
    earned = [
        (member_id, badge, f"rule: {rule.text}")
        for member_id, standing in found.items()
        for badge, rule in rules
        if rule is not None and badge not in standing.settled and rule.holds(standing.metrics)
    ]
    # Only what this call inserted comes back: a concurrent command's award is announced once.
    return await badges.award_many(
        ctx.session, community_id=ctx.community.id, earned=earned, now=ctx.now()
    )


async def _upcoming(ctx: Context, who: Member, *, limit: int) -> list[str]:
    """The rule badges a member may still earn, nearest first, with where they stand."""
    found = await badges.standings(
        ctx.session, community_id=ctx.community.id, member_ids=[who.id], now=ctx.now()
    )
    standing = found.get(who.id)
    if standing is None:
        return []
    ahead = []
    for badge, info in ctx.config.badges.items():
        rule = info.parsed
        if rule is None or badge in standing.settled:
            continue
        if rule.holds(standing.metrics):
            line = "earned: it is awarded at the next daily check"
        else:
            line = words.progress_line(rule, standing.metrics)
        ahead.append(
            (words.closeness(rule, standing.metrics), f"{words.badge_title(info)}: {line}")
        )
    ahead.sort(key=lambda item: -item[0])  # stable: ties keep the catalogue's order
    return [line for _, line in ahead[:limit]]


def _known_badge(config: CommunityConfig, text: str) -> str:
    """The catalogue id a moderator meant, by id or name, ignoring case."""
    wanted = " ".join(text.strip().lower().replace("_", " ").split())
    for badge, info in config.badges.items():
        if wanted in (badge.replace("_", " "), info.name.strip().lower()):
            return badge
    ids = ", ".join(config.badges) or "none"
    raise UserError(
        f"There is no badge “{render.safe(text[:30])}”. The badges are: {ids} "
        "(see them with /badges list)."
    )


def _title(config: CommunityConfig, badge: str) -> str:
    """A badge's emoji and name, or its id if the catalogue no longer has it."""
    info = config.badges.get(badge)
    return words.badge_title(info) if info else f"`{render.safe(badge)}`"


def _names(rows: list[MemberRow]) -> str:
    if not rows:
        return "nobody yet (moderators grant it with /badge grant)"
    names = ", ".join(render.safe(row.name) for row in rows[:LIST_LIMIT])
    more = f" and {len(rows) - LIST_LIMIT} more" if len(rows) > LIST_LIMIT else ""
    return names + more


def _people(count: int) -> str:
    return "member" if count == 1 else "members"
