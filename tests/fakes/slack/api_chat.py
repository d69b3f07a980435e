"""chat.* methods: posting, ephemeral posting and updating messages."""

from __future__ import annotations

from typing import Any

from .blockkit import check_blocks, check_text
from .errors import SlackError, invalid_blocks
from .state import Channel, Message
from .workspace import Workspace


def resolve_channel(ws: Workspace, channel_arg: Any) -> Channel:
    """The channel a chat.* call targets: an id, a #name, or a user id (their DM)."""
    if not isinstance(channel_arg, str) or not channel_arg:
        raise SlackError("channel_not_found")
    if channel_arg in ws.users:
        # Posting to a user id lands in the bot's DM with that user (the Messages tab).
        return ws.dm_channel(channel_arg)
    channel = ws.channels.get(channel_arg)
    if channel is None:
        name = channel_arg.lstrip("#")
        channel = next((c for c in ws.channels.values() if c.name == name and not c.is_im), None)
    if channel is None or (channel.is_private and not channel.bot_is_member):
        # Private channels the bot is not in are invisible to it.
        raise SlackError("channel_not_found")
    return channel


def check_postable(ws: Workspace, channel: Channel) -> None:
    """Raise what Slack answers when the bot may not post in a channel."""
    if channel.is_archived:
        raise SlackError("is_archived")
    if not channel.is_im and not channel.bot_is_member:
        raise SlackError("not_in_channel")


def check_content(args: dict[str, Any]) -> None:
    """Raise no_text / msg_too_long / invalid_blocks for a message body."""
    if not any(args.get(k) for k in ("text", "blocks", "attachments", "markdown_text")):
        raise SlackError("no_text")
    text_error = check_text(args.get("text"))
    if text_error:
        raise SlackError(text_error)
    if "blocks" in args:
        problems = check_blocks(args["blocks"])
        if problems:
            raise invalid_blocks(problems)


def post_message(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """chat.postMessage"""
    channel = resolve_channel(ws, args.get("channel"))
    check_postable(ws, channel)
    check_content(args)
    message = Message(
        channel=channel.id,
        text=args.get("text"),
        blocks=args.get("blocks"),
        ts=ws.ids.ts(),
        thread_ts=args.get("thread_ts"),
        author=ws.bot_user.id,
    )
    ws.messages.append(message)
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "message": _message_body(ws, message),
    }


def post_ephemeral(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """chat.postEphemeral"""
    channel = resolve_channel(ws, args.get("channel"))
    user = ws.users.get(str(args.get("user")))
    if user is None:
        raise SlackError("user_not_found")
    check_postable(ws, channel)
    # Slack only shows an ephemeral message to a member of the conversation.
    if channel.members and user.id not in channel.members:
        raise SlackError("user_not_in_channel")
    check_content(args)
    message = Message(
        channel=channel.id,
        text=args.get("text"),
        blocks=args.get("blocks"),
        ts=ws.ids.ts(),
        user=user.id,
        thread_ts=args.get("thread_ts"),
        author=ws.bot_user.id,
        source="chat.postEphemeral",
    )
    ws.messages.append(message)
    return {"ok": True, "message_ts": message.ts}


def update(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """chat.update"""
    channel = resolve_channel(ws, args.get("channel"))
    message = next(
        (
            m
            for m in ws.messages
            if m.channel == channel.id and m.ts == args.get("ts") and not m.ephemeral
        ),
        None,
    )
    if message is None:
        raise SlackError("message_not_found")
    # A bot may only edit its own messages.
    if message.author != ws.bot_user.id:
        raise SlackError("cant_update_message")
    check_content({"text": message.text, **args})
    # What chat.update is not sent stays as it was: blocks come off only with blocks=[].
    message.edit(args.get("text", message.text), args.get("blocks", message.blocks))
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text or "",
        "message": _message_body(ws, message),
    }


def _message_body(ws: Workspace, message: Message) -> dict[str, Any]:
    """The `message` object Slack echoes back from chat.* calls."""
    body = message.to_slack(ws.bot_id)
    body.update(
        {
            "app_id": ws.app_id,
            "team": ws.team_id,
            "bot_profile": {
                "id": ws.bot_id,
                "app_id": ws.app_id,
                "name": ws.bot_user.name,
                "team_id": ws.team_id,
                "deleted": False,
            },
        }
    )
    return body


HANDLERS = {
    "chat.postMessage": post_message,
    "chat.postEphemeral": post_ephemeral,
    "chat.update": update,
}
