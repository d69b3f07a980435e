"""The registry as Discord application commands, and interactions back into raw arguments."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from bot import render
from bot.commands import CommandSpec, Level, Member, MemberRef, Param
from bot.registry import Registry

# Discord's option types (https://discord.com/developers/docs/interactions/application-commands).
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN, USER = 1, 2, 3, 4, 5, 6
_OPTION_TYPE = {str: STRING, int: INTEGER, bool: BOOLEAN, Member: USER}
# Who may see a command by default; server admins can change it, and levels are checked anyway.
MANAGE_MESSAGES, MANAGE_GUILD, ADMINISTRATOR = 1 << 13, 1 << 5, 1 << 3
_DEFAULT_PERMISSIONS = {
    Level.MODERATOR: MANAGE_MESSAGES,
    Level.ADMIN: MANAGE_GUILD,
    Level.OWNER: ADMINISTRATOR,
}
_NAME = re.compile(r"^[-_\w]{1,32}$")
GUILD_ONLY = [0]  # interaction context: guilds only, since every command needs a community


def command_payloads(registry: Registry) -> list[dict[str, Any]]:
    """Every top-level command with its subcommands, as Discord's bulk-overwrite body."""
    groups: dict[str, list[CommandSpec]] = defaultdict(list)
    for spec in registry.commands.values():
        groups[spec.path[0]].append(spec)
    return [_top_level(name, specs) for name, specs in sorted(groups.items())]


def _top_level(name: str, specs: list[CommandSpec]) -> dict[str, Any]:
    root = next((spec for spec in specs if len(spec.path) == 1), None)
    children = sorted((spec for spec in specs if len(spec.path) == 2), key=lambda s: s.path)
    level = min(spec.level for spec in specs)
    payload: dict[str, Any] = {"name": _checked_name(name), "type": 1, "contexts": GUILD_ONLY}
    if level > Level.MEMBER:
        payload["default_member_permissions"] = str(_DEFAULT_PERMISSIONS[level])
    if not children:
        assert root is not None
        payload["description"] = _description(root.help)
        payload["options"] = _options(root)
        return payload
    # Discord can't run a group's root, so the root becomes a subcommand (/intro write).
    subcommands = [(root.root_name, root)] if root else []
    subcommands += [(spec.path[1], spec) for spec in children]
    listed = ", ".join(sub_name for sub_name, _ in subcommands)
    payload["description"] = _description(root.help if root else f"/{name}: {listed}")
    payload["options"] = [
        {
            "type": SUB_COMMAND,
            "name": _checked_name(sub_name),
            "description": _description(spec.help),
            "options": _options(spec),
        }
        for sub_name, spec in subcommands
    ]
    return payload


def _options(spec: CommandSpec) -> list[dict[str, Any]]:
    # Discord wants required options before optional ones.
    options = []
    for param in spec.params:
        if param.form_field:
            continue
        options.append(_option(param))
        # A list of members is one user option each: member, member2 … member5.
        least = param.length.min if param.length and param.length.min else 1
        for number in range(2, param.many + 1):
            extra = _option(param) | {"name": f"{param.name}{number}", "required": number <= least}
            extra["description"] = f"{param.name.capitalize()} {number} of {param.many}"
            options.append(extra)
    required = [o for o in options if o["required"]]
    return required + [o for o in options if not o["required"]]


def _option(param: Param) -> dict[str, Any]:
    option: dict[str, Any] = {
        "type": _OPTION_TYPE[param.kind],
        "name": _checked_name(param.name),
        "description": _description(param.description or param.name),
        "required": param.required,
    }
    if param.choices:
        option["choices"] = [{"name": c, "value": c} for c in param.choices[:25]]
    elif param.suggest:
        option["autocomplete"] = True
    if param.length is not None and not param.many:
        if param.length.min:
            option["min_length"] = param.length.min
        if param.length.max is not None:
            option["max_length"] = min(param.length.max, 6000)
    if param.range is not None:
        if param.range.min is not None:
            option["min_value"] = param.range.min
        if param.range.max is not None:
            option["max_value"] = param.range.max
    return option


def _checked_name(name: str) -> str:
    if not _NAME.match(name) or name != name.lower():
        raise ValueError(f"{name!r} can't be a Discord command or option name")
    return name


def _description(text: str) -> str:
    return render.clip(text, 100) or "-"


def invocation(
    registry: Registry, data: dict[str, Any]
) -> tuple[CommandSpec, dict[str, object], dict[str, Any] | None]:
    """The command an interaction names, its raw arguments, and the focused option if any."""
    path = [data["name"]]
    options: list[dict[str, Any]] = data.get("options") or []
    while options and options[0]["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
        path.append(options[0]["name"])
        options = options[0].get("options") or []
    spec = registry.commands.get(tuple(path))
    if spec is None and len(path) == 2:
        root = registry.commands.get((path[0],))
        if root is not None and root.root_name == path[1]:
            spec = root
    if spec is None:
        raise LookupError(f"/{' '.join(path)} is not a copbot command")
    resolved = data.get("resolved") or {}
    raw: dict[str, object] = {}
    focused = None
    lists = {param.name for param in spec.params if param.many}
    for option in options:
        if option.get("focused"):
            focused = option
        value = option.get("value")
        value = _member_ref(str(value), resolved) if option["type"] == USER else value
        listed = option["name"].rstrip("0123456789")
        if listed in lists:
            collected = raw.setdefault(listed, [])
            assert isinstance(collected, list)
            collected.append(value)
        else:
            raw[option["name"]] = value
    return spec, raw, focused


def _member_ref(user_id: str, resolved: dict[str, Any]) -> MemberRef:
    member = (resolved.get("members") or {}).get(user_id) or {}
    user = (resolved.get("users") or {}).get(user_id) or {}
    name = member.get("nick") or user.get("global_name") or user.get("username")
    return MemberRef(external_id=user_id, name=name, is_bot=bool(user.get("bot")))


def comparable(commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Commands reduced to what copbot sends, so a sync happens only when something changed."""
    keys = (
        "name",
        "type",
        "description",
        "options",
        "default_member_permissions",
        "contexts",
        "required",
        "choices",
        "autocomplete",
        "min_length",
        "max_length",
        "min_value",
        "max_value",
        "value",
    )

    def reduce(item: Any) -> Any:
        if isinstance(item, list):
            return [reduce(x) for x in item]
        if not isinstance(item, dict):
            return item
        # Discord omits false and empty values in what it returns; drop them on both sides.
        return {k: reduce(v) for k, v in item.items() if k in keys and v not in (None, False, [])}

    return sorted((reduce(c) for c in commands), key=lambda c: c["name"])
