"""The one place member text is neutralised and neutral Markdown becomes each platform's."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from config.values import printable

if TYPE_CHECKING:
    from bot.commands import Member

# A mention the bot means is carried through neutral text between private-use characters,
# which member text can never contain (safe() strips them), so only the bot can mention.
_OPEN, _SEP, _CLOSE = "\ue000", "\ue001", "\ue002"
_MENTION = re.compile(f"{_OPEN}([^{_SEP}]*){_SEP}([^{_CLOSE}]*){_CLOSE}")
_ZWSP = "\u200b"
# Every mass-mention form a platform might act on, whatever follows it (`@everyone_` too).
_MASS_MENTION = re.compile(r"@(?=everyone|here|channel)", re.IGNORECASE)
# Platform mention syntax (<@U1>, <@&1>, <#C1>, <!here>, <t:…>): the bot's own mentions travel
# as markers, so any of these in neutral text came from somewhere else and is broken.
# A `<` after an odd number of backslashes is already escaped and shows as text.
_RAW_MENTION = re.compile(r"(?<!\\)((?:\\\\)*)<(?=[@#!&]|a?:|t:)")
_PLAIN_RAW_MENTION = re.compile(r"<(?=[@#!&]|a?:|t:)")
ECHO_LIMIT = 60
_NON_WEB_LINK = re.compile(r"\[([^\]]*)\]\((?!https?://)", re.IGNORECASE)
# Characters that make Markdown or platform syntax (links, mentions, emphasis, code).
_SPECIAL = re.compile(r"([\\*_~`|\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>\-+]|\d+\.)", re.MULTILINE)
_TOKEN = re.compile(
    r"\\(?P<escaped>.)"
    r"|(?P<code>`[^`\n]*`)"
    r"|(?P<bold>\*\*)"
    r"|\[(?P<label>[^\]\\]*)\]\((?P<url>https?://[^)\s]+)\)"
    rf"|{_OPEN}(?P<mention_id>[^{_SEP}]*){_SEP}(?P<mention_name>[^{_CLOSE}]*){_CLOSE}",
    re.DOTALL,
)


def mention(member: Member) -> str:
    """A mention of a member that the bot means to make."""
    return f"{_OPEN}{member.external_id}{_SEP}{_strip_markers(member.name)}{_CLOSE}"


def mentioned_ids(text: str) -> list[str]:
    """The platform ids of the members a neutral text means to mention."""
    return list(dict.fromkeys(match.group(1) for match in _MENTION.finditer(text)))


def safe(text: str) -> str:
    """Neutralise text a member typed so it renders as plain words on every platform."""
    text = printable(_strip_markers(text))
    text = _MASS_MENTION.sub(f"@{_ZWSP}", text)
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(r"\1\\\2", text)


def trusted(text: str) -> str:
    """Neutralise moderator-written text (settings) while keeping its Markdown: no pings."""
    text = _MASS_MENTION.sub(f"@{_ZWSP}", _strip_markers(text))
    # Links keep working only to web pages: `[x](javascript:…)` shows as the text it is.
    text = _NON_WEB_LINK.sub(r"\\[\1\\](", text)
    return text.replace("<", "\\<")


def echo(text: object, limit: int = ECHO_LIMIT) -> str:
    """Member input quoted back in a reply: on one line, clipped, and neutralised."""
    return safe(clip(" ".join(str(text).split()), limit))


def defuse(text: str, *, markdown: bool = True) -> str:
    """The last net before anything leaves: no mass mention or raw mention syntax survives."""
    # Applied to every message on every platform, whatever built it, so a reply that forgot
    # safe() still cannot ping; the bot's own mentions are markers and pass untouched. In
    # plain text (the console) a backslash escapes nothing, so every `<@` is broken there.
    text = _MASS_MENTION.sub(f"@{_ZWSP}", text)
    if not markdown:
        return _PLAIN_RAW_MENTION.sub(f"<{_ZWSP}", text)
    return _RAW_MENTION.sub(rf"\1<{_ZWSP}", text)


def name(member: Member) -> str:
    """A member's name as plain, safe text (no ping)."""
    return safe(member.name)


def to_plain(text: str) -> str:
    """Render neutral text for the console: no markup, mentions as @name."""

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped") is not None:
            return match.group("escaped")
        if match.group("code") is not None:
            return match.group("code")
        if match.group("label") is not None:
            return f"{match.group('label')} ({match.group('url')})"
        if match.group("mention_id") is not None:
            return f"@{match.group('mention_name')}"
        return ""

    # A member named "here" is shown as @here in the console; it must not read as a ping.
    # Un-escaping shows what safe() escaped, so the net runs again on what the console prints.
    return defuse(_TOKEN.sub(replace, defuse(text)), markdown=False)


def to_discord(text: str) -> str:
    """Render neutral text as Discord Markdown: it is the same subset, with real mentions."""
    return _MENTION.sub(lambda m: f"<@{m.group(1)}>", defuse(text))


def to_slack(text: str) -> str:
    """Render neutral text as Slack mrkdwn, escaping &, < and > as Slack requires."""
    pieces: list[str] = []
    position = 0
    text = defuse(text)
    for match in _TOKEN.finditer(text):
        pieces.append(_slack_escape(text[position : match.start()]))
        pieces.append(_slack_token(match))
        position = match.end()
    pieces.append(_slack_escape(text[position:]))
    return _MASS_MENTION.sub(f"@{_ZWSP}", "".join(pieces))


def _slack_token(match: re.Match[str]) -> str:
    if match.group("escaped") is not None:
        return _slack_escape(match.group("escaped"))
    if match.group("code") is not None:
        return _slack_escape(match.group("code"))
    if match.group("bold") is not None:
        return "*"
    if match.group("label") is not None:
        return f"<{match.group('url')}|{_slack_escape(match.group('label'))}>"
    return f"<@{match.group('mention_id')}>"


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _strip_markers(text: str) -> str:
    return text.replace(_OPEN, "").replace(_SEP, "").replace(_CLOSE, "")


def clip(text: str, limit: int) -> str:
    """Shorten text to a limit, saying so with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
