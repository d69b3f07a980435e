"""Roles: what each role in the community means, expects, and who holds it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from bot import render
from bot.binding import role_level
from bot.commands import Level, Member, Suggest, action, command, listener
from bot.context import Context
from bot.errors import UserError
from bot.paging import split_key
from cogs.common import page_of, reply_page
from config.community import CommunityConfig, RoleInfo
from storage import members
from storage.models import MemberRow


class Roles:
    """What each role means and expects, and who holds it."""

    @command("expectations", private=True)
    async def expectations(
        self,
        ctx: Context,
        role: Annotated[str | None, "One role (all if empty)", Suggest("role_names")] = None,
    ) -> None:
        """What each role means, commits to, and how to step into it."""
        config = ctx.config
        names = [_known_role(config, role)] if role else list(config.roles)
        blocks = [describe_role(name, config.roles[name]) for name in names]
        ctx.reply("\n\n".join(blocks))

    @command("role set", level=Level.MODERATOR)
    async def role_set(
        self,
        ctx: Context,
        member: Annotated[Member, "Whose role to change"],
        role: Annotated[str, "The new role", Suggest("role_names")],
    ) -> None:
        """Change a member's role: a promotion is celebrated, any other change told quietly."""
        name = _known_role(ctx.config, role)
        if member.id == ctx.author.id and ctx.author.level < Level.ADMIN:
            # Nobody raises their own standing; a moderator asks an admin instead.
            raise UserError("You can't change your own role. Ask an admin if it should change.")
        moderates = max(role_level(name), role_level(member.role)) >= Level.MODERATOR
        if moderates and ctx.author.level < Level.ADMIN:
            raise UserError("Only admins can make or unmake moderators.")
        if member.is_bot:
            raise UserError("Bots don't hold community roles.")
        if member.role == name:
            raise UserError(f"**{render.name(member)}** is already a {render.safe(name)}.")
        row = await ctx.session.get(MemberRow, member.id)
        assert row is not None
        await members.set_role(ctx.session, member=row, role=name)
        meaning = render.trusted(ctx.config.roles[name].meaning)
        if _is_promotion(ctx.config, member.role, name):
            ctx.post(
                ctx.config.announce_channel or None,
                f"🎉 {render.mention(member)} is now a **{render.safe(name)}**: {meaning}",
            )
            told = "and it is announced"
        else:
            # A step back is nobody else's business: the member hears it privately and kindly.
            # It is news about their own standing, not a nudge, so DMs-off does not hold it back.
            ctx.dm(
                member,
                f"Your role in {render.safe(ctx.community.name)} is now "
                f"**{render.safe(name)}**: {meaning}\n"
                "Thank you for all you've done here. Questions? Any moderator is glad to talk.",
                unsolicited=False,
            )
            told = "not announced; they were told privately"
        ctx.reply(
            f"Done: {render.name(member)} is now a {render.safe(name)} ({told}).", private=True
        )

    @command("roles", private=True, was="role list")
    async def roles(
        self,
        ctx: Context,
        role: Annotated[str | None, "Only this role", Suggest("role_names")] = None,
    ) -> None:
        """The roles: what each means and expects, and who holds it."""
        name = _known_role(ctx.config, role) if role else None
        await self._list(ctx, name, page=1)

    # The action keeps its old name so buttons already posted keep paging.
    @action("role_list")
    async def roles_page(self, ctx: Context, arg: str) -> None:
        """Another page of the roles and who holds them."""
        key, page = split_key(arg)
        if key and key not in ctx.config.roles:
            raise UserError("That list has expired: run /roles again.")
        await self._list(ctx, key or None, page=page)

    async def _list(self, ctx: Context, role: str | None, *, page: int) -> None:
        community_id = ctx.community.id

        async def fetch(offset: int, limit: int) -> tuple[int, Sequence[MemberRow]]:
            return await members.holders_page(
                ctx.session,
                community_id=community_id,
                role=role,
                order=list(ctx.config.roles),
                offset=offset,
                limit=limit,
            )

        shown, rows = await page_of(ctx, fetch, page)
        held = await members.role_counts(ctx.session, community_id=community_id)
        by_role: dict[str, list[str]] = {}
        for row in rows:
            by_role.setdefault(row.role, []).append(render.safe(row.name))
        if shown.number == shown.pages:
            # Roles nobody holds still say what they mean, after the holders, so none is hidden.
            for name in [role] if role else ctx.config.roles:
                if not held.get(name):
                    by_role[name] = []
        title = f"The {role} role" if role else "The roles and who holds them"
        lines = [shown.heading(render.safe(title))]
        for name, holders in by_role.items():
            lines += _role_lines(ctx.config.roles.get(name), name, holders, held.get(name, 0))
        if shown.number == shown.pages:
            lines.append("How to step into a role: /expectations.")
        reply_page(ctx, shown, lines, action="role_list", key=role or "")

    async def role_names(self, ctx: Context, typed: str) -> list[str]:
        """The community's roles that start with what was typed."""
        return [name for name in ctx.config.roles if name.startswith(typed.strip().lower())]

    @listener("home_opened")
    async def home(self, ctx: Context) -> None:
        """The member's role and what it expects, on their home page."""
        role = ctx.config.roles.get(ctx.author.role)
        if role is not None:
            ctx.reply(f"**Your role**\n{describe_role(ctx.author.role, role)}")


def describe_role(name: str, role: RoleInfo) -> str:
    """A role's meaning, commitments and points of entry as a short block."""
    lines = [f"**{render.safe(name.capitalize())}**: {render.trusted(role.meaning)}"]
    if role.commitments:
        lines.append("Commitments: " + "; ".join(render.trusted(c) for c in role.commitments))
    if role.entry:
        lines.append("Ways in: " + "; ".join(render.trusted(e) for e in role.entry))
    return "\n".join(lines)


def _role_lines(info: RoleInfo | None, role: str, names: list[str], total: int) -> list[str]:
    """A role's holders on this page, then what it means and expects (if still listed)."""
    lines = [f"**{render.safe(role.capitalize())}** ({total}): {', '.join(names) or 'nobody yet'}"]
    if info is not None:
        expects = "; ".join(render.trusted(c) for c in info.commitments)
        lines.append(render.trusted(info.meaning) + (f" Expects: {expects}" if expects else ""))
    return lines


def _is_promotion(config: CommunityConfig, old: str, new: str) -> bool:
    """Whether a role comes later in the community's order (a role it no longer lists: yes)."""
    order = list(config.roles)
    return old not in order or order.index(new) > order.index(old)


def _known_role(config: CommunityConfig, role: str) -> str:
    name = role.strip().lower()
    if name not in config.roles:
        allowed = ", ".join(config.roles)
        raise UserError(f"There is no role “{render.echo(role)}”. The roles are: {allowed}.")
    return name
