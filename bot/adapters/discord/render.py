"""Neutral replies as Discord messages: content within limits, safe mentions, buttons, modals."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

import discord

from bot import render
from bot.parser import mentioned_ids, mentions_of
from bot.reply import Button, Field, Form

CONTENT_LIMIT = 2000
MAX_BUTTONS = 25  # five rows of five
MAX_INPUTS = 5
_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}
DM_PREFIX = "g"  # a DM's buttons carry their guild: g<guild id>|<neutral custom id>


CUSTOM_ID_MAX = 100  # Discord's limit for a component's or modal's custom_id
USER_SELECT = 5  # the component type of a user select


def chunks(text: str) -> list[str]:
    """Discord content in pieces of at most 2,000 characters, split at line breaks."""
    content = render.to_discord(text)
    pieces: list[str] = []
    current = ""
    for line in content.split("\n"):
        while len(line) > CONTENT_LIMIT:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:CONTENT_LIMIT])
            line = line[CONTENT_LIMIT:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > CONTENT_LIMIT:
            pieces.append(current)
            candidate = line
        current = candidate
    pieces.append(current)
    return [piece for piece in pieces if piece.strip()] or ["\u200b"]


def allowed_mentions(text: str) -> discord.AllowedMentions:
    """Only the members the bot means to mention may be pinged; never everyone or a role."""
    users = [discord.Object(int(i)) for i in render.mentioned_ids(text) if i.isdigit()]
    return discord.AllowedMentions(everyone=False, roles=False, replied_user=False, users=users)


def view(buttons: tuple[Button, ...], *, guild_id: int | None = None) -> discord.ui.View:
    """A view of the buttons; presses are routed by custom id, so it is never stored."""
    shown = discord.ui.View(timeout=None)
    for button in buttons[:MAX_BUTTONS]:
        custom_id = button.custom_id
        if guild_id is not None:
            custom_id = f"{DM_PREFIX}{guild_id}|{custom_id}"
        shown.add_item(
            discord.ui.Button(
                label=render.clip(button.label, 80),
                custom_id=custom_id,
                style=_STYLES[button.style],
            )
        )
    # A stopped view still renders, but discord.py keeps no state for it: copbot routes every
    # press itself, which is what keeps buttons working after a restart.
    shown.stop()
    return shown


def split_custom_id(custom_id: str) -> tuple[int | None, str]:
    """The guild a DM button belongs to (None in a guild) and the neutral custom id."""
    if custom_id.startswith(DM_PREFIX) and "|" in custom_id:
        guild, _, neutral = custom_id.partition("|")
        if guild[1:].isascii() and guild[1:].isdigit():
            return int(guild[1:]), neutral
    return None, custom_id


def modal(form: Form, *, guild_id: int | None = None) -> discord.ui.Modal:
    """A form as a modal: Discord allows a 45-character title and five inputs."""
    custom_id = f"form:{form.command}" + (f"@{guild_id}" if guild_id is not None else "")
    if form.hidden:
        custom_id += "?" + urlencode(form.hidden)
    if len(custom_id) > CUSTOM_ID_MAX:
        raise ValueError(f"a form's custom_id is over {CUSTOM_ID_MAX} characters: {custom_id}")
    shown = discord.ui.Modal(title=render.clip(form.title, 45), custom_id=custom_id, timeout=900)
    # Trim deliberately: optional fields go first when a form has more than five.
    fields = list(form.fields)
    while len(fields) > MAX_INPUTS:
        optional = [f for f in fields if not f.required]
        fields.remove(optional[-1] if optional else fields[-1])
    for field in fields:
        shown.add_item(discord.ui.Label(text=render.clip(field.label, 45), component=_input(field)))
    return shown


def _input(field: Field) -> discord.ui.Item[Any]:
    """The component a label holds: a text input, a string select or a user select."""
    placeholder = render.clip(field.placeholder, 100) or None
    if field.choices:
        options = [
            discord.SelectOption(label=choice, value=choice, default=choice == field.value)
            for choice in field.choices
        ]
        return discord.ui.Select(
            custom_id=field.name,
            options=options,
            placeholder=placeholder,
            min_values=1 if field.required else 0,
            max_values=1,
            required=field.required,
        )
    if field.members:
        # Preselect the members the prefilled text mentions by id; typed names have none.
        picked = [discord.Object(int(i)) for i in mentioned_ids(field.value) if i.isdigit()]
        return discord.ui.UserSelect(
            custom_id=field.name,
            placeholder=placeholder,
            min_values=1 if field.required else 0,
            max_values=field.members,
            required=field.required,
            default_values=picked[: field.members],
        )
    limit = min(field.max_length, 4000)
    return discord.ui.TextInput(
        custom_id=field.name,
        style=discord.TextStyle.paragraph if field.paragraph else discord.TextStyle.short,
        placeholder=placeholder,
        default=field.value[:limit] or None,
        required=field.required,
        max_length=limit,
    )


def form_target(custom_id: str) -> tuple[str, int | None] | None:
    """The command a submitted modal runs, and its guild when submitted from a DM."""
    if not custom_id.startswith("form:"):
        return None
    command, _, guild = custom_id.removeprefix("form:").partition("?")[0].partition("@")
    return command, int(guild) if guild.isascii() and guild.isdigit() else None


def form_hidden(custom_id: str) -> dict[str, str]:
    """The hidden values a submitted modal carried back in its custom_id."""
    _, _, query = custom_id.partition("?")
    return dict(parse_qsl(query, keep_blank_values=True)) if query else {}


def submitted_values(components: list[dict[str, Any]]) -> dict[str, str]:
    """Inputs' values from a modal submission, in either of Discord's layouts, as text."""
    values: dict[str, str] = {}
    for component in components:
        inner = component.get("components") or (
            [component["component"]] if "component" in component else []
        )
        for item in inner:
            if "custom_id" not in item:
                continue
            if "value" in item:
                values[item["custom_id"]] = item["value"] or ""
            elif isinstance(item.get("values"), list):
                values[item["custom_id"]] = _picked(item.get("type"), item["values"])
    return values


def _picked(kind: object, picked: list[Any]) -> str:
    """A select's values as the command would get them typed: the choice, or mentions."""
    if kind == USER_SELECT:
        return mentions_of([str(v) for v in picked])
    return str(picked[0]) if picked else ""
