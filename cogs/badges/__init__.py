"""Badges: recognition earned by the community's rules right after the action, or granted."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

from bot import render
from bot.binding import as_member
from bot.commands import IncludeLeft, Length, Level, Member, Suggest, action, command, job, listener
from bot.context import Context
from bot.errors import UserError
from bot.news import News
from bot.pages import Gathering, Line
from bot.paging import Page, split_key
from bot.reply import Attachment
from cogs.badges import credentials, words
from cogs.badges import data as badges_data
from cogs.badges.catalogue import award_earned, known_badge, standings, title, upcoming
from cogs.common import (
    fetch_list,
    in_words,
    local_date,
    member_of,
    page_of,
    plural,
    reply_page,
    shown_name,
)
from cogs.impact.report import file_name as report_file_name
from config.community import BadgeInfo
from storage import badges
from storage.models import MemberRow

if TYPE_CHECKING:
    from bot.jobs import JobRun

GENEROUS_DAYS = 90
TOP_GIVERS = 10
NEXT_SHOWN = 3  # badges shown as "next" in /badges, nearest first


class Badges:
    """Badges that recognise what members bring to the community."""

    data = badges_data.HOOK  # what it holds about a member, for /my-data and /forget-me

    @listener("progress")
    async def on_progress(self, ctx: Context) -> None:
        """Award the badges members just earned, and announce each one."""
        people = {member_id: m for member_id, m in ctx.progress.items() if not m.is_bot}
        if not people:
            return
        found = await standings(ctx, people)
        for member_id, badge in await award_earned(ctx, found):
            info = ctx.config.badges[badge]
            ctx.post(ctx.config.badge_channel or None, words.earned_line(people[member_id], info))

    @job("badge_recheck", daily="03:15")
    async def badge_recheck(self, run: JobRun) -> int:
        """Award every badge members now qualify for; one summary post per community."""
        awarded = 0

        async def body(ctx: Context) -> None:
            nonlocal awarded
            awarded = await self.recheck(ctx)

        return awarded if await run.work(body) else 0

    async def recheck(self, ctx: Context) -> int:
        """Award, in one community, what the rules now grant (a new rule is backfilled)."""
        new = await award_earned(ctx, await standings(ctx, None))
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
        self,
        ctx: Context,
        member: Annotated[Member | None, "Whose badges (yours if empty)", IncludeLeft()] = None,
    ) -> None:
        """Show a member's badges, and how close they are to the next ones."""
        await self._show(ctx, member or ctx.author, page=1)

    @action("badges_show")
    async def badges_show_page(self, ctx: Context, arg: str) -> None:
        """Another page of a member's badges."""
        key, page = split_key(arg)
        await self._show(ctx, await member_of(ctx, key, "/badges"), page=page)

    async def _show(self, ctx: Context, who: Member, *, page: int) -> None:
        if who.is_bot:
            raise UserError("Bots don't earn badges. Try /badges @member for a person.")
        held = await badges.awards_of(ctx.session, community_id=ctx.community.id, member_id=who.id)
        shown, rows = await page_of(ctx, fetch_list(held), page)
        own = who.id == ctx.author.id
        whose = "Your badges" if own else f"{render.name(who)}'s badges"
        if who.left:
            whose = f"Badges of {shown_name(who)}"
        lines = [shown.heading(f"{whose} ({len(held)})")]
        for row in rows:
            granted = " (granted by a moderator)" if row.granted_by is not None else ""
            when = local_date(ctx, row.awarded_at)
            lines.append(f"- {title(ctx.config, row.badge)}, {when}{granted}")
        if not held:
            lines.append("None yet." if not own else "None yet: see how to earn them below.")
        ahead = await upcoming(ctx, who, limit=NEXT_SHOWN) if shown.number == 1 else []
        if ahead:
            lines += ["**Next**", *(f"- {line}" for line in ahead)]
        lines.append("Every badge and how to earn it: /badges list")
        reply_page(ctx, shown, lines, action="badges_show", key=str(who.id))

    @command("badges export", private=True)
    async def badges_export(self, ctx: Context) -> None:
        """DM yourself your badges as Open Badges 3.0 credentials (a signed JSON file)."""
        held = await badges.awards_of(
            ctx.session, community_id=ctx.community.id, member_id=ctx.author.id
        )
        if not held:
            raise UserError(
                "You hold no badges yet, so there is nothing to export. See /badges list."
            )
        data = await credentials.export(ctx, list(held))
        name = f"badges-{report_file_name(ctx.author.name)}-{local_date(ctx, ctx.now())}.json"
        attached = Attachment(data, name, "Open Badges 3.0 credentials", "application/json")
        text = (
            f"Your {plural(len(held), 'badge')} as Open Badges 3.0 credentials, each signed "
            "(VC-JWT, EdDSA) by this community. Import the file into a badge wallet, or check "
            "it with `copbot credentials verify FILE`."
        )
        ctx.dm(ctx.author, text, unsolicited=False, files=(attached,))
        ctx.reply("Your badges are in your DMs as an Open Badges 3.0 file.")

    @command("badges list", private=True)
    async def badges_list(self, ctx: Context) -> None:
        """List every badge: what it means, how it is earned, and how many hold it."""
        await self._catalogue(ctx, page=1)

    @action("badges_list")
    async def badges_list_page(self, ctx: Context, arg: str) -> None:
        """Another page of the badge catalogue."""
        await self._catalogue(ctx, page=split_key(arg)[1])

    async def _catalogue(self, ctx: Context, *, page: int) -> None:
        if not ctx.config.badges:
            ctx.reply("**Badges**\nThis community has no badges.", private=True)
            return
        catalogue: list[tuple[str, BadgeInfo]] = list(ctx.config.badges.items())
        held = await badges.counts(ctx.session, community_id=ctx.community.id)
        shown, entries = await page_of(ctx, fetch_list(catalogue), page)
        lines = [shown.heading("Badges")]
        for badge, info in entries:
            count = held.get(badge, 0)
            holders = "nobody yet" if count == 0 else plural(count, "member")
            lines.append(
                f"- {words.badge_title(info)} (`{badge}`): "
                f"{render.trusted(info.description.rstrip('.'))}. "
                f"How: {words.rule_words(info.parsed, ctx.registry.metrics)}. Held by {holders}."
            )
        reply_page(ctx, shown, lines, action="badges_list")

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
        badge_id = known_badge(ctx.config, badge)
        info = ctx.config.badges[badge_id]
        if member.id == ctx.author.id:
            # Recognition comes from others; a moderator's own badge is another's to give.
            raise UserError(
                "You can't grant yourself a badge. If you've earned one, ask another "
                "moderator: recognition means more coming from someone else."
            )
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
        member: Annotated[Member, "Who loses the badge", IncludeLeft()],
        badge: Annotated[str, "The badge's id or name", Suggest("badge_names")],
        *,
        reason: Annotated[str, "Why it is taken back (5 to 300 characters)", Length(5, 300)],
    ) -> None:
        """Take a badge back from a member and say why."""
        badge_id = known_badge(ctx.config, badge)
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
                f"**{shown_name(member)}** doesn't hold {words.badge_title(info)}. "
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
        await self._advocates(ctx, page=1)

    @action("advocates")
    async def advocates_page(self, ctx: Context, arg: str) -> None:
        """Another page of the community's advocates."""
        await self._advocates(ctx, page=split_key(arg)[1])

    async def _advocates(self, ctx: Context, *, page: int) -> None:
        marked = [badge for badge, info in ctx.config.badges.items() if info.advocate]
        community_id = ctx.community.id

        async def fetch(offset: int, limit: int) -> tuple[int, list[tuple[str, MemberRow]]]:
            return await badges.holders_page(
                ctx.session, community_id=community_id, badges=marked, offset=offset, limit=limit
            )

        shown, held = await page_of(ctx, fetch, page)
        lines = [shown.heading("Advocates"), *await self._advocate_lines(ctx, shown, marked, held)]
        # With leaderboards off the community chose not to rank members: badges stay, ranks go.
        if shown.number == 1 and ctx.config.leaderboards:
            lines += await self._generous(ctx)
        reply_page(ctx, shown, lines, action="advocates")

    async def _advocate_lines(
        self, ctx: Context, shown: Page, marked: list[str], held: list[tuple[str, MemberRow]]
    ) -> list[str]:
        if not marked:
            return ["No badge is marked `advocate = true` in this community's catalogue."]
        by_badge: dict[str, list[MemberRow]] = {}
        for badge, row in held:
            by_badge.setdefault(badge, []).append(row)
        counts = await badges.counts(ctx.session, community_id=ctx.community.id)
        lines = []
        for badge in marked:
            if badge in by_badge:
                names = ", ".join(render.safe(row.name) for row in by_badge[badge])
                lines.append(f"- {title(ctx.config, badge)}: {names}")
            elif shown.number == 1 and not counts.get(badge):
                nobody = "nobody yet (moderators grant it with /badge grant)"
                lines.append(f"- {title(ctx.config, badge)}: {nobody}")
        return lines

    async def _generous(self, ctx: Context) -> list[str]:
        top = await badges.top_givers(
            ctx.session,
            community_id=ctx.community.id,
            since=ctx.now() - timedelta(days=GENEROUS_DAYS),
            limit=TOP_GIVERS,
        )
        lines = ["", f"**Most generous in the last {GENEROUS_DAYS} days** (kudos given)"]
        for rank, (row, given) in enumerate(top, start=1):
            lines.append(f"{rank}. {render.safe(row.name)}: {given}")
        if not top:
            lines.append(f"Nobody has given kudos in the last {GENEROUS_DAYS} days.")
        return lines

    @listener("whats_new")
    async def whats_new(self, ctx: Context, news: News) -> None:
        """The badges a member earned since they were last here."""
        earned = await badges.earned_since(
            ctx.session, community_id=ctx.community.id, member_id=news.member.id, since=news.since
        )
        if earned:
            shown = in_words([title(ctx.config, badge) for badge in earned])
            news.add(f"🏅 You earned {shown}: see /badges")

    @listener("digest")
    async def digest(self, ctx: Context, gathering: Gathering) -> None:
        """The badges earned in the period, and by whom."""
        found = await badges.awarded_between(
            ctx.session, community_id=ctx.community.id, since=gathering.since, until=gathering.until
        )
        lines = []
        for badge, count, holders in found:
            info = ctx.config.badges.get(badge)
            named = f"{info.emoji} {info.name}" if info else badge  # as written: pages escape
            # A holder who paused their public credit is counted among the others, not named.
            shown = [(i, name) for i, name in holders if i not in gathering.paused]
            names = [name for _, name in shown]
            if not shown:
                names = [plural(count, "member")]
            elif count > len(shown):
                names.append(plural(count - len(shown), "other"))
            lines.append(Line(f"{named}: {in_words(names)}", members=tuple(i for i, _ in shown)))
        gathering.add("🏅 Badges earned", lines)

    @listener("home_opened")
    async def home(self, ctx: Context) -> None:
        """The member's badges on their home page, or how to earn a first one."""
        held = await badges.awards_of(
            ctx.session, community_id=ctx.community.id, member_id=ctx.author.id
        )
        if held:
            shown = ", ".join(title(ctx.config, row.badge) for row in held)
            ctx.reply(f"**Your badges**\n{shown}")
            return
        ahead = await upcoming(ctx, ctx.author, limit=1)
        nearest = f" The nearest: {ahead[0]}." if ahead else ""
        ctx.reply(f"**Your badges**\nNone yet.{nearest} See how to earn each with /badges list.")

    @listener("impact")
    async def impact(self, ctx: Context, report: Gathering) -> None:
        """The badges the member earned in the period, with their dates."""
        assert report.member is not None
        held = await badges.awards_of(
            ctx.session, community_id=ctx.community.id, member_id=report.member.id
        )
        catalogue = ctx.config.badges
        lines = []
        for row in held:
            if report.since <= row.awarded_at < report.until:
                name = catalogue[row.badge].name if row.badge in catalogue else row.badge
                granted = " (granted by a moderator)" if row.granted_by is not None else ""
                lines.append(Line(f"{name}, {local_date(ctx, row.awarded_at)}{granted}"))
        if lines:
            report.add("Badges", lines, f"{plural(len(lines), 'badge')} earned.")
