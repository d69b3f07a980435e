"""Everything the fake Discord knows: entities, commands, messages and request log."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from . import payloads
from .errors import (
    MISSING_ACCESS,
    UNKNOWN_CHANNEL,
    UNKNOWN_GUILD,
    UNKNOWN_MESSAGE,
    DiscordHTTPError,
    not_found,
)
from .models import (
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    Perm,
    RecordedAttachment,
    RecordedMessage,
    RecordedRequest,
    iso_now,
    snowflake,
)


@dataclass
class InteractionRecord:
    """An interaction the fake dispatched and what the bot did with it."""

    id: int
    token: str
    type: int
    guild_id: int | None
    channel_id: int
    user_id: int
    payload: dict[str, Any]
    dispatched_at: float = field(default_factory=time.monotonic)
    answered_at: float | None = None  # when the first callback arrived
    response_type: int | None = None
    original_message_id: int | None = None
    source_message_id: int | None = None
    modal: dict[str, Any] | None = None
    followup_ids: list[int] = field(default_factory=list)
    callback: Any = None  # asyncio.Future[dict] set by the server


class FakeState:
    """The fake's single source of truth; handlers and the driver both use it."""

    def __init__(self, token: str, app_id: int, bot: FakeUser, owner: FakeUser) -> None:
        self.token = token
        self.app_id = app_id
        self.bot = bot
        self.owner = owner
        self.users: dict[int, FakeUser] = {bot.id: bot, owner.id: owner}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.dms_closed: set[int] = set()
        self.messages: dict[int, RecordedMessage] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {None: []}
        self.requests: list[RecordedRequest] = []
        self.interactions: dict[int, InteractionRecord] = {}
        # Discord only says it remembers nonces for "the past few minutes".
        self.nonce_window = 180.0
        self._nonces: dict[tuple[int, int, str], tuple[int, float]] = {}

    # -- entities ---------------------------------------------------------

    def ensure_user(self, user: FakeUser | int | str) -> FakeUser:
        """Accept a FakeUser, an id, or a name (creating the user) and return it."""
        if isinstance(user, FakeUser):
            return self.users.setdefault(user.id, user)
        if isinstance(user, int):
            if user not in self.users:
                raise KeyError(f"unknown user {user}; create it with fake.user(...)")
            return self.users[user]
        made = FakeUser(id=snowflake(), username=user)
        self.users[made.id] = made
        return made

    def guild(self, guild_id: int) -> FakeGuild:
        """Look up a guild or 404 like Discord."""
        g = self.guilds.get(int(guild_id))
        if g is None:
            raise not_found("Guild", UNKNOWN_GUILD)
        return g

    def channel(self, channel_id: int | str) -> FakeChannel:
        """Look up any channel (guild or DM) or 404 like Discord."""
        try:
            return self.channels[int(channel_id)]
        except (KeyError, ValueError):
            raise not_found("Channel", UNKNOWN_CHANNEL) from None

    def new_guild(self, name: str, owner: FakeUser, bot_permissions: int) -> FakeGuild:
        """Create a guild with @everyone, a managed bot role, the owner and the bot."""
        gid = snowflake()
        g = FakeGuild(id=gid, name=name, owner_id=owner.id)
        g.roles[gid] = FakeRole(id=gid, name="@everyone", permissions=Perm.DEFAULT_EVERYONE)
        bot_role = FakeRole(
            id=snowflake(),
            name=self.bot.username,
            permissions=bot_permissions,
            position=1,
            managed=True,
        )
        g.roles[bot_role.id] = bot_role
        g.members[owner.id] = FakeMember(user_id=owner.id)
        g.members[self.bot.id] = FakeMember(user_id=self.bot.id, roles=[bot_role.id])
        self.guilds[gid] = g
        self.commands.setdefault(gid, [])
        return g

    def new_channel(self, guild_id: int, name: str, type_: int = 0) -> FakeChannel:
        """Create a guild channel."""
        g = self.guild(guild_id)
        c = FakeChannel(
            id=snowflake(), name=name, type=type_, guild_id=g.id, position=len(g.channels)
        )
        g.channels[c.id] = c
        self.channels[c.id] = c
        return c

    def dm_channel(self, user_id: int) -> FakeChannel:
        """Get or create the DM channel with a user (Discord reuses one per pair)."""
        if user_id not in self.dm_channels:
            c = FakeChannel(id=snowflake(), name="", type=1, recipient_id=user_id)
            self.channels[c.id] = c
            self.dm_channels[user_id] = c.id
        return self.channels[self.dm_channels[user_id]]

    def member_payload(self, guild_id: int, user_id: int, with_perms: bool = False) -> dict:
        """A member object with its user, optionally with computed permissions."""
        g = self.guild(guild_id)
        perms = g.permissions_of(user_id) if with_perms else None
        return payloads.member(g.members[user_id], self.users[user_id], perms)

    def require_bot_permission(self, channel: FakeChannel, needed: int) -> None:
        """403 Missing Permissions when the bot lacks guild-level permissions."""
        if channel.guild_id is None:
            return
        g = self.guilds[channel.guild_id]
        if self.bot.id not in g.members:
            raise DiscordHTTPError(403, MISSING_ACCESS, "Missing Access")
        if g.permissions_of(self.bot.id) & needed != needed:
            raise DiscordHTTPError(403, 50013, "Missing Permissions")

    # -- messages ---------------------------------------------------------

    def add_message(
        self,
        channel_id: int,
        body: dict[str, Any],
        author_id: int,
        source: str,
        interaction_id: int | None = None,
        attachments: list[RecordedAttachment] | None = None,
    ) -> RecordedMessage:
        """Store a message created from a (validated) request body."""
        channel = self.channels.get(channel_id)
        m = RecordedMessage(
            id=snowflake(),
            channel_id=channel_id,
            author_id=author_id,
            content=body.get("content") or "",
            embeds=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
            allowed_mentions=body.get("allowed_mentions"),
            flags=int(body.get("flags") or 0),
            interaction_id=interaction_id,
            source=source,
            guild_id=channel.guild_id if channel else None,
            attachments=list(attachments or []),
            nonce=body.get("nonce"),
        )
        self.messages[m.id] = m
        if m.nonce is not None and body.get("enforce_nonce"):
            self._nonces[(channel_id, author_id, str(m.nonce))] = (m.id, time.monotonic())
        return m

    def by_nonce(self, channel_id: int, author_id: int, nonce: Any) -> RecordedMessage | None:
        """The live message this author created here with this nonce, if recent enough."""
        found = self._nonces.get((channel_id, author_id, str(nonce)))
        if found is None or time.monotonic() - found[1] > self.nonce_window:
            return None
        m = self.messages.get(found[0])
        return m if m is not None and not m.deleted else None

    def edit_message(
        self,
        m: RecordedMessage,
        body: dict[str, Any],
        attachments: list[RecordedAttachment] | None = None,
    ) -> None:
        """Apply a PATCH body; only the fields present change, as on Discord."""
        m.edits.append(body)
        if attachments is not None:
            m.attachments = attachments
        m.edited_timestamp = iso_now()
        if "content" in body:
            m.content = body["content"] or ""
        if "embeds" in body:
            m.embeds = list(body["embeds"] or [])
        if "components" in body:
            m.components = list(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            # Ephemeral/loading cannot be toggled by an edit.
            m.flags = (m.flags & (64 | 128)) | int(body["flags"])
        if "allowed_mentions" in body:
            m.allowed_mentions = body["allowed_mentions"]

    def message(self, message_id: int | str, channel_id: int | None = None) -> RecordedMessage:
        """Look up a live message or 404 Unknown Message."""
        try:
            m = self.messages[int(message_id)]
        except (KeyError, ValueError):
            raise not_found("Message", UNKNOWN_MESSAGE) from None
        if m.deleted or (channel_id is not None and m.channel_id != channel_id):
            raise not_found("Message", UNKNOWN_MESSAGE)
        return m

    def message_payload(self, m: RecordedMessage) -> dict[str, Any]:
        """Render a stored message as Discord returns it."""
        by_app = m.source in ("interaction", "followup")
        return payloads.message(
            m,
            self.users[m.author_id],
            m.guild_id,
            webhook_id=self.app_id if by_app else None,
            timestamp=m.timestamp,
            edited_timestamp=m.edited_timestamp,
            msg_type=20 if m.source == "interaction" else 0,
        )

    # -- queries for tests -------------------------------------------------

    def messages_in(self, channel_id: int) -> list[RecordedMessage]:
        """Messages (not deleted) in a channel, oldest first."""
        return [m for m in self.messages.values() if m.channel_id == channel_id and not m.deleted]

    def dm_messages(self, user_id: int) -> list[RecordedMessage]:
        """Messages delivered into the DM channel with `user_id`."""
        channel_id = self.dm_channels.get(user_id)
        return [] if channel_id is None else self.messages_in(channel_id)

    def find_command(self, guild_id: int | None, name: str) -> dict[str, Any] | None:
        """A registered slash command by name: guild scope first, then global."""
        for scope in (guild_id, None):
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name and cmd.get("type", 1) == 1:
                    return cmd
        return None
