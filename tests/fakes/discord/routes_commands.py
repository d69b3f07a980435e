"""REST routes for global and guild application commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import MISSING_ACCESS, UNKNOWN_COMMAND, DiscordHTTPError, json_response, not_found
from .models import snowflake
from .routes_core import as_int, body_of
from .validate_commands import normalize_options, validate_command, validate_commands

if TYPE_CHECKING:
    from .server import FakeDiscord
    from .state import FakeState


def add_routes(app: web.Application, fake: FakeDiscord) -> None:
    """Register command routes for both scopes."""
    state = fake.state
    base = "/api/v10/applications/{app_id}"

    def scope(request: web.Request) -> list[dict[str, Any]]:
        if as_int(request.match_info["app_id"]) != state.app_id:
            raise DiscordHTTPError(403, MISSING_ACCESS, "Missing Access")
        if "guild_id" not in request.match_info:
            return state.commands[None]
        g = state.guilds.get(as_int(request.match_info["guild_id"]))
        if g is None or state.bot.id not in g.members:
            # The app must be in the guild (applications.commands scope) to register there.
            raise DiscordHTTPError(403, MISSING_ACCESS, "Missing Access")
        return state.commands[g.id]

    def guild_of(request: web.Request) -> int | None:
        return as_int(request.match_info["guild_id"]) if "guild_id" in request.match_info else None

    async def list_commands(request: web.Request) -> web.Response:
        return json_response(scope(request))

    async def overwrite(request: web.Request) -> web.Response:
        current = scope(request)
        bodies = body_of(request)
        validate_commands(bodies)
        # Bulk overwrite keeps ids of commands whose (type, name) survives.
        old = {(c["type"], c["name"]): c for c in current}
        new = [_command(state, b, guild_of(request), old.get(_key(b))) for b in bodies]
        current[:] = new
        return json_response(new)

    async def create(request: web.Request) -> web.Response:
        current = scope(request)
        body = body_of(request)
        validate_command(body)
        existing = next((c for c in current if (c["type"], c["name"]) == _key(body)), None)
        cmd = _command(state, body, guild_of(request), existing)
        if existing is not None:
            # POST with an existing name is an upsert and answers 200 instead of 201.
            current[current.index(existing)] = cmd
            return json_response(cmd, status=200)
        if sum(c["type"] == cmd["type"] for c in current) >= (100 if cmd["type"] == 1 else 15):
            raise DiscordHTTPError(400, 30032, "Maximum number of application commands reached")
        current.append(cmd)
        return json_response(cmd, status=201)

    def find(request: web.Request) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        current = scope(request)
        wanted = request.match_info["command_id"]
        for cmd in current:
            if cmd["id"] == wanted:
                return current, cmd
        raise not_found("application command", UNKNOWN_COMMAND)

    async def get_one(request: web.Request) -> web.Response:
        return json_response(find(request)[1])

    async def edit_one(request: web.Request) -> web.Response:
        current, cmd = find(request)
        body = {**cmd, **body_of(request)}
        validate_command(body)
        updated = _command(state, body, guild_of(request), cmd)
        current[current.index(cmd)] = updated
        return json_response(updated)

    async def delete_one(request: web.Request) -> web.Response:
        current, cmd = find(request)
        current.remove(cmd)
        return web.Response(status=204)

    for prefix in (base, base + "/guilds/{guild_id}"):
        app.router.add_get(prefix + "/commands", list_commands)
        app.router.add_put(prefix + "/commands", overwrite)
        app.router.add_post(prefix + "/commands", create)
        app.router.add_get(prefix + "/commands/{command_id:\\d+}", get_one)
        app.router.add_patch(prefix + "/commands/{command_id:\\d+}", edit_one)
        app.router.add_delete(prefix + "/commands/{command_id:\\d+}", delete_one)


def _key(body: dict[str, Any]) -> tuple[int, str]:
    return body.get("type") or 1, body["name"]


def _command(
    state: FakeState, body: dict[str, Any], guild_id: int | None, previous: dict[str, Any] | None
) -> dict[str, Any]:
    """The stored/returned command object (ApplicationCommandResponse in the spec)."""
    perms = body.get("default_member_permissions")
    cmd: dict[str, Any] = {
        "id": previous["id"] if previous else str(snowflake()),
        "application_id": str(state.app_id),
        "version": str(snowflake()),
        "default_member_permissions": None if perms is None else str(perms),
        "type": body.get("type") or 1,
        "name": body["name"],
        "name_localizations": body.get("name_localizations"),
        "description": body.get("description") or "",
        "description_localizations": body.get("description_localizations"),
        "dm_permission": body.get("dm_permission", True),
        "contexts": body.get("contexts"),
        "integration_types": body.get("integration_types") or [0],
        "nsfw": bool(body.get("nsfw")),
        "options": normalize_options(body.get("options") or []),
    }
    if guild_id is not None:
        cmd["guild_id"] = str(guild_id)
    return cmd
