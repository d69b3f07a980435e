"""Finding elements in blocks, and the `state.values` Slack builds when a modal is submitted."""

from __future__ import annotations

from typing import Any

# Which key of state.values carries the input, per element type (Slack's shapes).
VALUE_KEYS = {
    "plain_text_input": "value",
    "number_input": "value",
    "email_text_input": "value",
    "url_text_input": "value",
    "rich_text_input": "rich_text_value",
    "static_select": "selected_option",
    "external_select": "selected_option",
    "radio_buttons": "selected_option",
    "multi_static_select": "selected_options",
    "multi_external_select": "selected_options",
    "checkboxes": "selected_options",
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
}
OPTION_KEYS = ("selected_option", "selected_options")


def elements_of(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive elements of one block."""
    found = [block[k] for k in ("element", "accessory") if isinstance(block.get(k), dict)]
    return found + [e for e in block.get("elements", []) if isinstance(e, dict)]


def find_element(
    blocks: list[dict[str, Any]], action_id: str, block_id: str | None = None
) -> tuple[str, dict[str, Any]] | None:
    """(block_id, element) for an action_id, optionally within one block."""
    for block in blocks:
        if block_id is not None and block.get("block_id") != block_id:
            continue
        for element in elements_of(block):
            if element.get("action_id") == action_id:
                return block.get("block_id", ""), element
    return None


def submission_state(
    blocks: list[dict[str, Any]], values: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """state.values for a submission: every input block, filled from `values`.

    Raises ValueError for what the Slack client would never send: values for inputs the
    modal lacks, or a required input left empty (the client blocks that submission).
    """
    inputs = {
        b.get("block_id"): b
        for b in blocks
        if b.get("type") == "input" and isinstance(b.get("element"), dict)
    }
    for block_id, by_action in values.items():
        for action_id in by_action:
            block = inputs.get(block_id)
            if block is None or block["element"].get("action_id") != action_id:
                raise ValueError(f"the modal has no input {block_id!r}/{action_id!r}")
    state: dict[str, dict[str, Any]] = {}
    for block_id, block in inputs.items():
        element = block["element"]
        action_id = element.get("action_id", "")
        given = values.get(block_id, {}).get(action_id)
        if given is None and not block.get("optional", False):
            raise ValueError(f"required input {block_id!r} left empty; Slack would not submit")
        state[block_id] = {action_id: _element_state(element, given)}
    return state


def inputs_for(values: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Plain-text input blocks matching `values`, for a modal the fake never saw opened."""
    return [
        {
            "type": "input",
            "block_id": block_id,
            "label": {"type": "plain_text", "text": block_id},
            "element": {"type": "plain_text_input", "action_id": action_id},
        }
        for block_id, by_action in values.items()
        for action_id in by_action
    ]


def _element_state(element: dict[str, Any], given: Any) -> dict[str, Any]:
    """One element's entry in state.values."""
    kind = element.get("type", "plain_text_input")
    key = VALUE_KEYS.get(kind, "value")
    if isinstance(given, dict) and key not in OPTION_KEYS:
        return {"type": kind, **given}
    if key == "selected_option":
        return {"type": kind, key: None if given is None else option_for(element, given)}
    if key == "selected_options":
        chosen = given if isinstance(given, list) else ([] if given is None else [given])
        return {"type": kind, key: [option_for(element, v) for v in chosen]}
    if key.endswith("s") and key.startswith("selected_") and not isinstance(given, list):
        given = [] if given is None else [given]
    most = element.get("max_selected_items")
    if isinstance(given, list) and isinstance(most, int) and len(given) > most:
        raise ValueError(f"{len(given)} picked; the client stops at {most}")
    return {"type": kind, key: given}


def option_for(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The full option object Slack sends for a chosen value (its label included)."""
    if isinstance(value, dict):
        return value
    for option in element.get("options", []):
        if option.get("value") == value:
            return option
    if element.get("options"):
        raise ValueError(f"{value!r} is not one of the element's options")
    return {"text": {"type": "plain_text", "text": str(value)}, "value": value}
