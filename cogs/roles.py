"""Roles: what each role in the community means, expects, and who holds it."""

from __future__ import annotations

from typing import Annotated

from bot import render
from bot.commands import Level, Member, Suggest, command, listener
from bot.context import Context
from bot.errors import UserError
from config.community import CommunityConfig, RoleInfo
from storage import members
from storage.models import MemberRow

LIST_LIMIT = 40  # names shown per role before "and N more", to stay inside message limits


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
        """Change a member's role and announce it."""
        name = _known_role(ctx.config, role)
        touches_moderators = "moderator" in (name, member.role)
        if touches_moderators and ctx.author.level < Level.ADMIN:
            raise UserError("Only admins can make or unmake moderators.")
        if member.is_bot:
            raise UserError("Bots don't hold community roles.")
        if member.role == name:
            raise UserError(f"**{render.name(member)}** is already a {render.safe(name)}.")
        row = await ctx.session.get(MemberRow, member.id)
        assert row is not None
        await members.set_role(ctx.session, member=row, role=name)
        meaning = render.trusted(ctx.config.roles[name].meaning)
        ctx.post(
            ctx.config.announce_channel or None,
            f"🎉 {render.mention(member)} is now a **{render.safe(name)}**: {meaning}",
        )
        ctx.reply(f"Done: {render.name(member)} is now a {render.safe(name)}.", private=True)

    @command("role list", private=True)
    async def role_list(
        self,
        ctx: Context,
        role: Annotated[str | None, "Only this role", Suggest("role_names")] = None,
    ) -> None:
        """Show who holds which role, so the community's leaders are visible."""
        name = _known_role(ctx.config, role) if role else None
        rows = await members.by_role(ctx.session, community_id=ctx.community.id, role=name)
        by_role: dict[str, list[MemberRow]] = {}
        for row in rows:
            by_role.setdefault(row.role, []).append(row)
        order = [name] if name else [r for r in ctx.config.roles if r in by_role]
        order += sorted(r for r in by_role if r not in order and name is None)
        if not any(by_role.get(r) for r in order):
            ctx.reply(f"Nobody is a {render.safe(name or 'member')} yet.")
            return
        ctx.reply("\n".join(_role_line(r, by_role.get(r, [])) for r in order))

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


def _role_line(role: str, holders: list[MemberRow]) -> str:
    names = ", ".join(render.safe(row.name) for row in holders[:LIST_LIMIT])
    more = f" and {len(holders) - LIST_LIMIT} more" if len(holders) > LIST_LIMIT else ""
    return f"**{render.safe(role.capitalize())}** ({len(holders)}): {names}{more}"


def _known_role(config: CommunityConfig, role: str) -> str:
    name = role.strip().lower()
    if name not in config.roles:
        allowed = ", ".join(config.roles)
        raise UserError(f"There is no role “{render.safe(role[:30])}”. The roles are: {allowed}.")
    return name
