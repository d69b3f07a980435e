"""Slash command text as the core's parser reads it."""

from __future__ import annotations

import re

# Slack escapes a command's text when should_escape is on: users as <@U123|name>, channels as
# <#C123|name>, links as <url|label>, and &, <, > typed by the member as &amp;, &lt;, &gt;.
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(?:subteam\^[A-Z0-9]+\|)?([^>|]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")


def unescape(text: str) -> str:
    """Plain text from Slack's escaped command text; user mentions stay <@U123|name>."""
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _SPECIAL.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)
    text = _LINK.sub(lambda m: m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def command_line(command: str, text: str, top_level: set[str]) -> str:
    """The core command line for a slash command: `/intro show …`, or what /copbot was given."""
    name = command.strip().lstrip("/").lower()
    text = unescape(text).strip()
    if name in top_level:
        return f"/{name} {text}".strip()
    # /copbot, or whatever a workspace renamed it to, runs any command; alone it is /help.
    text = text.lstrip("/").strip()
    return f"/{text}" if text else "/help"
