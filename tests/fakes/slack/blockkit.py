"""Block Kit checks: slack_sdk's model validators plus Slack's documented limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50  # a message carries at most 50 blocks
MAX_VIEW_BLOCKS = 100  # modals and home tabs carry at most 100
MAX_SECTION_TEXT = 3000
MAX_BUTTON_TEXT = 75
MAX_ACTION_ID = 255
MAX_BLOCK_ID = 255
MAX_MODAL_TITLE = 24
MAX_OPTIONS = 100  # a static select offers at most 100 options
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_MESSAGE_TEXT = 40_000  # chat.* answer msg_too_long beyond this
VIEW_TYPES = ("modal", "home")


def check_text(text: Any) -> str | None:
    """The Slack error for a message `text` argument, or None when it is fine."""
    if text is not None and not isinstance(text, str):
        return "invalid_arguments"
    if text is not None and len(text) > MAX_MESSAGE_TEXT:
        return "msg_too_long"
    return None


def check_blocks(blocks: Any, limit: int = MAX_MESSAGE_BLOCKS) -> list[str]:
    """Why Slack would answer invalid_blocks for this `blocks` array (empty when valid)."""
    if not isinstance(blocks, list):
        return ["blocks must be an array"]
    if len(blocks) > limit:
        return [f"no more than {limit} items allowed [json-pointer:/blocks]"]
    problems: list[str] = []
    seen_block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"/blocks/{index}"
        if not isinstance(block, dict):
            problems.append(f"must be an object [json-pointer:{where}]")
            continue
        problems += _sdk_problems(block, where)
        problems += _limit_problems(block, where)
        block_id = block.get("block_id")
        # Slack rejects a repeated block_id within one message or view.
        if block_id is not None and block_id in seen_block_ids:
            problems.append(f"duplicate block_id {block_id!r} [json-pointer:{where}/block_id]")
        if block_id is not None:
            seen_block_ids.add(block_id)
    return problems


def check_view(view: Any, allowed_types: tuple[str, ...] = VIEW_TYPES) -> list[str]:
    """Why Slack would reject this `view` object (empty when valid)."""
    if not isinstance(view, dict):
        return ["view must be an object"]
    view_type = view.get("type")
    if view_type not in allowed_types:
        return [f"view type must be one of {allowed_types} [json-pointer:/view/type]"]
    problems: list[str] = []
    title = view.get("title")
    # A modal cannot be shown without a title; home tabs have none.
    if view_type == "modal" and not isinstance(title, dict):
        problems.append("title is required for a modal [json-pointer:/view/title]")
    if isinstance(title, dict) and len(str(title.get("text", ""))) > MAX_MODAL_TITLE:
        problems.append(
            f"title must be less than {MAX_MODAL_TITLE + 1} characters [json-pointer:/view/title]"
        )
    try:
        View(**view).to_dict()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError) as error:
        problems.append(f"{error} [json-pointer:/view]")
    return problems + check_blocks(view.get("blocks", []), MAX_VIEW_BLOCKS)


def _sdk_problems(block: dict[str, Any], where: str) -> list[str]:
    """Problems slack_sdk's block models find (to_dict validates the whole tree)."""
    try:
        parsed = Block.parse(dict(block))
        if parsed is None:
            return [f"unsupported block type {block.get('type')!r} [json-pointer:{where}/type]"]
        parsed.to_dict()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError) as error:
        return [f"{error} [json-pointer:{where}]"]
    return []


def _limit_problems(block: dict[str, Any], where: str) -> list[str]:
    """Slack's documented length limits, checked on the raw JSON."""
    problems: list[str] = []
    block_id = block.get("block_id")
    if isinstance(block_id, str) and len(block_id) > MAX_BLOCK_ID:
        problems.append(f"block_id longer than {MAX_BLOCK_ID} [json-pointer:{where}/block_id]")
    if block.get("type") == "section" and _text_length(block.get("text")) > MAX_SECTION_TEXT:
        problems.append(f"section text longer than {MAX_SECTION_TEXT} [json-pointer:{where}]")
    action_ids: set[str] = set()
    for path, element in _walk(block, where):
        action_id = element.get("action_id")
        if isinstance(action_id, str) and len(action_id) > MAX_ACTION_ID:
            problems.append(f"action_id longer than {MAX_ACTION_ID} [json-pointer:{path}]")
        # Slack needs action_ids unique within a block to tell the elements apart.
        if isinstance(action_id, str) and action_id in action_ids:
            problems.append(f"duplicate action_id {action_id!r} [json-pointer:{path}]")
        if isinstance(action_id, str):
            action_ids.add(action_id)
        if element.get("type") == "button" and _text_length(element.get("text")) > MAX_BUTTON_TEXT:
            problems.append(f"button text longer than {MAX_BUTTON_TEXT} [json-pointer:{path}]")
        problems += _select_problems(element, path)
    return problems


def _select_problems(element: dict[str, Any], path: str) -> list[str]:
    """Slack's limits on select menus: 1-100 options, 75-character text, 150-character values."""
    kind = element.get("type")
    problems: list[str] = []
    if kind in ("static_select", "multi_static_select"):
        options = element.get("options")
        groups = element.get("option_groups")
        if groups is None and not (isinstance(options, list) and 1 <= len(options) <= MAX_OPTIONS):
            problems.append(
                f"options must have 1-{MAX_OPTIONS} items [json-pointer:{path}/options]"
            )
        initial = element.get("initial_option")
        offered = [o for o in options or [] if isinstance(o, dict)]
        for index, option in enumerate(offered):
            where = f"{path}/options/{index}"
            if not 1 <= _text_length(option.get("text")) <= MAX_OPTION_TEXT:
                problems.append(f"option text must be 1-{MAX_OPTION_TEXT} [json-pointer:{where}]")
            value = option.get("value")
            if not isinstance(value, str) or not 1 <= len(value) <= MAX_OPTION_VALUE:
                problems.append(f"option value must be 1-{MAX_OPTION_VALUE} [json-pointer:{where}]")
        if isinstance(initial, dict) and initial not in offered:
            # Slack needs the initial option to be exactly one of the options.
            problems.append(f"initial_option is not one of the options [json-pointer:{path}]")
    if kind in ("multi_users_select", "multi_static_select", "multi_conversations_select"):
        most = element.get("max_selected_items")
        if most is not None and (not isinstance(most, int) or most < 1):
            problems.append(f"max_selected_items must be at least 1 [json-pointer:{path}]")
        initial = element.get("initial_users") or []
        if isinstance(most, int) and len(initial) > most:
            problems.append(f"more initial_users than max_selected_items [json-pointer:{path}]")
    return problems


def _text_length(text: Any) -> int:
    """Characters in a text object (0 when it is not one)."""
    return len(str(text.get("text", ""))) if isinstance(text, dict) else 0


def _walk(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every nested JSON object below a block, with its json-pointer."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}/{index}")
