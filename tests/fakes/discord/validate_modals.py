"""Discord's limits on modals: labels holding a text input, a string select or a user select."""

from __future__ import annotations

from typing import Any

from .errors import FormErrors

Path = tuple[str | int, ...]

ACTION_ROW, STRING_SELECT, TEXT_INPUT, USER_SELECT, TEXT_DISPLAY, LABEL = 1, 3, 4, 5, 10, 18
# What a label may hold that the fake knows (role, mentionable and channel selects too).
SELECTS = {STRING_SELECT, USER_SELECT, 6, 7, 8}
DEFAULT_TYPES = {USER_SELECT: {"user"}, 6: {"role"}, 7: {"user", "role"}, 8: {"channel"}}


def validate_modal(data: Any, prefix: Path = ("data",)) -> list[dict[str, Any]]:
    """Raise like Discord for an invalid modal; return its inputs (text inputs and selects)."""
    errors = FormErrors(prefix)
    if not isinstance(data, dict):
        errors.add((), "BASE_TYPE_REQUIRED", "This field is required")
        errors.raise_if_any()
    errors.length_between(("title",), data.get("title"), 1, 45)
    errors.length_between(("custom_id",), data.get("custom_id"), 1, 100)
    rows = data.get("components") or []
    inputs: list[dict[str, Any]] = []
    for i, top in enumerate(rows):
        kind = top.get("type")
        if kind == ACTION_ROW:
            children = [
                (("components", i, "components", j), c)
                for j, c in enumerate(top.get("components") or [])
            ]
            if len(children) != 1:
                # Each action row in a modal holds exactly one text input.
                errors.add(
                    ("components", i, "components"),
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 1 in length.",
                )
            for at, child in children:
                if child.get("type") != TEXT_INPUT:
                    # Selects in a modal go in a label, never in an action row.
                    errors.add((*at, "type"), "UNION_TYPE_CHOICES", "Value must be one of {4}.")
        elif kind == LABEL:
            errors.length_between(("components", i, "label"), top.get("label"), 1, 45)
            if top.get("description") is not None:
                errors.length_between(
                    ("components", i, "description"), top.get("description"), 1, 100
                )
            children = [(("components", i, "component"), top.get("component") or {})]
        elif kind == TEXT_DISPLAY:
            continue  # text displays carry no input
        else:
            errors.add(
                ("components", i, "type"), "UNION_TYPE_CHOICES", "Value must be one of {1, 10, 18}."
            )
            continue
        for at, child in children:
            if child.get("type") == TEXT_INPUT:
                _check_text_input(child, at, kind == LABEL, errors)
            elif child.get("type") in SELECTS:
                _check_select(child, at, errors)
            else:
                errors.add(
                    (*at, "type"), "UNION_TYPE_CHOICES", "Value must be one of {3, 4, 5, 6, 7, 8}."
                )
            inputs.append(child)
    if not 1 <= len(inputs) <= 5:
        errors.add(("components",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
    ids = [c.get("custom_id") for c in inputs]
    if len(set(ids)) != len(ids):
        errors.add(
            ("components",),
            "COMPONENT_CUSTOM_ID_DUPLICATED",
            "Component custom id cannot be duplicated",
        )
    errors.raise_if_any()
    return inputs


def _check_text_input(c: dict[str, Any], at: Path, in_label: bool, errors: FormErrors) -> None:
    errors.length_between((*at, "custom_id"), c.get("custom_id"), 1, 100)
    if c.get("style") not in (1, 2):
        errors.add((*at, "style"), "ENUM_TYPE_COERCE", "Value must be one of (1, 2).")
    if in_label:
        # Inside a label component the label lives on the label; the input's own is optional.
        errors.max_length((*at, "label"), c.get("label"), 45)
    else:
        errors.length_between((*at, "label"), c.get("label"), 1, 45)
    errors.max_length((*at, "placeholder"), c.get("placeholder"), 100)
    errors.max_length((*at, "value"), c.get("value"), 4000)
    low, high = c.get("min_length"), c.get("max_length")
    if low is not None and not 0 <= low <= 4000:
        errors.add((*at, "min_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000 and >= 0.")
    if high is not None and not 1 <= high <= 4000:
        errors.add((*at, "max_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000 and >= 1.")


def _check_select(c: dict[str, Any], at: Path, errors: FormErrors) -> None:
    """A select in a modal's label: its id, bounds, and options or default values."""
    errors.length_between((*at, "custom_id"), c.get("custom_id"), 1, 100)
    errors.max_length((*at, "placeholder"), c.get("placeholder"), 150)
    low, high = c.get("min_values", 1), c.get("max_values", 1)
    low, high = 1 if low is None else low, 1 if high is None else high
    if not isinstance(low, int) or not 0 <= low <= 25:
        errors.add((*at, "min_values"), "NUMBER_TYPE_MAX", "int value should be <= 25 and >= 0.")
    if not isinstance(high, int) or not 1 <= high <= 25:
        errors.add((*at, "max_values"), "NUMBER_TYPE_MAX", "int value should be <= 25 and >= 1.")
    elif isinstance(low, int) and low > high:
        errors.add(
            (*at, "min_values"),
            "SELECT_COMPONENT_MIN_VALUES_GREATER_THAN_MAX",
            "min_values must be less than or equal to max_values",
        )
    if c.get("type") == STRING_SELECT:
        _check_options(c, at, high, errors)
        return
    if "options" in c:
        errors.add((*at, "options"), "BASE_TYPE_BAD_TYPE", "Only string selects take options.")
    defaults = c.get("default_values") or []
    errors.max_items((*at, "default_values"), defaults, 25)
    if isinstance(high, int) and len(defaults) > high:
        errors.add(
            (*at, "default_values"),
            "SELECT_COMPONENT_TOO_MANY_DEFAULT_VALUES",
            "Too many default values for the max_values",
        )
    for k, default in enumerate(defaults):
        allowed = DEFAULT_TYPES.get(c.get("type"), set())
        if not isinstance(default, dict) or default.get("type") not in allowed:
            errors.add((*at, "default_values", k, "type"), "ENUM_TYPE_COERCE", "Invalid type.")
        elif not str(default.get("id", "")).isdigit():
            errors.add((*at, "default_values", k, "id"), "NUMBER_TYPE_COERCE", "Not a snowflake.")


def _check_options(c: dict[str, Any], at: Path, high: Any, errors: FormErrors) -> None:
    """A string select's 1-25 options, each with a 1-100 character label and value."""
    options = c.get("options") or []
    if not 1 <= len(options) <= 25:
        errors.add((*at, "options"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.")
    values: list[Any] = []
    for k, option in enumerate(options):
        where = (*at, "options", k)
        errors.length_between((*where, "label"), option.get("label"), 1, 100)
        errors.length_between((*where, "value"), option.get("value"), 1, 100)
        errors.max_length((*where, "description"), option.get("description"), 100)
        values.append(option.get("value"))
    if len(set(values)) != len(values):
        errors.add(
            (*at, "options"),
            "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
            "Select option values must be unique",
        )
    if isinstance(high, int) and options and high > len(options):
        errors.add(
            (*at, "max_values"),
            "SELECT_COMPONENT_MAX_VALUES_TOO_HIGH",
            "max_values must be less than or equal to the number of options",
        )
    if isinstance(high, int) and sum(bool(o.get("default")) for o in options) > high:
        errors.add(
            (*at, "options"),
            "SELECT_COMPONENT_TOO_MANY_DEFAULT_VALUES",
            "Too many default options for the max_values",
        )
