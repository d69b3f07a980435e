"""Request payloads in the shapes Slack sends: slash commands, block actions, events."""

from __future__ import annotations

import time
from typing import Any

from .api_views import full_view
from .modal_state import find_element, option_for
from .state import Message
from .workspace import Workspace


def user_ref(ws: Workspace, user_id: str) -> dict[str, Any]:
    """The `user` object of interactive payloads."""
    user = ws.users.get(user_id)
    name = user.name if user else user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": ws.team_id}


def channel_ref(ws: Workspace, channel_id: str) -> dict[str, Any]:
    """The `channel` object of interactive payloads."""
    channel = ws.channels.get(channel_id)
    name = "directmessage" if channel is None or channel.is_im else channel.name
    return {"id": channel_id, "name": name}


def slash_command(
    ws: Workspace, command: str, text: str, user_id: str, channel_id: str
) -> dict[str, str]:
    """The form fields of a slash command (every value a string, as Slack posts them)."""
    channel_name = channel_ref(ws, channel_id)["name"]
    return {
        "token": ws.verification_token,
        "team_id": ws.team_id,
        "team_domain": ws.team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_ref(ws, user_id)["name"],
        "command": command,
        "text": text,
        "api_app_id": ws.app_id,
        "is_enterprise_install": "false",
        "response_url": ws.issue_response_url(user_id, channel_id),
        "trigger_id": ws.issue_trigger(user_id),
    }


def block_action(
    ws: Workspace,
    user_id: str,
    action_id: str,
    value: Any,
    block_id: str | None,
    message: Message | None,
    view_id: str | None,
    channel_id: str | None,
) -> dict[str, Any]:
    """A block_actions payload for an element in a posted message or an open view."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user_ref(ws, user_id),
        "api_app_id": ws.app_id,
        "token": ws.verification_token,
        "trigger_id": ws.issue_trigger(user_id),
        "team": {"id": ws.team_id, "domain": ws.team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    blocks: list[dict[str, Any]] = []
    if view_id is not None:
        record = ws.views[view_id]
        blocks = record.view.get("blocks", [])
        payload["container"] = {"type": "view", "view_id": view_id}
        payload["view"] = full_view(ws, record)
    else:
        if message is None:
            # An action always comes from somewhere; default to a bare message in the DM.
            channel_id = channel_id or ws.dm_channel(user_id).id
            message = Message(channel_id, "", [], ws.ids.ts(), author=ws.bot_user.id)
        blocks = message.blocks or []
        payload["container"] = {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": message.channel,
            "is_ephemeral": message.ephemeral,
        }
        payload["channel"] = channel_ref(ws, message.channel)
        # Slack leaves `message` out of actions on ephemeral messages; apps must not need it.
        if not message.ephemeral:
            payload["message"] = message.to_slack(ws.bot_id)
        payload["response_url"] = ws.issue_response_url(user_id, message.channel, message.ts)
    payload["actions"] = [_action(blocks, action_id, value, block_id)]
    return payload


def event_callback(ws: Workspace, event: dict[str, Any], event_id: str) -> dict[str, Any]:
    """The Events API outer envelope around one event."""
    return {
        "token": ws.verification_token,
        "team_id": ws.team_id,
        "api_app_id": ws.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event_context": f"4-{event_id}",
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": ws.team_id,
                "user_id": ws.bot_user.id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def event_body(ws: Workspace, type: str, fields: dict[str, Any]) -> dict[str, Any]:
    """An inner event with the fields Slack fills in for the common types."""
    event: dict[str, Any] = {"type": type, **fields, "event_ts": f"{time.time():.6f}"}
    if type == "team_join" and isinstance(event.get("user"), str):
        # team_join carries the whole user object, not just the id.
        event["user"] = ws.users[event["user"]].to_slack(ws.team_id)
    elif type == "app_home_opened":
        event.setdefault("tab", "home")
        event.setdefault("channel", ws.dm_channel(event["user"]).id)
        home = next(
            (
                r
                for r in ws.views.values()
                if r.user == event["user"] and r.view.get("type") == "home"
            ),
            None,
        )
        if home is not None:
            event.setdefault("view", full_view(ws, home))
    elif type == "member_joined_channel":
        channel = ws.channels[event["channel"]]
        event.setdefault("channel_type", "G" if channel.is_private else "C")
        event.setdefault("team", ws.team_id)
        if event["user"] not in channel.members:
            channel.members.append(event["user"])
    elif type == "message":
        _user_message(ws, event)
    return event


def _user_message(ws: Workspace, event: dict[str, Any]) -> None:
    """Fill a user's message event and record the message in its channel."""
    channel = ws.channels.get(event["channel"])
    kind = "channel"
    if channel is not None and channel.is_im:
        kind = "im"
    elif channel is not None and channel.is_private:
        kind = "group"
    event.setdefault("channel_type", kind)
    event.setdefault("ts", ws.ids.ts())
    event.setdefault("text", "")
    ws.messages.append(
        Message(
            event["channel"],
            event["text"],
            event.get("blocks"),
            event["ts"],
            thread_ts=event.get("thread_ts"),
            author=event.get("user"),
            source="event",
        )
    )


def _action(
    blocks: list[dict[str, Any]], action_id: str, value: Any, block_id: str | None
) -> dict[str, Any]:
    """One entry of `actions`, shaped by the element the user clicked."""
    found = find_element(blocks, action_id, block_id)
    if blocks and found is None:
        raise ValueError(f"no element with action_id {action_id!r} in the message or view")
    found_block_id, element = found or (block_id or "fake_block", {"type": "button"})
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": found_block_id,
        "type": element.get("type", "button"),
        "action_ts": f"{time.time():.6f}",
    }
    if action["type"] == "button":
        if value is None:
            value = element.get("value")
        action["text"] = element.get("text", {"type": "plain_text", "text": "Button"})
        if value is not None:
            action["value"] = value
    elif action["type"] in ("static_select", "overflow", "radio_buttons", "external_select"):
        action["selected_option"] = option_for(element, value)
    elif action["type"] == "users_select":
        action["selected_user"] = value
    elif action["type"] == "conversations_select":
        action["selected_conversation"] = value
    else:
        action["value"] = value
    return action
