"""Neutral replies and forms as Block Kit: message sections, buttons, modals, the Home tab."""

from __future__ import annotations

import json
from typing import Any

from bot import render
from bot.parser import mentioned_ids, mentions_of
from bot.reply import Button, Field, Form, Reply

# Slack's documented Block Kit limits.
SECTION_TEXT = 3000
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
BUTTON_TEXT = 75
ACTIONS_ELEMENTS = 25
MODAL_TITLE = 24
INPUT_LABEL = 2000
INPUT_PLACEHOLDER = 150
INPUT_MAX_LENGTH = 3000
OPTION_TEXT = 75
TRIMMED = "_… (this was too long to show in full)_"
# Slack buttons are "primary", "danger" or unstyled; "success" reads best as primary.
BUTTON_STYLES = {"primary": "primary", "success": "primary", "danger": "danger"}

Block = dict[str, Any]


def plain(text: str) -> dict[str, Any]:
    """A plain_text object: Slack never parses mentions or links in it."""
    return {"type": "plain_text", "text": text, "emoji": True}


def split_text(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Split mrkdwn into chunks of at most `limit` characters, at line breaks when it can."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = _cut_point(line, limit)
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:cut])
            line = line[cut:].lstrip(" ")
        joined = f"{current}\n{line}" if current else line
        if len(joined) > limit:
            chunks.append(current)
            current = line
        else:
            current = joined
    chunks.append(current)
    # A section's text must not be blank.
    return [chunk for chunk in chunks if chunk.strip()]


def _cut_point(line: str, limit: int) -> int:
    """Where to cut an overlong line: at a space, never inside &amp; or <@U…>."""
    cut = line.rfind(" ", 0, limit)
    if cut < limit // 2:
        cut = limit
    opened, closed = line.rfind("<", 0, cut), line.rfind(">", 0, cut)
    if opened > closed and opened > 0:
        cut = opened
    amp, semi = line.rfind("&", 0, cut), line.rfind(";", 0, cut)
    if amp > semi and cut - amp < 6 and amp > 0:
        cut = amp
    return cut


def section(text: str) -> Block:
    """A mrkdwn section (text already rendered with render.to_slack)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(item: Button, action_id: str) -> Block:
    """A button carrying the neutral custom id, so presses survive restarts."""
    element: Block = {
        "type": "button",
        "text": plain(render.clip(item.label, BUTTON_TEXT)),
        "action_id": action_id,
        "value": item.custom_id,
    }
    style = BUTTON_STYLES.get(item.style)
    if style:
        element["style"] = style
    return element


def action_blocks(buttons: tuple[Button, ...]) -> list[Block]:
    """Actions blocks holding the buttons, 25 to a block as Slack allows."""
    blocks: list[Block] = []
    for start in range(0, len(buttons), ACTIONS_ELEMENTS):
        elements: list[Block] = []
        used: set[str] = set()
        for item in buttons[start : start + ACTIONS_ELEMENTS]:
            # Slack needs action_ids unique within a block; the value still routes the press.
            action_id, copy = item.custom_id, 1
            while action_id in used:
                copy += 1
                action_id = f"{item.custom_id}#{copy}"
            used.add(action_id)
            elements.append(button(item, action_id))
        blocks.append({"type": "actions", "elements": elements})
    return blocks


def reply_blocks(reply: Reply, max_blocks: int = MESSAGE_BLOCKS) -> list[Block]:
    """The reply's text as sections, then its buttons, trimmed to the block limit."""
    sections = split_text(render.to_slack(reply.text))
    actions = action_blocks(reply.buttons)
    room = max_blocks - len(actions)
    if len(sections) > room:
        sections = [*sections[: room - 1], TRIMMED]
    return [*(section(text) for text in sections), *actions]


def message(reply: Reply) -> dict[str, Any]:
    """chat.postMessage / response_url arguments: blocks plus the notification text."""
    blocks = reply_blocks(reply)
    first = blocks[0]["text"]["text"] if blocks and blocks[0]["type"] == "section" else ""
    # Slack shows `text` in notifications and where blocks can't render; always send it.
    return {"text": first or "copbot", "blocks": blocks}


def modal(form: Form, metadata: dict[str, Any]) -> dict[str, Any]:
    """A modal with one input per field; its submission comes back with callback_id = command."""
    return {
        "type": "modal",
        "callback_id": form.command,
        "title": plain(render.clip(form.title, MODAL_TITLE)),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        # The channel the form was asked for in, so answers go back there.
        "private_metadata": json.dumps(metadata),
        "blocks": [input_block(field) for field in form.fields[:VIEW_BLOCKS]],
    }


def input_block(field: Field) -> Block:
    """One input (text, a menu of choices, or members); block_id and action_id are its name."""
    element = _element(field)
    if field.placeholder:
        element["placeholder"] = plain(render.clip(field.placeholder, INPUT_PLACEHOLDER))
    return {
        "type": "input",
        "block_id": field.name,
        "label": plain(render.clip(field.label, INPUT_LABEL)),
        "element": element,
        "optional": not field.required,
    }


def _element(field: Field) -> Block:
    """The input block's element for a field's kind, with its prefilled value."""
    if field.choices:
        options = [_option(choice) for choice in field.choices]
        element: Block = {"type": "static_select", "action_id": field.name, "options": options}
        if field.value in field.choices:
            element["initial_option"] = _option(field.value)
        return element
    if field.members:
        element = {
            "type": "multi_users_select",
            "action_id": field.name,
            "max_selected_items": field.members,
        }
        # Preselect the members the prefilled text mentions by id; typed names have none.
        picked = mentioned_ids(field.value)[: field.members]
        if picked:
            element["initial_users"] = picked
        return element
    max_length = min(field.max_length, INPUT_MAX_LENGTH)
    element = {
        "type": "plain_text_input",
        "action_id": field.name,
        "multiline": field.paragraph,
        "max_length": max_length,
    }
    if field.value:
        element["initial_value"] = field.value[:max_length]
    return element


def _option(choice: str) -> Block:
    """A menu option: the choice shown (within Slack's 75 characters) and returned whole."""
    return {"text": plain(render.clip(choice, OPTION_TEXT)), "value": choice}


def submitted_values(view: dict[str, Any]) -> dict[str, str]:
    """Each input of a submitted modal as text, by block_id (empty when left blank)."""
    values: dict[str, str] = {}
    for block_id, by_action in (view.get("state") or {}).get("values", {}).items():
        for state in by_action.values():
            if "selected_option" in state:
                values[block_id] = (state["selected_option"] or {}).get("value") or ""
            elif "selected_users" in state:
                values[block_id] = mentions_of([str(u) for u in state["selected_users"] or []])
            else:
                values[block_id] = state.get("value") or ""
    return values


def input_ids(view: dict[str, Any]) -> list[str]:
    """The block_ids of a view's inputs, in order."""
    return [b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input"]


def home(replies: list[Reply]) -> dict[str, Any]:
    """The Home tab: each section of the member's page, divided, within the view limit."""
    blocks: list[Block] = []
    for reply in replies:
        part = reply_blocks(reply, VIEW_BLOCKS)
        if blocks and len(blocks) + 1 + len(part) > VIEW_BLOCKS:
            break  # a later section that no longer fits is left out whole, not cut
        blocks += [{"type": "divider"}, *part] if blocks else part
    if not blocks:
        blocks = [section("Nothing here yet. Type `/help` to see what I can do.")]
    return {"type": "home", "blocks": blocks}
