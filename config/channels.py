"""Channel settings: the platforms' channel-name rules, channel ids, and mentions of channels."""

from __future__ import annotations

import difflib
import re
import unicodedata

from config.errors import SettingError
from config.values import ValueRuleError

CHANNEL_KEYS = frozenset(
    {
        "intro_channel",
        "welcome_channel",
        "announce_channel",
        "kudos_channel",
        "badge_channel",
        "feedback_channel",
        "outcomes_channel",
        "digest_channel",
    }
)
MAX_NAME = 80  # Slack's limit; Discord allows 100 but lower-cases names, as this rule does
_DISCORD_ID = re.compile(r"[0-9]{17,20}")
_SLACK_ID = re.compile(r"[CG][A-Z0-9]{8,}")
# What platforms put in command text for a channel: Slack's <#C0123ABCD|intros>, Discord's <#123…>.
_MENTION = re.compile(r"<#([A-Za-z0-9]+)(?:\|[^<>]*)?>")
_NAME_PUNCTUATION = frozenset("-_")
RULE = (
    "a channel name (lower-case letters, digits, - and _, no spaces, at most 80 characters), "
    "a channel id, or a #channel mention"
)


def channel_value(text: str, *, name: str) -> str:
    """A channel setting as stored: an id, or a lower-cased name without its `#`; "" stays ""."""
    raw = text.strip()
    mentioned = _MENTION.fullmatch(raw)
    if mentioned:
        raw = mentioned[1]
        if not is_channel_id(raw):
            raise ValueRuleError(f"`{name}` takes {RULE}")
        return raw
    raw = raw.removeprefix("#")
    if is_channel_id(raw):
        return raw
    channel = unicodedata.normalize("NFC", raw.lower())
    if not _is_name(channel):
        raise ValueRuleError(f"`{name}` takes {RULE}")
    return channel


def is_channel_id(text: str) -> bool:
    """Whether text is a Discord or Slack channel id rather than a name."""
    return bool(_DISCORD_ID.fullmatch(text) or _SLACK_ID.fullmatch(text))


def check_exists(key: str, channel: str, names: list[str] | None) -> None:
    """Refuse a channel name the platform says does not exist (None: it can't tell)."""
    if names is None or not channel or is_channel_id(channel):
        return  # ids came from the platform, or were copied from it
    known = {unicodedata.normalize("NFC", found.lower()) for found in names}
    if channel in known:
        return
    # Only names that keep the rule are offered, so a platform's odd name can't carry markup.
    shown = sorted(found for found in known if _is_name(found))
    close = difflib.get_close_matches(channel, shown, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(f'`#{c}`' for c in close)}?" if close else ""
    raise SettingError(
        f"There is no channel `#{channel}` here, so `{key}` can't use it.{hint} "
        "Create the channel first, or name one that exists."
    )


def _is_name(text: str) -> bool:
    return len(text) <= MAX_NAME and all(_name_character(ch) for ch in text)


def _name_character(ch: str) -> bool:
    # Letters in any script, ASCII digits only ("²" and "٣" count as digits to str.isdigit).
    return ch.isalpha() or "0" <= ch <= "9" or ch in _NAME_PUNCTUATION
