"""Lookup methods: auth, users, team, conversations, and the Socket Mode URL."""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

from .errors import SlackError, truthy
from .workspace import Workspace


def auth_test(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """auth.test: who the bot token belongs to (bolt calls this before dispatching)."""
    return {
        "ok": True,
        "url": f"https://{ws.team_domain}.slack.com/",
        "team": ws.team_name,
        "user": ws.bot_user.name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user.id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def users_info(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """users.info"""
    user = ws.users.get(str(args.get("user")))
    if user is None:
        raise SlackError("user_not_found")
    return {"ok": True, "user": user.to_slack(ws.team_id)}


def users_list(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """users.list, paged with an opaque cursor like Slack's."""
    members = list(ws.users.values())
    start = _decode_cursor(args.get("cursor"), [u.id for u in members])
    try:
        limit = int(args.get("limit") or 0)
    except ValueError as error:
        raise SlackError("invalid_limit") from error
    # limit=0 means "as many as Slack likes"; Slack still pages large teams.
    limit = min(limit, ws.users_page_limit) if limit > 0 else ws.users_page_limit
    page = members[start : start + limit]
    next_cursor = ""
    if start + limit < len(members):
        next_cursor = base64.b64encode(f"user:{members[start + limit].id}".encode()).decode()
    return {
        "ok": True,
        "members": [u.to_slack(ws.team_id) for u in page],
        "cache_ts": 1_700_000_000,
        "response_metadata": {"next_cursor": next_cursor},
    }


def team_info(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """team.info"""
    return {
        "ok": True,
        "team": {
            "id": ws.team_id,
            "name": ws.team_name,
            "domain": ws.team_domain,
            "email_domain": "example.com",
            "url": f"https://{ws.team_domain}.slack.com/",
            "icon": {"image_default": True, "image_34": "https://a.slack-edge.com/x-34.png"},
            "is_verified": False,
        },
    }


def conversations_info(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """conversations.info"""
    channel = ws.channels.get(str(args.get("channel")))
    # The bot cannot see private channels it was not added to.
    if channel is None or (channel.is_private and not channel.bot_is_member):
        raise SlackError("channel_not_found")
    return {"ok": True, "channel": channel.to_slack(ws.bot_user.id)}


def conversations_open(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """conversations.open for a DM with one user (the bot's side of the DM)."""
    if args.get("channel"):
        return conversations_info(ws, args)
    user_ids = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
    if not user_ids:
        raise SlackError("users_list_not_supplied")
    if len(user_ids) > 1:
        raise SlackError(
            "method_not_supported_for_channel_type", warning="the fake only opens 1:1 DMs"
        )
    user = ws.users.get(user_ids[0])
    if user is None:
        raise SlackError("user_not_found")
    if user.deleted:
        raise SlackError("user_disabled")
    if user.dm_error:
        raise SlackError(user.dm_error)
    # Slack will not open a DM between the bot and another bot user.
    if user.is_bot:
        raise SlackError("cannot_dm_bot")
    existed = any(c.is_im and user.id in c.members for c in ws.channels.values())
    channel = ws.dm_channel(user.id)
    body = channel.to_slack(ws.bot_user.id) if truthy(args.get("return_im")) else {"id": channel.id}
    result: dict[str, Any] = {"ok": True, "channel": body}
    if existed:
        result.update({"no_op": True, "already_open": True})
    return result


def conversations_list(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """conversations.list, paged with an opaque cursor (default type: public channels)."""
    types = {t.strip() for t in str(args.get("types") or "public_channel").split(",")}
    unknown = types - {"public_channel", "private_channel", "im", "mpim"}
    if unknown:
        raise SlackError("invalid_types")
    found = [
        c
        for c in ws.channels.values()
        if ("im" if c.is_im else "private_channel" if c.is_private else "public_channel") in types
        # Private channels the bot is not in are invisible to it.
        and not (c.is_private and not c.bot_is_member)
        and not (truthy(args.get("exclude_archived")) and c.is_archived)
    ]
    start = _decode_cursor(args.get("cursor"), [c.id for c in found], kind="channel")
    try:
        limit = int(args.get("limit") or 100)
    except ValueError as error:
        raise SlackError("invalid_limit") from error
    limit = max(1, min(limit, 1000))  # Slack caps a page at 1,000
    page = found[start : start + limit]
    next_cursor = ""
    if start + limit < len(found):
        next_cursor = base64.b64encode(f"channel:{found[start + limit].id}".encode()).decode()
    return {
        "ok": True,
        "channels": [c.to_slack(ws.bot_user.id) for c in page],
        "response_metadata": {"next_cursor": next_cursor},
    }


def connections_open(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """apps.connections.open: a one-use Socket Mode URL pointing at the fake."""
    ticket = secrets.token_hex(8)
    ws.socket_tickets.add(ticket)
    ws_url = ws.url.replace("http://", "ws://", 1)
    return {"ok": True, "url": f"{ws_url}/link/?ticket={ticket}&app_id={ws.app_id}"}


def _decode_cursor(cursor: Any, ids: list[str], kind: str = "user") -> int:
    """Where a page starts; Slack answers invalid_cursor to a cursor it did not issue."""
    if not cursor:
        return 0
    try:
        found, _, item_id = base64.b64decode(str(cursor), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise SlackError("invalid_cursor") from error
    if found != kind or item_id not in ids:
        raise SlackError("invalid_cursor")
    return ids.index(item_id)


HANDLERS = {
    "auth.test": auth_test,
    "users.info": users_info,
    "users.list": users_list,
    "team.info": team_info,
    "conversations.info": conversations_info,
    "conversations.open": conversations_open,
    "conversations.list": conversations_list,
    "apps.connections.open": connections_open,
}
