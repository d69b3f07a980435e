"""REST routes for gateway discovery, users, DMs, channel messages and members."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import payloads
from .errors import (
    CANNOT_DM,
    CANNOT_EDIT_OTHERS,
    EMPTY_MESSAGE,
    UNKNOWN_USER,
    DiscordHTTPError,
    json_response,
    not_found,
)
from .middleware import BODY_KEY, FILES_KEY
from .models import Perm, RecordedAttachment, RecordedMessage
from .uploads import Upload, attachments_for
from .validate_messages import CHANNEL_FLAGS, validate_message

if TYPE_CHECKING:
    from .server import FakeDiscord


def add_routes(app: web.Application, fake: FakeDiscord) -> None:
    """Register the routes on the app under /api/v10."""
    state = fake.state
    api = "/api/v10"

    async def get_gateway(request: web.Request) -> web.Response:
        return json_response({"url": fake.gateway_url})

    async def get_gateway_bot(request: web.Request) -> web.Response:
        # discord.py's AutoShardedClient reads url, shards and session_start_limit.
        return json_response(
            {
                "url": fake.gateway_url,
                "shards": fake.gateway.recommended_shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def get_me(request: web.Request) -> web.Response:
        return json_response({**payloads.user(state.bot), "verified": True, "mfa_enabled": False})

    async def get_user(request: web.Request) -> web.Response:
        user = state.users.get(as_int(request.match_info["user_id"]))
        if user is None:
            raise not_found("User", UNKNOWN_USER)
        return json_response(payloads.user(user))

    async def get_application(request: web.Request) -> web.Response:
        flags = fake.gateway.application_flags()
        return json_response(payloads.application(state.app_id, state.owner, flags))

    async def create_dm(request: web.Request) -> web.Response:
        body = body_of(request)
        user = state.users.get(as_int(body.get("recipient_id")))
        if user is None:
            raise not_found("User", UNKNOWN_USER)
        # Opening the channel works even when the user's DMs are closed; sending fails.
        channel = state.dm_channel(user.id)
        return json_response(payloads.channel(channel, [user]))

    async def get_channel(request: web.Request) -> web.Response:
        channel = state.channel(request.match_info["channel_id"])
        recipients = [state.users[channel.recipient_id]] if channel.recipient_id else None
        return json_response(payloads.channel(channel, recipients))

    async def create_message(request: web.Request) -> web.Response:
        channel = state.channel(request.match_info["channel_id"])
        body = body_of(request)
        files = files_of(request)
        state.require_bot_permission(channel, Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES)
        validate_message(body, creating=True, allowed_flags=CHANNEL_FLAGS, files=len(files))
        attachments = attachments_for(body, files)
        if attachments:
            state.require_bot_permission(channel, Perm.ATTACH_FILES)
        if channel.recipient_id in state.dms_closed:
            raise DiscordHTTPError(403, CANNOT_DM, "Cannot send messages to this user")
        if body.get("enforce_nonce") and body.get("nonce") is not None:
            # A resend with the same nonce gets the message already made, not a second one.
            earlier = state.by_nonce(channel.id, state.bot.id, body["nonce"])
            if earlier is not None:
                return json_response(state.message_payload(earlier))
        message = state.add_message(
            channel.id, body, state.bot.id, "channel", attachments=attachments
        )
        return json_response(state.message_payload(message))

    async def get_message(request: web.Request) -> web.Response:
        channel = state.channel(request.match_info["channel_id"])
        message = state.message(request.match_info["message_id"], channel.id)
        return json_response(state.message_payload(message))

    async def edit_message(request: web.Request) -> web.Response:
        channel = state.channel(request.match_info["channel_id"])
        message = state.message(request.match_info["message_id"], channel.id)
        body = body_of(request)
        if message.author_id != state.bot.id:
            raise DiscordHTTPError(
                403, CANNOT_EDIT_OTHERS, "Cannot edit a message authored by another user"
            )
        validate_message(body, creating=False, allowed_flags=CHANNEL_FLAGS)
        attachments = attachments_for(body, files_of(request), message.attachments)
        if emptied(message, body, attachments):
            raise DiscordHTTPError(400, EMPTY_MESSAGE, "Cannot send an empty message")
        state.edit_message(message, body, attachments)
        return json_response(state.message_payload(message))

    async def delete_message(request: web.Request) -> web.Response:
        channel = state.channel(request.match_info["channel_id"])
        message = state.message(request.match_info["message_id"], channel.id)
        if message.author_id != state.bot.id:
            state.require_bot_permission(channel, Perm.MANAGE_MESSAGES)
        message.deleted = True
        return web.Response(status=204)

    def joined_guild(request: web.Request) -> Any:
        g = state.guild(as_int(request.match_info["guild_id"]))
        if state.bot.id not in g.members:
            raise DiscordHTTPError(403, 50001, "Missing Access")
        return g

    async def get_guild(request: web.Request) -> web.Response:
        return json_response(payloads.guild(joined_guild(request), state.users))

    async def list_channels(request: web.Request) -> web.Response:
        channels = joined_guild(request).channels.values()
        return json_response([payloads.channel(c) for c in channels])

    async def get_member(request: web.Request) -> web.Response:
        g = state.guild(as_int(request.match_info["guild_id"]))
        user_id = as_int(request.match_info["user_id"])
        if user_id not in g.members:
            raise not_found("Member", 10007)
        return json_response(state.member_payload(g.id, user_id))

    async def list_members(request: web.Request) -> web.Response:
        g = state.guild(as_int(request.match_info["guild_id"]))
        if not fake.privileged_intents & 2:
            # Listing members is gated on the GUILD_MEMBERS intent being enabled for the app.
            raise DiscordHTTPError(403, 50001, "Missing Access")
        after = as_int(request.query.get("after", "0"))
        limit = min(as_int(request.query.get("limit", "1")), 1000)
        ids = sorted(i for i in g.members if i > after)[:limit]
        return json_response([state.member_payload(g.id, i) for i in ids])

    app.router.add_get(f"{api}/gateway", get_gateway)
    app.router.add_get(f"{api}/gateway/bot", get_gateway_bot)
    app.router.add_get(f"{api}/users/@me", get_me)
    app.router.add_get(f"{api}/users/{{user_id:\\d+}}", get_user)
    app.router.add_get(f"{api}/oauth2/applications/@me", get_application)
    app.router.add_post(f"{api}/users/@me/channels", create_dm)
    app.router.add_get(f"{api}/channels/{{channel_id}}", get_channel)
    app.router.add_post(f"{api}/channels/{{channel_id}}/messages", create_message)
    app.router.add_get(f"{api}/channels/{{channel_id}}/messages/{{message_id}}", get_message)
    app.router.add_patch(f"{api}/channels/{{channel_id}}/messages/{{message_id}}", edit_message)
    app.router.add_delete(f"{api}/channels/{{channel_id}}/messages/{{message_id}}", delete_message)
    app.router.add_get(f"{api}/guilds/{{guild_id}}", get_guild)
    app.router.add_get(f"{api}/guilds/{{guild_id}}/channels", list_channels)
    app.router.add_get(f"{api}/guilds/{{guild_id}}/members/{{user_id}}", get_member)
    app.router.add_get(f"{api}/guilds/{{guild_id}}/members", list_members)


def as_int(value: Any) -> int:
    """Parse a snowflake from a path/query/body, 0 when malformed (Discord 404s those)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def files_of(request: web.Request) -> list[Upload]:
    """The request's uploaded file parts, read by the recording middleware."""
    return list(request.get(FILES_KEY) or [])


def emptied(
    m: RecordedMessage, body: dict[str, Any], attachments: list[RecordedAttachment] | None
) -> bool:
    """Whether an edit would leave nothing in the message, which Discord refuses."""
    content = body.get("content", m.content)
    embeds = body.get("embeds", m.embeds)
    components = body.get("components", m.components)
    files = m.attachments if attachments is None else attachments
    return not (content or embeds or components or files)


def body_of(request: web.Request) -> Any:
    """The request's JSON body, already parsed by the recording middleware."""
    body = request.get(BODY_KEY)
    if body is None:
        raise DiscordHTTPError(400, 50109, "The request body contains invalid JSON.")
    return body
