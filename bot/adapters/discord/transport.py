"""Sending what a command queued: interaction answers, channel posts, DMs and modals."""

from __future__ import annotations

import asyncio
import logging

import discord

from bot import render
from bot.adapters.discord import render as ui
from bot.dispatch import Place
from bot.reply import FormRequest, Outgoing, Reply, ToChannel, ToInvoker, ToMember

log = logging.getLogger(__name__)
CANNOT_DM = 50007  # Discord's "Cannot send messages to this user": their DMs are closed


class GuildTransport:
    """Posts in a guild's channels and DMs its members; used for events and interactions."""

    def __init__(self, client: discord.Client, guild: discord.Guild | None) -> None:
        self.client = client
        self.guild = guild

    async def deliver(self, place: Place, item: Outgoing) -> bool:
        """Send one item; False when a member's DMs are closed."""
        if isinstance(item, ToChannel):
            await self.post(self.channel_for(item.channel, place), item.reply)
        elif isinstance(item, ToMember):
            return await self.direct_message(int(item.member.external_id), item.reply)
        else:
            log.debug("nothing to answer outside an interaction: %s", type(item).__name__)
        return True

    async def channel_names(self) -> list[str] | None:
        """The guild's text channels by name, for settings that name one (None outside a guild)."""
        if self.guild is None:
            return None
        return [channel.name for channel in self.guild.text_channels]

    def channel_for(self, wanted: str | None, place: Place) -> discord.abc.Messageable | None:
        """A channel by id or name in this guild; the place's channel or the system channel else."""
        guild = self.guild
        if guild is None:
            return None
        if wanted:
            name = wanted.strip().lstrip("#").lower()
            found = guild.get_channel(int(name)) if name.isdigit() else None
            found = found or discord.utils.find(
                lambda c: c.name.lower() == name, guild.text_channels
            )
            if isinstance(found, discord.TextChannel):
                return found
            log.warning("no channel #%s in %s: posting where the event happened", name, guild.name)
        if place.channel and place.channel.isdigit():
            current = guild.get_channel(int(place.channel))
            if isinstance(current, discord.TextChannel):
                return current
        return guild.system_channel or next(
            (c for c in guild.text_channels if c.permissions_for(guild.me).send_messages), None
        )

    async def post(self, channel: discord.abc.Messageable | None, reply: Reply) -> None:
        """Post a public message, split to fit, with buttons on its last part."""
        if channel is None:
            log.warning("nowhere to post in %s", self.guild)
            return
        await _send(channel, reply)

    async def direct_message(self, user_id: int, reply: Reply) -> bool:
        """DM a member; their guild rides along in button ids, since a DM has no guild."""
        user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
        guild_id = self.guild.id if self.guild else None
        try:
            await _send(user, reply, guild_id=guild_id)
        except discord.Forbidden as error:
            if error.code != CANNOT_DM:
                raise
            log.info("DMs closed for user %s; using the fallback", user_id)
            return False
        return True


