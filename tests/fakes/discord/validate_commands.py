"""Discord's rules for application command create/overwrite bodies."""

from __future__ import annotations

import re
from typing import Any

from .errors import FormErrors

Path = tuple[str | int, ...]

try:  # Discord's documented pattern needs \p{..}; `regex` is optional.
    import regex as _regex

    _NAME = _regex.compile(r"^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$")
except ImportError:  # \w covers letters, digits and "_" in Unicode mode; close enough.
    _NAME = re.compile(r"^[-\w]{1,32}$")

CHAT_INPUT, USER, MESSAGE = 1, 2, 3
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, NUMBER = 3, 4, 10
OPTION_TYPES = set(range(1, 12))
CHOICE_TYPES = {STRING, INTEGER, NUMBER}
# Per-application caps: 100 slash commands, 15 user and 15 message commands.
TYPE_CAPS = {CHAT_INPUT: 100, USER: 15, MESSAGE: 15}


def validate_commands(bodies: Any) -> None:
    """Validate a bulk-overwrite list; errors are keyed by list index."""
    errors = FormErrors()
    if not isinstance(bodies, list):
        errors.add((), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        errors.raise_if_any()
    seen: set[tuple[int, str]] = set()
    counts: dict[int, int] = {}
    for i, body in enumerate(bodies):
        _check_command(body, errors, (i,))
        if isinstance(body, dict):
            key = (body.get("type") or CHAT_INPUT, str(body.get("name")))
            if key in seen:
                # Names must be unique per command type within one scope.
                errors.add(
                    (i, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique ({key[1]})",
                )
            seen.add(key)
            counts[key[0]] = counts.get(key[0], 0) + 1
    for kind, count in counts.items():
        if count > TYPE_CAPS.get(kind, 100):
            errors.add(
                (),
                "APPLICATION_COMMANDS_TOO_MANY",
                f"Maximum number of application commands of type {kind} reached",
            )
    errors.raise_if_any()


def validate_command(body: Any) -> None:
    """Validate a single create/edit body."""
    errors = FormErrors()
    _check_command(body, errors, ())
    errors.raise_if_any()


def _check_command(body: Any, errors: FormErrors, at: Path) -> None:
    if not isinstance(body, dict):
        errors.add(at, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    kind = body.get("type") or CHAT_INPUT
    if kind not in (CHAT_INPUT, USER, MESSAGE, 4):
        errors.add((*at, "type"), "ENUM_TYPE_COERCE", f'Value "{kind}" is not a valid enum value.')
    name, description = body.get("name"), body.get("description")
    if kind == CHAT_INPUT:
        _check_name(name, (*at, "name"), errors)
        errors.length_between((*at, "description"), description, 1, 100)
        _check_options(body.get("options") or [], errors, (*at, "options"), depth=0)
    else:
        # Context-menu commands: any 1-32 char name, and the description must be empty.
        errors.length_between((*at, "name"), name, 1, 32)
        if description:
            errors.add(
                (*at, "description"),
                "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                "Context menu commands cannot have description",
            )
        if body.get("options"):
            errors.add(
                (*at, "options"),
                "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED",
                "Context menu commands cannot have options",
            )
    perms = body.get("default_member_permissions")
    if perms is not None and not str(perms).isdigit():
        errors.add(
            (*at, "default_member_permissions"),
            "NUMBER_TYPE_COERCE",
            f'Value "{perms}" is not snowflake.',
        )


def _check_name(name: Any, at: Path, errors: FormErrors) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        errors.add(at, "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}")
    elif name != name.lower():
        # Slash command and option names must be lowercase where the script has case.
        errors.add(
            at, "APPLICATION_COMMAND_INVALID_NAME", f"Command name must be lowercase: {name!r}"
        )


def _check_options(options: Any, errors: FormErrors, at: Path, depth: int) -> None:
    if not isinstance(options, list):
        errors.add(at, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return
    errors.max_items(at, options, 25)
    kinds = [o.get("type") for o in options if isinstance(o, dict)]
    nested = [k in (SUB_COMMAND, SUB_COMMAND_GROUP) for k in kinds]
    if any(nested) and not all(nested):
        # Subcommands and groups cannot sit next to plain options.
        errors.add(
            at,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive to all "
            "other types",
        )
    names: set[str] = set()
    optional_seen = False
    for i, opt in enumerate(options):
        here: Path = (*at, i)
        if not isinstance(opt, dict):
            errors.add(here, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        kind = opt.get("type")
        _check_name(opt.get("name"), (*here, "name"), errors)
        errors.length_between((*here, "description"), opt.get("description"), 1, 100)
        if opt.get("name") in names:
            errors.add(
                (*here, "name"),
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        names.add(opt.get("name"))
        if kind not in OPTION_TYPES:
            errors.add(
                (*here, "type"), "ENUM_TYPE_COERCE", f'Value "{kind}" is not a valid enum value.'
            )
            continue
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            _check_nesting(opt, kind, errors, here, depth)
            continue
        if opt.get("required"):
            if optional_seen:
                errors.add(
                    (*here, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        _check_choices(opt, kind, errors, here)


def _check_nesting(
    opt: dict[str, Any], kind: int, errors: FormErrors, at: Path, depth: int
) -> None:
    children = opt.get("options") or []
    # Groups live only at the top level and hold only subcommands;
    # subcommands live at the top level or inside a group and hold only plain options.
    if kind == SUB_COMMAND_GROUP and depth != 0:
        errors.add(
            (*at, "type"),
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command groups cannot be nested",
        )
    if kind == SUB_COMMAND and depth > 1:
        errors.add(
            (*at, "type"),
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-commands cannot be nested that deep",
        )
    child_kinds = {c.get("type") for c in children if isinstance(c, dict)}
    if kind == SUB_COMMAND_GROUP and child_kinds - {SUB_COMMAND}:
        errors.add(
            (*at, "options"),
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command groups may only contain sub-commands",
        )
    if kind == SUB_COMMAND and child_kinds & {SUB_COMMAND, SUB_COMMAND_GROUP}:
        errors.add(
            (*at, "options"),
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-commands cannot contain sub-commands",
        )
    _check_options(children, errors, (*at, "options"), depth + 1)


def _check_choices(opt: dict[str, Any], kind: int, errors: FormErrors, at: Path) -> None:
    choices = opt.get("choices")
    if not choices:
        return
    if kind not in CHOICE_TYPES:
        errors.add(
            (*at, "choices"),
            "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
            "Choices are only allowed for string, integer and number options",
        )
    if opt.get("autocomplete"):
        errors.add(
            (*at, "autocomplete"),
            "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
            "Autocomplete cannot be set with choices",
        )
    errors.max_items((*at, "choices"), choices, 25)
    for j, choice in enumerate(choices):
        errors.length_between((*at, "choices", j, "name"), choice.get("name"), 1, 100)
        if kind == STRING:
            errors.max_length((*at, "choices", j, "value"), choice.get("value"), 100)


def normalize_options(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Echo options as Discord returns them (no null fields, `required` only when true)."""
    out = []
    for opt in options:
        clean = {k: v for k, v in opt.items() if v is not None and v != []}
        if clean.get("required") is False:
            del clean["required"]
        if "options" in clean:
            clean["options"] = normalize_options(clean["options"])
        out.append(clean)
    return out
