"""Sending what a command or job queued: interaction answers, posts, DMs, edits and modals."""

from __future__ import annotations

import asyncio
import logging

import discord

from bot import render
from bot.adapters.discord import render as ui
from bot.adapters.discord import sending
from bot.adapters.discord.sending import (
    CANNOT_DM,
    ref_of,
    send_parts,
    transient_errors,
    without_image,
)
from bot.delivery import Delivered, TransientError
from bot.dispatch import Place
from bot.reply import EditMessage, FormRequest, Outgoing, Reply, ToChannel, ToInvoker, ToMember

log = logging.getLogger(__name__)


class GuildTransport:
    """Posts in a guild's channels, DMs its members and edits what it sent, for any caller."""

    # Discord drops a resent message whose nonce it saw minutes ago (enforce_nonce), so the
    # outbox may record outcomes in batches: a crash in between resends nothing twice.
    dedupes = True

    def __init__(
        self, client: discord.Client, guild: discord.Guild | None, *, guild_id: int | None = None
    ) -> None:
        self.client = client
        self.guild = guild
        # Known even when the guild is on a shard another process runs (not in the cache).
        self.guild_id = guild.id if guild else guild_id

    async def deliver(self, place: Place, item: Outgoing) -> Delivered:
        """Send or edit one item: the message's "channel/message" reference, False if refused."""
        if self.guild is None and not self.client.is_ready():
            # The sender starts with the front-end: until the gateway has handed over the
            # guilds, a missing guild means "not yet", not "nowhere to post".
            raise TransientError("not connected to Discord yet")
        # A long text goes out in parts: the reference names the last one, which carries the
        # buttons and the image and is the one an EditMessage changes.
        async with transient_errors():
            if isinstance(item, ToChannel):
                channel = self.channel_for(item.channel, place)
                if channel is None and self.guild is None:
                    channel = await self._channel_elsewhere(item.channel, place)
                return await self.post(channel, item.reply, nonce=item.nonce)
            if isinstance(item, ToMember):
                user_id = int(item.member.external_id)
                return await self.direct_message(user_id, item.reply, nonce=item.nonce)
            if isinstance(item, EditMessage):
                return await self.edit(item)
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

    async def _channel_elsewhere(
        self, wanted: str | None, place: Place
    ) -> discord.abc.Messageable | None:
        # A guild out of the cache (another shard's) is still reached by REST, by its id.
        elsewhere = getattr(self.client, "elsewhere", None)  # copbot's clients have one
        if elsewhere is None or self.guild_id is None:
            return None
        return await elsewhere.channel(self.guild_id, wanted, place.channel)

    async def post(
        self, channel: discord.abc.Messageable | None, reply: Reply, *, nonce: str | None = None
    ) -> Delivered:
        """Post a public message; its reference, or False when there is nowhere to post."""
        if channel is None:
            log.warning("nowhere to post in %s", self.guild)
            return False
        if (reply.image is not None or reply.files) and not _can_attach(channel):
            # Discord would refuse the whole post; the picture's words still say what it shows.
            log.info("no Attach Files in %s: sending the image's description", channel)
            reply = without_image(reply)
        return ref_of(await send_parts(channel, reply, nonce=nonce))

    async def direct_message(
        self, user_id: int, reply: Reply, *, nonce: str | None = None
    ) -> Delivered:
        """DM a member: the reference, or False when their DMs are closed."""
        user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
        try:
            sent = await send_parts(user, reply, nonce=nonce, guild_id=self._guild_id)
        except discord.Forbidden as error:
            if error.code != CANNOT_DM:
                raise
            log.info("DMs closed for user %s; using the fallback", user_id)
            return False
        return ref_of(sent)

    async def edit(self, item: EditMessage) -> Delivered:
        """Edit a message sent earlier (by its reference) without fetching it first."""
        channel_id, _ = sending.parse_ref(item.ref)
        in_guild = self.guild is not None and self.guild.get_channel_or_thread(channel_id)
        guild_id = None if in_guild else self._guild_id
        return await sending.edit(self.client, item.ref, item.reply, guild_id=guild_id)

    @property
    def _guild_id(self) -> int | None:
        # Buttons outside the guild (in a DM) carry its id, since a DM has no guild.
        return self.guild_id


class InteractionTransport(GuildTransport):
    """Answers one interaction: the first answer is its response, later ones follow-ups."""

    def __init__(
        self, client: discord.Client, interaction: discord.Interaction, *, private: bool
    ) -> None:
        # The guild a DM's button or form names may be on a shard another process runs, out
        # of this client's cache: its id is kept all the same, for the community and the
        # buttons this answer carries.
        guild_id = interaction.guild_id or _guild_id_of(interaction)
        guild = interaction.guild or (client.get_guild(guild_id) if guild_id else None)
        super().__init__(client, guild, guild_id=guild_id)
        self.interaction = interaction
        self.private = private
        self._lock = asyncio.Lock()
        self._deferred_private: bool | None = None  # set when a "thinking…" message awaits
        self._answered = False  # once something was sent, @original is no longer the pressed one

    async def deliver(self, place: Place, item: Outgoing) -> Delivered:
        """Answer the interaction, or post, DM and edit as a guild transport does."""
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
        return self.guild_id if self.interaction.guild_id is None else None


def _can_attach(channel: discord.abc.Messageable) -> bool:
    if isinstance(channel, discord.abc.GuildChannel):
        return channel.permissions_for(channel.guild.me).attach_files
    return True  # DMs always take files


def _guild_id_of(interaction: discord.Interaction) -> int | None:
    """The guild a DM's button or form belongs to, as its custom id says."""
    data = interaction.data or {}
    custom_id = str(data.get("custom_id", ""))
    guild_id, _ = ui.split_custom_id(custom_id)
    if guild_id is None and (target := ui.form_target(custom_id)):
        guild_id = target[1]
    return guild_id
