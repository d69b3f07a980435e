"""Intros: members say who they are, what they hope for, and what they care about."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from bot import render
from bot.commands import IncludeLeft, Member, Suggest, action, command, listener
from bot.context import Context
from bot.metrics import Metric
from bot.news import News
from bot.pages import Gathering, Line
from bot.paging import split_key
from bot.reply import Button, Field, Form
from cogs import intro_data
from cogs.common import in_words, local_date, member_of, page_of, plural, reply_page, shown_name
from cogs.tags import MAX_TAG_LENGTH, normalise_tag, normalise_tags
from storage import intros
from storage.models import IntroRow, MemberRow

MAX_INTERESTS = 10
DIGEST_MOST = 10  # newcomers a digest names; the rest are counted
INTRO_FORM = Form(
    title="Introduce yourself",
    command="intro",
    fields=(
        Field("about", "About you", 500, paragraph=True, placeholder="Who you are, what you do"),
        Field("goals", "What you hope to get from the community", 500, paragraph=True),
        Field("interests", "Interests (comma-separated)", 400, placeholder="oer, chemistry"),
        Field("can_help", "What you can help with", 300, required=False, paragraph=True),
    ),
)
INTRODUCE_BUTTON = Button("Introduce yourself", "intro_open", style="primary")


class Intro:
    """Introduce yourself and find people by what they care about."""

    data = intro_data.HOOK  # what it holds about a member, for /my-data and /forget-me

    metrics = (
        Metric(
            "intros", "intros the member wrote", intros.intros_tally, "count", ("intro", "intros")
        ),
    )

    async def intro_prefill(self, ctx: Context) -> dict[str, str]:
        """The member's current intro, so the form opens with it."""
        current = await intros.current(
            ctx.session, community_id=ctx.community.id, member_id=ctx.author.id
        )
        if current is None:
            return {}
        return {
            "about": current.about,
            "goals": current.goals,
            "interests": current.interests,
            "can_help": current.can_help,
        }

    @command(
        form=INTRO_FORM,
        prefill="intro_prefill",
        private=True,
        cooldown=(5, 60.0),
        root_name="write",
    )
    async def intro(
        self,
        ctx: Context,
        *,
        about: Annotated[str, "Who you are and what you do"],
        goals: Annotated[str, "What you hope to get from the community"],
        interests: Annotated[str, "Comma-separated tags, like oer, chemistry"],
        can_help: Annotated[str, "What you can help others with"] = "",
    ) -> None:
        """Introduce yourself, or update your intro as your goals change."""
        draft = intros.IntroDraft(about, goals, normalise_interests(interests), can_help)
        saved, updated = await intros.save(
            ctx.session,
            community_id=ctx.community.id,
            member_id=ctx.author.id,
            draft=draft,
            now=ctx.now(),
        )
        ctx.post(ctx.config.intro_channel, intro_card(ctx.author, saved, updated=updated))
        ctx.progressed(ctx.author)
        channel = render.safe(ctx.config.intro_channel)
        if updated:
            ctx.reply(
                f"Your intro is updated and posted in #{channel}. "
                "Earlier versions are kept: see them with /intro history."
            )
        else:
            ctx.reply(
                f"Thanks for introducing yourself! Your intro is posted in #{channel}. "
                "Run /intro again whenever your goals change."
            )

    @command("intro show", private=True)
    async def intro_show(
        self, ctx: Context, member: Annotated[Member | None, "Whose intro (yours if empty)"] = None
    ) -> None:
        """Show a member's intro, or your own."""
        who = member or ctx.author
        current = await intros.current(ctx.session, community_id=ctx.community.id, member_id=who.id)
        if current is not None:
            ctx.reply(intro_card(who, current))
        elif who.id == ctx.author.id:
            ctx.reply(
                "You haven't introduced yourself yet. Run /intro (it takes a minute) so others "
                "know what you came for and what you can offer.",
                buttons=(INTRODUCE_BUTTON,),
            )
        else:
            ctx.reply(
                f"**{render.name(who)}** hasn't written an intro yet. "
                "Say hello to them, and maybe point them to /intro."
            )

    @command("intro history", private=True)
    async def intro_history(
        self,
        ctx: Context,
        member: Annotated[Member | None, "Whose history (yours if empty)", IncludeLeft()] = None,
    ) -> None:
        """List the earlier versions of an intro, to see how goals evolved."""
        await self._history(ctx, member or ctx.author, page=1)

    @action("intro_history")
    async def intro_history_page(self, ctx: Context, arg: str) -> None:
        """Another page of an intro's versions."""
        key, page = split_key(arg)
        await self._history(ctx, await member_of(ctx, key, "/intro history"), page=page)

    async def _history(self, ctx: Context, who: Member, *, page: int) -> None:
        async def fetch(offset: int, limit: int) -> tuple[int, Sequence[IntroRow]]:
            return await intros.history(
                ctx.session,
                community_id=ctx.community.id,
                member_id=who.id,
                offset=offset,
                limit=limit,
            )

        shown, versions = await page_of(ctx, fetch, page)
        if shown.total == 0:
            ctx.reply(f"**{shown_name(who)}** has no intro yet. Write one with /intro.")
            return
        count = plural(shown.total, "version")
        whose = (
            f"Intro history of {shown_name(who)}"
            if who.left
            else f"How {render.name(who)}'s intro evolved"
        )
        lines = [shown.heading(f"{whose}: {count}, newest first")]
        for version in versions:
            marker = " (current)" if version.is_current else ""
            lines.append(
                f"- {local_date(ctx, version.created_at)}{marker}: "
                f"goals: {render.safe(version.goals)}; "
                f"interests: {render.safe(version.interests)}"
            )
        reply_page(ctx, shown, lines, action="intro_history", key=str(who.id))

    @command("members", private=True)
    async def members(
        self,
        ctx: Context,
        interest: Annotated[
            str | None, "Only members with this interest", Suggest("interest_names")
        ] = None,
    ) -> None:
        """Browse the member directory, optionally by interest."""
        await self._directory(ctx, interest, page=1)

    async def interest_names(self, ctx: Context, typed: str) -> list[str]:
        """Interests members share, the most common first, that contain what was typed."""
        popular = await intros.popular_interests(
            ctx.session, community_id=ctx.community.id, limit=100
        )
        typed = normalise_tag(typed)
        return [tag for tag, _ in popular if typed in tag]

    @action("members_page")
    async def members_page(self, ctx: Context, arg: str) -> None:
        """Show another page of the directory."""
        interest, page = split_key(arg)
        await self._directory(ctx, interest or None, page=page)

    async def _directory(self, ctx: Context, interest: str | None, *, page: int) -> None:
        tag = normalise_tag(interest) if interest else None

        async def fetch(
            offset: int, limit: int
        ) -> tuple[int, Sequence[tuple[MemberRow, IntroRow]]]:
            if tag is not None and len(tag) > MAX_TAG_LENGTH:
                return 0, []  # nobody can hold a tag that long
            return await intros.directory(
                ctx.session,
                community_id=ctx.community.id,
                interest=tag,
                offset=offset,
                limit=limit,
            )

        shown, rows = await page_of(ctx, fetch, page)
        if shown.total == 0:
            await self._empty_directory(ctx, tag)
            return
        about = f" interested in {render.echo(tag)}" if tag else " who introduced themselves"
        lines = [shown.heading(f"{plural(shown.total, 'member')}{about}")]
        for member, intro in rows:
            summary = render.clip(intro.about.replace("\n", " "), 90)
            lines.append(
                f"- **{render.safe(member.name)}** ({render.safe(intro.interests)}): "
                f"{render.safe(summary)}"
            )
        reply_page(ctx, shown, lines, action="members_page", key=tag or "")

    async def _empty_directory(self, ctx: Context, tag: str | None) -> None:
        if tag is None:
            ctx.reply("Nobody has introduced themselves yet. Be the first: /intro")
            return
        popular = await intros.popular_interests(ctx.session, community_id=ctx.community.id)
        known = ", ".join(render.safe(name) for name, _ in popular)
        hint = f" Interests members share: {known}." if known else ""
        ctx.reply(f"Nobody lists “{render.echo(tag)}” as an interest yet.{hint}")

    @action("intro_open")
    async def intro_open(self, ctx: Context, arg: str) -> None:
        """Open the intro form from the welcome message's button."""
        await ctx.open_form("intro")

    @listener("home_opened")
    async def home(self, ctx: Context) -> None:
        """The member's own intro on their home page, or an invitation to write one."""
        current = await intros.current(
            ctx.session, community_id=ctx.community.id, member_id=ctx.author.id
        )
        if current is None:
            ctx.reply(
                "**Your intro**\nYou haven't introduced yourself yet: it takes a minute, and "
                "helps others know what you came for and what you can offer.",
                buttons=(INTRODUCE_BUTTON,),
            )
            return
        card = intro_card(ctx.author, current).split("\n", 1)[1]  # without the "👋 …" line
        edited = local_date(ctx, current.created_at)
        ctx.reply(
            f"**Your intro** (last updated {edited})\n{card}",
            buttons=(Button("Update my intro", "intro_open"),),
        )

    @listener("whats_new")
    async def whats_new(self, ctx: Context, news: News) -> None:
        """Who introduced themselves since the member was last here, and shares their interests."""
        found = await intros.newcomers_since(
            ctx.session, community_id=ctx.community.id, member_id=news.member.id, since=news.since
        )
        if found.sharing:
            people = in_words(
                [
                    f"**{render.safe(name)}** ({render.safe(', '.join(tags))})"
                    for name, tags in found.sharing
                ]
            )
            more = found.count - len(found.sharing)
            rest = f", and {plural(more, 'other')} introduced themselves too" if more else ""
            news.add(f"👋 New and into what you care about: {people}{rest}. Meet them: /members")
        elif found.count:
            people = plural(found.count, "person", "people")
            news.add(f"👋 {people} introduced themselves. Meet them: /members")

    @listener("digest")
    async def digest(self, ctx: Context, gathering: Gathering) -> None:
        """Who joined and introduced themselves in the period, with their interests."""
        community_id, since, until = ctx.community.id, gathering.since, gathering.until
        count, found = await intros.introduced_between(
            ctx.session, community_id=community_id, since=since, until=until, limit=DIGEST_MOST
        )
        joined = await intros.joined_between(
            ctx.session, community_id=community_id, since=since, until=until
        )
        # Names and tags stay as written: each rendering of the page escapes them its own way.
        # A newcomer who paused their public credit is counted, never named.
        lines = [
            Line(f"{name}: {tags}" if tags else name, members=(member_id,))
            for member_id, name, tags in found
            if member_id not in gathering.paused
        ]
        if count > len(lines):
            lines.append(Line(f"and {plural(count - len(lines), 'other')}"))
        said = [plural(joined, "member") + " joined"] if joined else []
        if count:
            said.append(f"{plural(count, 'member')} introduced themselves")
        summary = f"{in_words(said)}. Meet them with /members." if said else ""
        gathering.add("👋 New members", lines, summary)

    @listener("member_joined")
    async def welcome(self, ctx: Context) -> None:
        """Welcome a newcomer by DM and tell them what membership means."""
        config = ctx.config
        role = config.roles[config.default_role]
        lines = [
            f"**Welcome to {render.safe(ctx.community.name)}, {render.name(ctx.author)}!**",
            render.trusted(config.welcome_text),
            "",
            f"As a **{render.safe(config.default_role)}**: {render.trusted(role.meaning)}",
        ]
        if role.commitments:
            lines += [
                "**What we ask of you**",
                *(f"- {render.trusted(c)}" for c in role.commitments),
            ]
        if role.entry:
            lines += ["**Where to start**", *(f"- {render.trusted(e)}" for e in role.entry)]
        lines.append("See every role with /expectations.")
        ctx.dm(
            ctx.author,
            "\n".join(lines),
            buttons=(INTRODUCE_BUTTON,),
            fallback_channel=config.welcome_channel,
        )


def normalise_interests(text: str) -> tuple[str, ...]:
    """Lower-case, de-duplicated tags from a comma-separated list."""
    return normalise_tags(text, most=MAX_INTERESTS)


def intro_card(member: Member, intro: IntroRow, *, updated: bool = False) -> str:
    """The public card for an intro; every member-typed part is neutralised."""
    verb = "updated their intro" if updated else "introduced themselves"
    lines = [
        f"👋 {render.mention(member)} {verb}",
        f"**About:** {render.safe(intro.about)}",
        f"**Hopes to get:** {render.safe(intro.goals)}",
        f"**Interests:** {render.safe(intro.interests)}",
    ]
    if intro.can_help:
        lines.append(f"**Can help with:** {render.safe(intro.can_help)}")
    return "\n".join(lines)
