"""The Slack app manifest, generated from the registry: a new cog's commands appear in it."""

from __future__ import annotations

from typing import Any

import yaml

from bot import render
from bot.commands import CommandSpec
from bot.registry import Registry

APP_NAME = "copbot"
UMBRELLA = "copbot"
DESCRIPTION = "Helps a community of practice thrive: intros, roles and who is who."
# Each scope is here for a feature; nothing else is asked for.
SCOPES: dict[str, str] = {
    "commands": "the slash commands",
    "chat:write": "replies, intro cards, announcements and welcome DMs",
    "chat:write.public": "post intro cards in the intro channel without being invited to it first",
    "files:write": "share the picture a message carries (files.getUploadURLExternal)",
    "im:write": "open the DM a newcomer's welcome goes to",
    "users:read": "owners and admins get admin rights; names; the team_join event",
    "channels:read": "find the channels named in /config by name; member_joined_channel",
    "channels:history": "message.channels: a message marks its author active (text is never kept)",
}
BOT_EVENTS = ["team_join", "app_home_opened", "member_joined_channel", "message.channels"]
# Slack's own slash commands: an app can't take these names, so they are reached through the
# umbrella instead (/copbot away 14).
SLACK_BUILT_INS = frozenset(
    {
        "active", "apps", "archive", "away", "collapse", "dm", "dnd", "expand", "feed", "invite",
        "leave", "me", "msg", "mute", "open", "remind", "search", "shrug", "status", "topic",
        "who",
    }
)  # fmt: skip
# Slack's limits for a slash command's description and usage hint.
DESCRIPTION_LIMIT = 100
USAGE_LIMIT = 100


def slash_commands(registry: Registry) -> list[dict[str, Any]]:
    """One slash command per top-level command, plus the /copbot umbrella."""
    commands: list[dict[str, Any]] = []
    for name in sorted({path[0] for path in registry.commands} - SLACK_BUILT_INS):
        own = registry.commands.get((name,))
        children = registry.children((name,))
        commands.append(_slash(name, _description(own, children), _usage(name, own, children)))
    commands.append(
        _slash(
            UMBRELLA,
            "Run any copbot command, when a name is taken: /copbot intro show @ana",
            "<command> [arguments]",
        )
    )
    return commands


def _slash(name: str, description: str, usage: str) -> dict[str, Any]:
    command: dict[str, Any] = {
        "command": f"/{name}",
        "description": render.clip(description, DESCRIPTION_LIMIT),
        # Mentions arrive as <@U123|name>, which the core's parser reads.
        "should_escape": True,
    }
    if usage:
        command["usage_hint"] = render.clip(usage, USAGE_LIMIT)
    return command


def _description(own: CommandSpec | None, children: list[CommandSpec]) -> str:
    if own is not None:
        return own.help
    return "; ".join(f"{spec.path[-1]}: {spec.help.rstrip('.')}" for spec in children)


def _usage(name: str, own: CommandSpec | None, children: list[CommandSpec]) -> str:
    parts: list[str] = []
    if own is not None:
        # A form's fields are asked for in a modal, so they are not part of the hint.
        params = [p.usage() for p in own.params if not p.form_field]
        parts.append(" ".join(params) or ("(opens a form)" if own.form else ""))
    for spec in children:
        parts.append(spec.usage().removeprefix(f"/{name} "))
    return " | ".join(part for part in parts if part)


def manifest(registry: Registry, *, request_url: str | None = None) -> dict[str, Any]:
    """The manifest as a dict: Socket Mode, or HTTP requests to request_url when given."""
    commands = slash_commands(registry)
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": BOT_EVENTS},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": request_url is None,
        "token_rotation_enabled": False,
    }
    if request_url is not None:
        settings["event_subscriptions"]["request_url"] = request_url
        settings["interactivity"]["request_url"] = request_url
        commands = [{**command, "url": request_url} for command in commands]
    return {
        "display_information": {"name": APP_NAME, "description": DESCRIPTION},
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                # Welcome DMs live in the Messages tab; copbot does not read replies there.
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": APP_NAME, "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(SCOPES)}},
        "settings": settings,
    }


def render_manifest(registry: Registry, *, request_url: str | None = None) -> str:
    """The manifest as YAML, to paste into "Create an app → From a manifest"."""
    return yaml.safe_dump(
        manifest(registry, request_url=request_url), sort_keys=False, allow_unicode=True
    )
