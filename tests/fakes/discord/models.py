"""Plain data the fake keeps: users, guilds, roles, channels, messages, requests."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

# Discord snowflakes count milliseconds from 2015-01-01T00:00:00Z.
DISCORD_EPOCH_MS = 1_420_070_400_000
_increment = itertools.count()


def snowflake() -> int:
    """Return a fresh, time-ordered Discord snowflake id."""
    millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (millis << 22) | (next(_increment) % 4096)


def iso_now() -> str:
    """Return the current UTC time as Discord's ISO-8601 timestamp."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())


class Intents:
    """Gateway intent bits (https://discord.com/developers/docs/events/gateway#gateway-intents)."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1  # privileged
    GUILD_PRESENCES = 1 << 8  # privileged
    GUILD_MESSAGES = 1 << 9
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15  # privileged
    PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


class Perm:
    """Permission bits used by the fake's checks."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    CHANGE_NICKNAME = 1 << 26
    MANAGE_ROLES = 1 << 28
    USE_APPLICATION_COMMANDS = 1 << 31
    MODERATE_MEMBERS = 1 << 40
    ALL = (1 << 51) - 1
    # What a fresh guild's @everyone role gets (a subset of Discord's default).
    DEFAULT_EVERYONE = (
        CREATE_INSTANT_INVITE
        | ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | CHANGE_NICKNAME
        | USE_APPLICATION_COMMANDS
    )


@dataclass
class FakeUser:
    """A Discord user account."""

    id: int
    username: str
    bot: bool = False
    global_name: str | None = None


@dataclass
class FakeRole:
    """A guild role; the @everyone role shares the guild's id."""

    id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False


@dataclass
class FakeChannel:
    """A guild text channel (type 0) or a DM channel (type 1)."""

    id: int
    name: str
    type: int = 0
    guild_id: int | None = None
    recipient_id: int | None = None
    position: int = 0


@dataclass
class FakeMember:
    """A user's membership in a guild."""

    user_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)


@dataclass
class FakeGuild:
    """A guild with its roles, channels and members."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)

    def permissions_of(self, user_id: int) -> int:
        """Guild-level permissions of a member (no channel overwrites)."""
        if user_id == self.owner_id:
            return Perm.ALL
        member = self.members.get(user_id)
        if member is None:
            return 0
        perms = self.roles[self.id].permissions
        for role_id in member.roles:
            if role_id in self.roles:
                perms |= self.roles[role_id].permissions
        # Administrator implies every permission.
        return Perm.ALL if perms & Perm.ADMINISTRATOR else perms


@dataclass
class RecordedRequest:
    """One HTTP request the client made, as the fake saw it."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int = 0
    files: dict[str, bytes] = field(default_factory=dict)  # multipart file parts by field name


@dataclass
class RecordedAttachment:
    """A file uploaded with a message, kept whole so tests can look at it."""

    id: int
    filename: str
    data: bytes
    description: str | None = None
    content_type: str = "application/octet-stream"

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.data)


@dataclass
class RecordedMessage:
    """A message the bot created, through any route."""

    id: int
    channel_id: int
    author_id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    allowed_mentions: dict[str, Any] | None = None
    flags: int = 0
    interaction_id: int | None = None
    source: str = "channel"  # "channel", "interaction", "followup", "user"
    guild_id: int | None = None
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    deleted: bool = False
    edits: list[dict[str, Any]] = field(default_factory=list)  # each PATCH body, in order
    attachments: list[RecordedAttachment] = field(default_factory=list)
    nonce: str | int | None = None

    @property
    def ephemeral(self) -> bool:
        """Whether the EPHEMERAL flag (1 << 6) is set."""
        return bool(self.flags & 64)


class DriverError(ValueError):
    """A driver call asked for something real Discord's client could never send."""
