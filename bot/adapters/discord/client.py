"""The discord.py client: events and interactions into the one dispatch path."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from bot.adapters.discord import render as ui
from bot.adapters.discord import schema
from bot.adapters.discord.elsewhere import PLATFORM as PLATFORM
from bot.adapters.discord.elsewhere import Elsewhere, level_of, place_of
from bot.adapters.discord.transport import GuildTransport, InteractionTransport
from bot.commands import Event
from bot.dispatch import Actor, Dispatcher, Place
from bot.registry import Registry

log = logging.getLogger(__name__)
# Discord wants an answer within 3 s; copbot answers directly and defers only past this.
DEFER_AFTER = 2.0


def intents() -> discord.Intents:
    """Guilds, members and guild messages; not the privileged message-content intent."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.members = True  # joins and leaves (the Server Members intent)
    wanted.guild_messages = True  # that a message happened, for activity; never its text
    return wanted


class CopbotClient(discord.Client):
    """A discord.py client whose every event goes through copbot's dispatcher."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        registry: Registry,
        *,
        dev_guild: int | None = None,
        **options: Any,
    ) -> None:
        # copbot never speaks in voice channels: spare the logs discord.py's voice warnings.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=intents(), allowed_mentions=discord.AllowedMentions.none(), **options
        )
        self.dispatcher = dispatcher
        self.registry = registry
        self.dev_guild = dev_guild
        self.synced = asyncio.Event()
        self.elsewhere = Elsewhere(self, dispatcher)

    async def setup_hook(self) -> None:
        """Sync the slash commands, only when they differ from what Discord has."""
        await sync_commands(self, self.registry, self.dev_guild)
        self.synced.set()

    async def on_guild_available(self, guild: discord.Guild) -> None:
        """Every guild is a community; make sure it exists."""
        await self.dispatcher.community(place_of(guild))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """The bot was added to a guild: its community starts now."""
        await self.dispatcher.community(place_of(guild))

    async def on_member_join(self, member: discord.Member) -> None:
        """Welcome a newcomer."""
        if not member.bot:
            await self._event(member, "member_joined")

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """Note that a member left (the raw event: they may not be in discord.py's cache)."""
        guild = self.get_guild(payload.guild_id)
        if guild is None or payload.user.bot:
            return
        actor = Actor(str(payload.user.id), payload.user.display_name)
        await self.dispatcher.emit(
            place_of(guild), actor, "member_left", GuildTransport(self, guild)
        )

    async def on_message(self, message: discord.Message) -> None:
        """Count a guild message as its author's activity; its content is never read."""
        if message.guild is None or message.author.bot or message.webhook_id:
            return
        actor = Actor(str(message.author.id), message.author.display_name)
        await self.dispatcher.note_message(place_of(message.guild, message.channel.id), actor)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Route slash commands, autocomplete, button presses and modal submissions."""
        try:
            kind = interaction.type
            if kind is discord.InteractionType.autocomplete:
                await self._autocomplete(interaction)
            elif kind is discord.InteractionType.application_command:
                await self._command(interaction)
            elif kind is discord.InteractionType.component:
                await self._press(interaction)
            elif kind is discord.InteractionType.modal_submit:
                await self._submit(interaction)
        except Exception:
            log.exception("interaction %s failed", interaction.id)

    async def _command(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        spec, raw, _ = schema.invocation(self.registry, data)
        transport = InteractionTransport(self, interaction, private=spec.private)
        place, actor = await self._who(interaction)
        refusal = self.dispatcher.precheck(place, actor, spec)
        if refusal is not None:
            # Through the same rendering as every other answer, so it can never ping.
            await interaction.response.send_message(
                ui.chunks(refusal)[0], ephemeral=True, allowed_mentions=ui.allowed_mentions("")
            )
            return
        if spec.private and spec.form is None:
            # Acknowledge first: every answer is private anyway. Public commands answer
            # directly (deferring only if slow), so a refusal can still be private, and a
            # form's modal must be the first answer.
            await transport.defer()
        await self._answer(transport, self.dispatcher.run(place, actor, spec, raw, transport))

    async def _press(self, interaction: discord.Interaction) -> None:
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        _, neutral = ui.split_custom_id(custom_id)
        transport = InteractionTransport(self, interaction, private=True)
        place, actor = await self._who(interaction, transport)
        await self._answer(transport, self.dispatcher.press(place, actor, neutral, transport))

    async def _submit(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        target = ui.form_target(str(data.get("custom_id", "")))
        if target is None:
            return
        custom_id = str(data.get("custom_id", ""))
        # What the form carried, where nothing was typed under that name (as Form.returned).
        values = {**ui.form_hidden(custom_id), **ui.submitted_values(data.get("components") or [])}
        transport = InteractionTransport(self, interaction, private=True)
        place, actor = await self._who(interaction, transport)
        run = self.dispatcher.submit_form(place, actor, target[0], values, transport)
        await self._answer(transport, run)

    async def _autocomplete(self, interaction: discord.Interaction) -> None:
        spec, _, focused = schema.invocation(self.registry, dict(interaction.data or {}))
        if focused is None:
            await interaction.response.autocomplete([])
            return
        place, actor = await self._who(interaction)
        offered = await self.dispatcher.suggest(
            place, actor, spec, focused["name"], str(focused.get("value") or "")
        )
        choices = [discord.app_commands.Choice(name=v[:100], value=v[:100]) for v in offered]
        await interaction.response.autocomplete(choices)

    async def _answer(self, transport: InteractionTransport, run: Any) -> None:
        task = asyncio.ensure_future(run)
        try:
            await asyncio.wait_for(asyncio.shield(task), DEFER_AFTER)
        except TimeoutError:
            await transport.defer()
            await task
        await transport.finish()

    async def _who(
        self, interaction: discord.Interaction, transport: InteractionTransport | None = None
    ) -> tuple[Place, Actor]:
        guild = interaction.guild or (transport.guild if transport else None)
        if guild is None and transport is not None and transport.guild_id is not None:
            return await self.elsewhere.who(interaction.user, transport.guild_id)
        if guild is None:
            raise LookupError("an interaction outside any guild copbot knows")
        place = place_of(guild, interaction.channel_id if interaction.guild else None)
        member = interaction.user
        if not isinstance(member, discord.Member):
            member = guild.get_member(member.id) or member
        moderator_role = (await self.dispatcher.config(place)).moderator_role
        return place, Actor(str(member.id), member.display_name, level_of(member, moderator_role))

    async def _event(self, member: discord.Member, event: Event) -> None:
        place = place_of(member.guild)
        actor = Actor(str(member.id), member.display_name)
        await self.dispatcher.emit(place, actor, event, GuildTransport(self, member.guild))


class ShardedCopbotClient(CopbotClient, discord.AutoShardedClient):
    """copbot's client over several gateway shards (shard_count=, shard_ids= as discord.py's)."""

    # Discord sends a guild's events to shard (guild_id >> 22) % shard_count, and every DM to
    # shard 0: buttons pressed in DMs reach only the process that runs shard 0, which answers
    # them for guilds of other shards too (see elsewhere.py).


async def sync_commands(client: discord.Client, registry: Registry, guild: int | None) -> bool:
    """Overwrite Discord's commands with the registry's when they differ; True if it synced."""
    app_id = client.application_id
    assert app_id is not None
    wanted = schema.command_payloads(registry)
    http = client.http
    if guild is not None:
        current = await http.get_guild_commands(app_id, guild)
    else:
        current = await http.get_global_commands(app_id)
    if schema.comparable(list(current)) == schema.comparable(wanted):
        log.info("slash commands unchanged; not syncing")
        return False
    if guild is not None:
        await http.bulk_upsert_guild_commands(app_id, guild, wanted)
    else:
        await http.bulk_upsert_global_commands(app_id, wanted)
    log.info("synced %d slash commands %s", len(wanted), f"to guild {guild}" if guild else "")
    return True
