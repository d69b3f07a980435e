"""Meta: help generated from the registry, a ping, and the community's settings."""

from __future__ import annotations

import difflib
import json
from typing import Annotated

from bot import render
from bot.commands import CommandSpec, Length, Level, command
from bot.configstore import ConfigStore
from bot.context import Context
from bot.errors import UserError
from bot.registry import Registry
from cogs.common import local_now
from config.channels import CHANNEL_KEYS, check_exists
from config.community import (
    admin_reason,
    default_config,
    lookup,
    needs_admin,
    parse_override,
    settable_keys,
    setting_key,
)
from config.errors import SettingError
from config.values import shown
from storage import communities


class Meta:
    """Help, settings and a sign of life."""

    def __init__(self, registry: Registry, configs: ConfigStore, version: str) -> None:
        self._registry = registry
        self._configs = configs
        self._version = version

    @command("help", private=True)
    async def help(
        self, ctx: Context, *, command: Annotated[str, "A command, like: role set"] = ""
    ) -> None:
        """List what you can do here, or explain one command."""
        wanted = " ".join(command.strip().lstrip("/").lower().split())
        if not wanted:
            ctx.reply(self._overview(ctx.author.level))
            return
        spec = self._registry.command(wanted)
        group = self._registry.children(tuple(wanted.split()))
        # Commands above the member's level are explained too, with who may use them: knowing
        # that /role set exists, and whom to ask, is better than "there is no /role set".
        found = ([spec] if spec else []) + [s for s in group if s is not spec]
        moved = self._registry.moved.get(tuple(wanted.split()))
        if not found and moved:
            ctx.reply(f"/{wanted} is now /{moved.name}.\n\n{_explain(moved, ctx.author.level)}")
            return
        if not found:
            close = difflib.get_close_matches(
                wanted, [s.name for s in self._registry.commands.values()], n=1
            )
            hint = f" Did you mean /{close[0]}?" if close else ""
            raise UserError(
                f"There is no /{render.echo(wanted)}.{hint} Type /help to see them all."
            )
        ctx.reply("\n\n".join(_explain(s, ctx.author.level) for s in found))

    def _overview(self, level: Level) -> str:
        visible = self._registry.visible_to(level)
        lines = ["**What I can do here** (type /help COMMAND for details)"]
        for cog in self._registry.cogs:  # in the order cogs were added: intros first
            entries = [f"- `/{s.name}`: {s.help}" for s in visible if s.cog is cog]
            if entries:
                title = (cog.__doc__ or type(cog).__name__).splitlines()[0]
                lines += ["", f"**{title}**", *entries]
        return "\n".join(lines)

    @command("ping", private=True)
    async def ping(self, ctx: Context) -> None:
        """Check that the bot is up."""
        local = local_now(ctx)
        ctx.reply(f"Pong! copbot {self._version} is here, at {local:%Y-%m-%d %H:%M %Z}.")

    # Settings are the moderators' business; a whole-moderator /config is hidden on Discord too.
    @command("config show", level=Level.MODERATOR, private=True)
    async def config_show(self, ctx: Context) -> None:
        """Show this community's settings."""
        changed = await communities.overrides(ctx.session, community_id=ctx.community.id)
        lines = [
            "**This community's settings** (change one with /config set, undo with /config reset)"
        ]
        for key in settable_keys(ctx.config):
            value = lookup(ctx.config, key)
            lines.append(f"- `{key}`{_mark(changed.get(key), value)}: {_value(value, 120)}")
        ctx.reply("\n".join(lines))

    @command("config set", level=Level.MODERATOR, private=True)
    async def config_set(
        self,
        ctx: Context,
        key: Annotated[str, "The setting, like welcome_channel"],
        *,
        # Generous, so an over-long value hears the setting's own rule rather than a length.
        value: Annotated[str, "Its new value (lists: separate with ;)", Length(max=20_000)],
    ) -> None:
        """Change one of this community's settings."""
        try:
            known = ctx.registry.known_metrics
            key, encoded = parse_override(ctx.config, key, value, metrics=known)
            stored = json.loads(encoded)
            if key in CHANNEL_KEYS:
                check_exists(key, stored, await ctx.channel_names())
        except SettingError as error:
            raise UserError(error.worded(render.echo)) from None
        old = lookup(ctx.config, key)
        if needs_admin(key, old=old, new=stored) and ctx.author.level < Level.ADMIN:
            raise UserError(admin_reason(key, new=stored))
        await communities.set_override(
            ctx.session,
            community_id=ctx.community.id,
            key=key,
            value=encoded,
            member_id=ctx.author.id,
            now=ctx.now(),
        )
        self._forget_after_commit(ctx)
        ctx.reply(f"Saved: `{key}` is now {_value(stored, 200)}.")

    @command("config reset", level=Level.MODERATOR, private=True)
    async def config_reset(
        self, ctx: Context, key: Annotated[str, "The setting, like kudos_channel"]
    ) -> None:
        """Put one of this community's settings back to its default."""
        try:
            key = setting_key(ctx.config, key)
        except SettingError as error:
            raise UserError(error.worded(render.echo)) from None
        default = lookup(default_config(), key)
        old = lookup(ctx.config, key)
        if needs_admin(key, old=old, new=default) and ctx.author.level < Level.ADMIN:
            raise UserError(admin_reason(key, verb="reset"))
        removed = await communities.delete_override(
            ctx.session, community_id=ctx.community.id, key=key
        )
        if not removed:
            ctx.reply(f"`{key}` already has its default: {_value(default, 200)}.")
            return
        self._forget_after_commit(ctx)
        ctx.reply(f"Reset: `{key}` is back to its default, {_value(default, 200)}.")

    def _forget_after_commit(self, ctx: Context) -> None:
        community_id = ctx.community.id
        ctx.after_commit.append(lambda: self._configs.forget(community_id))


def _mark(stored: str | None, value: object) -> str:
    """How a setting differs from the default: changed, or a stored change that no longer fits."""
    if stored is None:
        return ""
    try:
        fits = json.loads(stored) == value
    except ValueError:
        fits = False
    # build_config skips a stored value a newer rule refuses; say so rather than hide it.
    return " (changed)" if fits else " (the stored change no longer fits, so the default applies)"


def _value(value: object, limit: int) -> str:
    """A setting's value as members read it: yes/no, `;` between items, clipped, no markup."""
    return render.safe(render.clip(shown(value), limit)) or "(empty)"


def _explain(spec: CommandSpec, level: Level) -> str:
    lines = [f"`{spec.usage()}`: {spec.help}"]
    for param in spec.params:
        detail = param.description or param.name
        optional = "" if param.required else " (optional)"
        choices = f" One of: {', '.join(param.choices)}." if param.choices else ""
        lines.append(f"- `{param.name}`{optional}: {detail}.{choices}")
    if spec.level > level:
        lines.append(f"Only {spec.level.title} can use it: ask one if you need it done.")
    elif spec.level > Level.MEMBER:
        lines.append(f"Only {spec.level.title} can use it.")
    return "\n".join(lines)
