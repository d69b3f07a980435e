"""Build INTERACTION_CREATE payloads the way Discord's client and API would."""

from __future__ import annotations

import secrets
from typing import Any

from . import payloads
from .models import DriverError, FakeRole, FakeUser, snowflake
from .state import FakeState, InteractionRecord

APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT = 2, 3, 5
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


def base_payload(
    state: FakeState, kind: int, guild_id: int | None, channel_id: int, user: FakeUser
) -> dict[str, Any]:
    """Fields every guild interaction carries (a DM's when `guild_id` is None)."""
    if guild_id is None:
        return _dm_payload(state, kind, channel_id, user)
    g = state.guild(guild_id)
    if user.id not in g.members:
        raise DriverError(f"user {user.id} is not a member of guild {guild_id}")
    channel = g.channels.get(channel_id)
    if channel is None:
        raise DriverError(f"channel {channel_id} is not in guild {guild_id}")
    return {
        "id": str(snowflake()),
        "application_id": str(state.app_id),
        "type": kind,
        "token": "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48),
        "version": 1,
        "guild_id": str(g.id),
        "guild": {"id": str(g.id), "locale": "en-US", "features": []},
        "channel_id": str(channel_id),
        "channel": {**payloads.channel(channel), "permissions": str(g.permissions_of(user.id))},
        "member": state.member_payload(g.id, user.id, with_perms=True),
        "app_permissions": str(g.permissions_of(state.bot.id)),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(g.id)},
        "context": 0,
        "attachment_size_limit": 10_485_760,
    }


def _dm_payload(state: FakeState, kind: int, channel_id: int, user: FakeUser) -> dict[str, Any]:
    # In a DM there is no guild and no member: `user` stands alone (context 1, BOT_DM).
    channel = state.dm_channel(user.id)
    if channel.id != channel_id:
        raise DriverError(f"channel {channel_id} is not the DM channel of user {user.id}")
    return {
        "id": str(snowflake()),
        "application_id": str(state.app_id),
        "type": kind,
        "token": "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48),
        "version": 1,
        "channel_id": str(channel_id),
        "channel": payloads.channel(channel),
        "user": payloads.user(user),
        "app_permissions": "0",
        "locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(user.id)},
        "context": 1,
        "attachment_size_limit": 10_485_760,
    }


def record_for(payload: dict[str, Any], user: FakeUser) -> InteractionRecord:
    """Wrap a payload in the record the callback routes look up."""
    return InteractionRecord(
        id=int(payload["id"]),
        token=payload["token"],
        type=payload["type"],
        guild_id=int(payload["guild_id"]) if "guild_id" in payload else None,
        channel_id=int(payload["channel_id"]),
        user_id=user.id,
        payload=payload,
    )


def slash_data(
    state: FakeState,
    guild_id: int,
    name: str,
    options: dict[str, Any],
    resolved: dict[str, Any] | None,
) -> dict[str, Any]:
    """`data` of a CHAT_INPUT interaction; `name` may be "cmd", "cmd sub" or "cmd group sub"."""
    top, *path = name.split()
    command = state.find_command(guild_id, top)
    if command is None:
        raise DriverError(f"no slash command {top!r} registered for guild {guild_id} or globally")
    collected: dict[str, dict[str, Any]] = {}
    built = _build_options(state, guild_id, command.get("options", []), path, options, collected)
    data: dict[str, Any] = {"id": command["id"], "name": top, "type": 1, "options": built}
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    for key, extra in (resolved or {}).items():
        collected.setdefault(key, {}).update(extra)
    if collected:
        data["resolved"] = collected
    return data