class InteractionTransport(GuildTransport):
    """Answers one interaction: the first answer is its response, later ones follow-ups."""

    def __init__(
        self, client: discord.Client, interaction: discord.Interaction, *, private: bool
    ) -> None:
        super().__init__(client, interaction.guild or _guild_of(client, interaction))
        self.interaction = interaction
        self.private = private
        self._lock = asyncio.Lock()
        self._deferred_private: bool | None = None  # set when a "thinking…" message awaits
        self._answered = False  # once something was sent, @original is no longer the pressed one

    async def deliver(self, place: Place, item: Outgoing) -> bool:
        """Answer the interaction, or post and DM as a guild transport does."""
        async with self._lock:
            if isinstance(item, ToInvoker):
                await self._answer(item.reply)
                return True
            if isinstance(item, FormRequest):
                await self._open_form(item)
                return True
            if isinstance(item, ToChannel) and item.channel is None and self.guild is None:
                await self._answer(item.reply)  # "here", in a DM, is the DM
                return True
            return await super().deliver(place, item)

    async def defer(self) -> None:
        """Acknowledge now because the work is slow; the answer comes as an edit or follow-up."""
        async with self._lock:
            response = self.interaction.response
            if response.is_done():
                return
            if self.interaction.type is discord.InteractionType.application_command:
                await response.defer(ephemeral=self.private, thinking=True)
                self._deferred_private = self.private
            else:
                await response.defer()  # a silent acknowledgement for buttons and forms

    async def finish(self) -> None:
        """Make sure the interaction was acknowledged even when nothing answered it."""
        async with self._lock:
            response = self.interaction.response
            if not response.is_done():
                if self.interaction.type is discord.InteractionType.application_command:
                    await response.send_message("Done.", ephemeral=True)
                else:
                    await response.defer()
            elif self._deferred_private is not None:
                await self.interaction.edit_original_response(content="Done.")
                self._deferred_private = None

    async def _answer(self, reply: Reply) -> None:
        interaction = self.interaction
        pieces = ui.chunks(reply.text)
        mentions = ui.allowed_mentions(reply.text)
        guild_id = self._dm_guild_id
        if reply.replace and len(pieces) == 1 and self._can_replace():
            view = ui.view(reply.buttons, guild_id=guild_id) if reply.buttons else None
            await self._replace(pieces[0], view, mentions)
            return
        self._answered = True
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            view = ui.view(reply.buttons, guild_id=guild_id) if last and reply.buttons else None
            view = view or discord.utils.MISSING
            if not interaction.response.is_done():
                await interaction.response.send_message(
                    piece, ephemeral=reply.private, view=view, allowed_mentions=mentions
                )
            elif self._deferred_private is not None:
                await self._resolve_deferred(piece, reply.private, view, mentions)
            else:
                await interaction.followup.send(
                    piece, ephemeral=reply.private, view=view, allowed_mentions=mentions
                )

    def _can_replace(self) -> bool:
        # Only a press can update the message it came from, and only before anything else
        # answered it (after that, @original is the answer, not the pressed message).
        is_press = self.interaction.type is discord.InteractionType.component
        return is_press and not self._answered and self._deferred_private is None

    async def _replace(
        self, piece: str, view: discord.ui.View | None, mentions: discord.AllowedMentions
    ) -> None:
        self._answered = True
        response = self.interaction.response
        if not response.is_done():
            await response.edit_message(content=piece, view=view, allowed_mentions=mentions)
        else:  # acknowledged silently while the work ran: the pressed message is @original
            await self.interaction.edit_original_response(
                content=piece, view=view, allowed_mentions=mentions
            )

    async def _resolve_deferred(
        self, piece: str, private: bool, view: discord.ui.View, mentions: discord.AllowedMentions
    ) -> None:
        # The "thinking…" message got its visibility when deferred and can't change it, so an
        # answer of the other kind goes out separately and the placeholder says where.
        interaction = self.interaction
        if private == self._deferred_private:
            await interaction.edit_original_response(
                content=piece, view=view if view else None, allowed_mentions=mentions
            )
        elif private:
            await interaction.edit_original_response(content="(answered privately)")
            await interaction.followup.send(
                piece, ephemeral=True, view=view, allowed_mentions=mentions
            )
        else:
            channel = interaction.channel
            await interaction.edit_original_response(content="Posted in the channel.")
            if isinstance(channel, discord.abc.Messageable):
                await channel.send(piece, view=view, allowed_mentions=mentions)
        self._deferred_private = None

    async def _open_form(self, item: FormRequest) -> None:
        response = self.interaction.response
        if response.is_done():
            # A modal must be the first answer; after a slow start, point to the command.
            note = f"Run /{item.form.command} again to open the form."
            await self._answer(Reply(render.safe(note), private=True))
            return
        await response.send_modal(ui.modal(item.form, guild_id=self._dm_guild_id))

    @property
    def _dm_guild_id(self) -> int | None:
        # Buttons and forms shown in a DM must say which guild they belong to.
        in_dm = self.interaction.guild_id is None and self.guild is not None
        return self.guild.id if in_dm and self.guild else None


async def _send(
    target: discord.abc.Messageable, reply: Reply, *, guild_id: int | None = None
) -> None:
    """Send a reply split to fit, with its buttons on the last part."""
    pieces = ui.chunks(reply.text)
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        await target.send(
            piece,
            view=ui.view(reply.buttons, guild_id=guild_id)
            if last and reply.buttons
            else discord.utils.MISSING,
            allowed_mentions=ui.allowed_mentions(reply.text),
        )


def _guild_of(client: discord.Client, interaction: discord.Interaction) -> discord.Guild | None:
    data = interaction.data or {}
    custom_id = str(data.get("custom_id", ""))
    guild_id, _ = ui.split_custom_id(custom_id)
    if guild_id is None and (target := ui.form_target(custom_id)):
        guild_id = target[1]
    return client.get_guild(guild_id) if guild_id else None
