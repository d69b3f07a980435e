"""JSON objects shaped like Discord's API v10 responses and gateway events."""

from __future__ import annotations

from typing import Any

from .models import FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser, RecordedMessage
from .uploads import attachment_payload


def user(u: FakeUser) -> dict[str, Any]:
    """A user object (pomelo usernames: discriminator "0")."""
    return {
        "id": str(u.id),
        "username": u.username,
        "global_name": u.global_name,
        "discriminator": "0",
        "avatar": None,
        "bot": u.bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
    }


def role(r: FakeRole) -> dict[str, Any]:
    """A role object; permissions are a string because they exceed 2**53."""
    return {
        "id": str(r.id),
        "name": r.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": r.position,
        "permissions": str(r.permissions),
        "managed": r.managed,
        "mentionable": False,
        "flags": 0,
    }


def channel(c: FakeChannel, recipients: list[FakeUser] | None = None) -> dict[str, Any]:
    """A guild text channel or a DM channel."""
    if c.type == 1:
        return {
            "id": str(c.id),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user(u) for u in recipients or []],
        }
    return {
        "id": str(c.id),
        "type": c.type,
        "guild_id": str(c.guild_id),
        "name": c.name,
        "position": c.position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def member(m: FakeMember, u: FakeUser | None, permissions: int | None = None) -> dict[str, Any]:
    """A guild member; `u=None` omits `user` as Discord does inside MESSAGE_CREATE."""
    data: dict[str, Any] = {
        "roles": [str(r) for r in m.roles],
        "nick": m.nick,
        "avatar": None,
        "banner": None,
        "joined_at": m.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if u is not None:
        data["user"] = user(u)
    if permissions is not None:
        # Only interaction payloads carry the member's computed permissions.
        data["permissions"] = str(permissions)
    return data


def guild_create(
    g: FakeGuild, users: dict[int, FakeUser], member_ids: list[int], *, joined: bool = False
) -> dict[str, Any]:
    """A full GUILD_CREATE payload, with the given members included.

    After READY, Discord marks lazily loaded guilds `unavailable: false`; a guild the bot
    just joined omits the key (discord.py tells on_guild_available from on_guild_join by it).
    """
    data: dict[str, Any] = {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(g.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role(r) for r in g.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": g.members[next(iter(g.members))].joined_at if g.members else None,
        "large": len(g.members) > 250,
        "unavailable": False,
        "member_count": len(g.members),
        "voice_states": [],
        "members": [member(g.members[i], users[i]) for i in member_ids],
        "channels": [channel(c) for c in g.channels.values()],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }
    if joined:
        del data["unavailable"]
    return data


# What only a gateway GUILD_CREATE carries; the REST guild object has none of it.
_GATEWAY_ONLY = (
    "joined_at",
    "large",
    "unavailable",
    "member_count",
    "voice_states",
    "members",
    "channels",
    "threads",
    "presences",
    "stage_instances",
    "guild_scheduled_events",
    "soundboard_sounds",
)


def guild(g: FakeGuild, users: dict[int, FakeUser]) -> dict[str, Any]:
    """The REST guild object (GET /guilds/{id}): its owner and roles, no members or channels."""
    data = guild_create(g, users, [])
    return {key: value for key, value in data.items() if key not in _GATEWAY_ONLY}


def message(
    m: RecordedMessage,
    author: FakeUser,
    guild_id: int | None = None,
    *,
    webhook_id: int | None = None,
    timestamp: str = "",
    edited_timestamp: str | None = None,
    msg_type: int = 0,
) -> dict[str, Any]:
    """A message object as returned by the REST API."""
    data: dict[str, Any] = {
        "id": str(m.id),
        "type": msg_type,
        "channel_id": str(m.channel_id),
        "author": user(author),
        "content": m.content,
        "timestamp": timestamp,
        "edited_timestamp": edited_timestamp,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [attachment_payload(a, m.channel_id) for a in m.attachments],
        # Discord fills in the embed type for bot-sent embeds.
        "embeds": [{"type": "rich", **e} for e in m.embeds],
        "components": m.components,
        "pinned": False,
        "flags": m.flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if m.nonce is not None:
        data["nonce"] = m.nonce
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
        data["application_id"] = str(webhook_id)
    return data


def application(app_id: int, owner: FakeUser, flags: int) -> dict[str, Any]:
    """GET /oauth2/applications/@me."""
    return {
        "id": str(app_id),
        "name": owner.username,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": user(owner),
        "team": None,
        "flags": flags,
        "interactions_endpoint_url": None,
        "tags": [],
        "redirect_uris": [],
    }
