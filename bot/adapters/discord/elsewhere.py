"""Who pressed a DM's button: for a guild in this client's cache, or one another shard runs."""

from __future__ import annotations

import logging
import time

import discord

from bot.commands import Level
from bot.dispatch import Actor, Dispatcher, Place

log = logging.getLogger(__name__)
PLATFORM = "discord"
GUILD_FOR = 300.0  # seconds a guild fetched by REST (its owner and roles) is trusted
CHANNELS_FOR = 60.0  # seconds its text channels, fetched by REST, are trusted
TEXT = 0  # a text channel's type


def place_of(guild: discord.Guild, channel_id: int | None = None) -> Place:
    """A guild (and channel) as a neutral place."""
    return Place(PLATFORM, str(guild.id), guild.name, str(channel_id) if channel_id else None)


def level_of(user: discord.Member | discord.User, moderator_role: str) -> Level:
    """Owner, Administrator/Manage Server → admin, Manage Messages or the moderator role."""
    if not isinstance(user, discord.Member):
        return Level.MEMBER
    if user.guild.owner_id == user.id:
        return Level.OWNER
    permissions = user.guild_permissions
    if permissions.administrator or permissions.manage_guild:
        return Level.ADMIN
    named = moderator_role.strip().lower()
    if permissions.manage_messages or any(r.name.lower() == named for r in user.roles if named):
        return Level.MODERATOR
    return Level.MEMBER


class Elsewhere:
    """Guilds another process's shard runs, as far as a DM's button or form needs them."""

    # Every DM reaches shard 0, whatever guild it is about: the process running shard 0 has
    # the others' guilds neither in its cache nor on its gateway. The community is known by
    # the id the button carries; the member's standing is asked of the REST API.

    def __init__(self, client: discord.Client, dispatcher: Dispatcher) -> None:
        self._client = client
        self._dispatcher = dispatcher
        self._guilds: dict[int, tuple[float, discord.Guild]] = {}
        self._channels: dict[int, tuple[float, dict[int, str]]] = {}

    async def who(self, user: discord.User | discord.Member, guild_id: int) -> tuple[Place, Actor]:
        """The place and actor of a press in a DM for a guild out of this client's cache."""
        try:
            guild = await self._guild(guild_id)
            member = await guild.fetch_member(user.id)
        except discord.HTTPException as error:
            # Out of reach (the member left, a hiccup): a plain member, whom every DM's own
            # buttons serve; a button for moderators is then refused as for any member.
            log.info("no standing of %s in guild %s by REST: %s", user.id, guild_id, error)
            return Place(PLATFORM, str(guild_id)), Actor(str(user.id), user.display_name)
        place = place_of(guild)
        moderator_role = (await self._dispatcher.config(place)).moderator_role
        return place, Actor(str(member.id), member.display_name, level_of(member, moderator_role))

    async def _guild(self, guild_id: int) -> discord.Guild:
        cached = self._guilds.get(guild_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < GUILD_FOR:
            return cached[1]
        guild = await self._client.fetch_guild(guild_id, with_counts=False)
        self._guilds[guild_id] = (now, guild)
        return guild

    async def channel(
        self, guild_id: int, wanted: str | None, here: str | None
    ) -> discord.abc.Messageable | None:
        """A guild's text channel by id or name, else `here`, else its first (as in the cache)."""
        channels = await self._text_channels(guild_id)
        name = (wanted or "").strip().lstrip("#").lower()
        by_name = [i for i, n in channels.items() if n.lower() == name or str(i) == name]
        if name and not by_name:
            log.warning(
                "no channel #%s in guild %s: posting where the event happened", name, guild_id
            )
        near = [int(here)] if here and here.isdigit() and int(here) in channels else []
        found = (by_name or near or list(channels))[:1]
        if not found:
            return None
        kind = discord.ChannelType.text
        return self._client.get_partial_messageable(found[0], guild_id=guild_id, type=kind)

    async def _text_channels(self, guild_id: int) -> dict[int, str]:
        """The guild's text channels, id to name, in the order Discord shows them."""
        cached = self._channels.get(guild_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < CHANNELS_FOR:
            return cached[1]
        listed = await self._client.http.get_all_guild_channels(guild_id)
        text = sorted((c for c in listed if c["type"] == TEXT), key=lambda c: c["position"])
        channels = {int(c["id"]): c.get("name") or "" for c in text}
        self._channels[guild_id] = (now, channels)
        return channels