def autocomplete_data(
    state: FakeState, guild_id: int, name: str, option: str, typed: str
) -> dict[str, Any]:
    """`data` of an autocomplete interaction: the option being typed is marked focused."""
    top, *path = name.split()
    command = state.find_command(guild_id, top)
    if command is None:
        raise DriverError(f"no slash command {top!r} registered")
    schema: list[dict[str, Any]] = command.get("options", [])
    options: list[dict[str, Any]] = [{"name": option, "type": 3, "value": typed, "focused": True}]
    wrappers = []
    for sub in path:
        entry = next((o for o in schema if o["name"] == sub), None)
        if entry is None:
            raise DriverError(f"unknown subcommand {sub!r}")
        wrappers.append(entry)
        schema = entry.get("options", [])
    target = next((o for o in schema if o["name"] == option), None)
    if target is None or not target.get("autocomplete"):
        raise DriverError(f"option {option!r} of /{name} has no autocomplete")
    for entry in reversed(wrappers):
        options = [{"name": entry["name"], "type": entry["type"], "options": options}]
    return {"id": command["id"], "name": top, "type": 1, "options": options}


def _build_options(
    state: FakeState,
    guild_id: int,
    schema: list[dict[str, Any]],
    path: list[str],
    values: dict[str, Any],
    resolved: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    nested = [o for o in schema if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if nested:
        # Discord's client always names exactly one subcommand (or group + subcommand).
        if not path:
            raise DriverError(f"command needs a subcommand: {[o['name'] for o in nested]}")
        sub = next((o for o in nested if o["name"] == path[0]), None)
        if sub is None:
            raise DriverError(f"unknown subcommand {path[0]!r}")
        inner = _build_options(state, guild_id, sub.get("options", []), path[1:], values, resolved)
        return [{"name": sub["name"], "type": sub["type"], "options": inner}]
    if path:
        raise DriverError(f"command has no subcommand {path[0]!r}")
    by_name = {o["name"]: o for o in schema}
    unknown = set(values) - set(by_name)
    if unknown:
        raise DriverError(f"options not registered on the command: {sorted(unknown)}")
    missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
    if missing:
        raise DriverError(f"required options missing: {missing}")
    built = []
    for opt in schema:  # Discord sends options in the registered order
        if opt["name"] in values:
            value = _option_value(state, guild_id, opt, values[opt["name"]], resolved)
            built.append({"name": opt["name"], "type": opt["type"], "value": value})
    return built


def _option_value(
    state: FakeState,
    guild_id: int,
    opt: dict[str, Any],
    value: Any,
    resolved: dict[str, dict[str, Any]],
) -> Any:
    kind = opt["type"]
    choices = opt.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise DriverError(f"{value!r} is not a choice of option {opt['name']!r}")
    g = state.guild(guild_id)
    if kind in (USER, MENTIONABLE) and not isinstance(value, FakeRole):
        u = state.ensure_user(value)
        resolved.setdefault("users", {})[str(u.id)] = payloads.user(u)
        if u.id in g.members:
            # Resolved members omit `user` and carry permissions.
            member = state.member_payload(g.id, u.id, with_perms=True)
            member.pop("user")
            resolved.setdefault("members", {})[str(u.id)] = member
        return str(u.id)
    if kind in (ROLE, MENTIONABLE):
        role = value if isinstance(value, FakeRole) else g.roles.get(int(value))
        if role is None:
            raise DriverError(f"unknown role {value!r} for option {opt['name']!r}")
        resolved.setdefault("roles", {})[str(role.id)] = payloads.role(role)
        return str(role.id)
    if kind == CHANNEL:
        channel = state.channel(getattr(value, "id", value))
        resolved.setdefault("channels", {})[str(channel.id)] = {
            "id": str(channel.id),
            "name": channel.name,
            "type": channel.type,
            "permissions": str(g.permissions_of(state.bot.id)),
        }
        return str(channel.id)
    expected = {STRING: str, INTEGER: int, BOOLEAN: bool, NUMBER: (int, float)}.get(kind)
    if expected and (not isinstance(value, expected) or (kind == INTEGER and value is True)):
        raise DriverError(f"option {opt['name']!r} expects {expected}, got {value!r}")
    return value


def click_data(
    state: FakeState, message_id: int, custom_id: str, values: list[str] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`data` and `message` of a MESSAGE_COMPONENT interaction on an existing message."""
    m = state.message(message_id)
    component = _find_component(m.components, custom_id)
    if component is None:
        raise DriverError(f"message {message_id} has no component with custom_id {custom_id!r}")
    if component.get("disabled"):
        raise DriverError(f"component {custom_id!r} is disabled; users cannot click it")
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
    if component["type"] != 2:
        data["values"] = list(values or [])
    return data, state.message_payload(m)


def _find_component(components: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    for c in components:
        if c.get("custom_id") == custom_id:
            return c
        for key in ("components", "component", "accessory"):
            inner = c.get(key)
            children = [inner] if isinstance(inner, dict) else inner or []
            found = _find_component(children, custom_id)
            if found is not None:
                return found
    return None


def modal_data(modal: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`data` of a MODAL_SUBMIT, mirroring the modal's layout (action rows or labels)."""
    # A text input takes a string; a select its picked values (a list, or one string).
    rows: list[dict[str, Any]] = []
    used: set[str] = set()
    for top in modal.get("components", []):
        if top.get("type") == 1:
            inputs = top.get("components", [])
            rows.append(
                {
                    "type": 1,
                    "id": top.get("id", 0),
                    "components": [_submitted(c, values, used) for c in inputs],
                }
            )
        elif top.get("type") == 18:
            rows.append(
                {
                    "type": 18,
                    "id": top.get("id", 0),
                    "component": _submitted(top["component"], values, used),
                }
            )
    unknown = set(values) - used
    if unknown:
        raise DriverError(f"modal has no inputs {sorted(unknown)}")
    return {"custom_id": modal["custom_id"], "components": rows}


def _submitted(c: dict[str, Any], values: dict[str, Any], used: set[str]) -> dict[str, Any]:
    custom_id = c["custom_id"]
    used.add(custom_id)
    if c.get("type") != 4:
        return _picked(c, values.get(custom_id))
    value = values.get(custom_id, "")
    # Discord's client enforces these before it lets the user submit.
    if c.get("required", True) and not value:
        raise DriverError(f"modal input {custom_id!r} is required")
    if value and not (c.get("min_length") or 0) <= len(value) <= (c.get("max_length") or 4000):
        raise DriverError(f"modal input {custom_id!r} length {len(value)} out of bounds")
    return {"type": 4, "id": c.get("id", 0), "custom_id": custom_id, "value": value}


def _picked(c: dict[str, Any], given: Any) -> dict[str, Any]:
    """A select's submission: a list of values, within what the client lets a user pick."""
    custom_id = c["custom_id"]
    items = given if isinstance(given, list | tuple) else ([] if given is None else [given])
    # A user select's picks may be given as FakeUsers; Discord sends their ids.
    picked = [str(getattr(v, "id", v)) for v in items]
    low = c.get("min_values", 1) if c.get("required", True) else 0
    if not (low or 0) <= len(picked) <= (c.get("max_values") or 1):
        raise DriverError(f"select {custom_id!r} takes {low}-{c.get('max_values')} values")
    offered = [o["value"] for o in c.get("options") or []]
    if c.get("type") == 3 and any(v not in offered for v in picked):
        raise DriverError(f"select {custom_id!r} offers no {picked!r}")
    return {"type": c["type"], "id": c.get("id", 0), "custom_id": custom_id, "values": picked}


def resolve_picked(state: FakeState, guild_id: int | None, data: dict[str, Any]) -> None:
    """Add the `resolved` users (and guild members) a modal's user selects picked."""
    resolved: dict[str, dict[str, Any]] = {}
    for top in data["components"]:
        for c in top.get("components") or [top.get("component") or {}]:
            if c.get("type") != 5:
                continue
            for picked in c["values"]:
                u = state.ensure_user(int(picked))
                resolved.setdefault("users", {})[str(u.id)] = payloads.user(u)
                if guild_id is not None and u.id in state.guild(guild_id).members:
                    # Resolved members omit `user` and carry permissions.
                    member = state.member_payload(guild_id, u.id, with_perms=True)
                    member.pop("user")
                    resolved.setdefault("members", {})[str(u.id)] = member
    if resolved:
        data["resolved"] = resolved
