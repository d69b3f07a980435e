"""The Web API endpoint: parse, authenticate, rate-limit, check arguments, dispatch."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import api_chat, api_directory, api_files, api_views
from .errors import SlackError
from .spec import method_spec
from .state import Call
from .workspace import Workspace

Handler = Callable[[Workspace, dict[str, Any]], dict[str, Any]]
HANDLERS: dict[str, Handler] = {
    **api_chat.HANDLERS,
    **api_directory.HANDLERS,
    **api_files.HANDLERS,
    **api_views.HANDLERS,
}
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})  # the only xapp- method we serve
# Sent as JSON strings in forms and query strings.
JSON_ARGS = ("blocks", "attachments", "view", "metadata", "files")
# What Slack answers when one of these required arguments is missing.
MISSING_ERRORS = {
    "channel": "channel_not_found",
    "user": "user_not_found",
    "user_id": "user_not_found",
    "trigger_id": "invalid_trigger_id",
}


@dataclass
class Hold:
    """A call served at once whose answer is kept until released (a bot killed mid-call)."""

    method: str
    args: dict[str, Any]
    served: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, method: str, args: dict[str, Any]) -> bool:
        """Whether this is the call to hold: the method, with these arguments, the first time."""
        wanted = all(args.get(name) == value for name, value in self.args.items())
        return method == self.method and wanted and not self.served.is_set()


@dataclass
class Failure:
    """An answer to give the next `count` calls to a method instead of serving them."""

    error: str
    status: int
    retry_after: int | None
    count: int


class WebApi:
    """Serves `/api/<method>` for one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.failures: dict[str, Failure] = {}
        self.holds: list[Hold] = []

    def fail_next(
        self,
        method: str,
        error: str = "ratelimited",
        *,
        status: int = 429,
        retry_after: int | None = 1,
        count: int = 1,
    ) -> None:
        """Answer the next `count` calls to `method` with ok=false `error` and HTTP `status`."""
        self.failures[method] = Failure(error, status, retry_after, count)

    async def handle(self, request: web.Request) -> web.Response:
        """aiohttp handler for POST/GET /api/{method}."""
        method = request.match_info["method"]
        args: dict[str, Any] = {}
        token: str | None = None
        status, headers = 200, {}
        try:
            args, token = await _read_args(request)
            failure = self._failure(method)
            if failure is not None:
                status = failure.status
                # Slack says how long to wait, in whole seconds, on a 429 only.
                if status == 429 and failure.retry_after is not None:
                    headers = {"Retry-After": str(failure.retry_after)}
                raise SlackError(failure.error)
            body = self._dispatch(method, args, token)
        except SlackError as error:
            body = error.body()
        self.ws.call_log.append(Call(method, args, token, body, status))
        hold = next((h for h in self.holds if h.matches(method, args)), None)
        if hold is not None:
            hold.served.set()
            await hold.released.wait()
        return web.json_response(body, status=status, headers=headers)

    def _failure(self, method: str) -> Failure | None:
        failure = self.failures.get(method)
        if failure is None or failure.count <= 0:
            return None
        failure.count -= 1
        return failure

    def _dispatch(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        handler = HANDLERS.get(method)
        spec = method_spec(method)
        if handler is None:
            if spec is not None:
                self.ws.warnings.append(f"{method} exists in Slack but the fake does not serve it")
            raise SlackError("unknown_method", req_method=method)
        _authenticate(self.ws, method, token)
        if spec is not None:
            unknown = spec.unknown(set(args))
            if unknown:
                self.ws.warnings.append(f"{method}: arguments Slack ignores: {unknown}")
            for name in spec.missing(set(args)):
                raise SlackError(
                    MISSING_ERRORS.get(name, "invalid_arguments"),
                    response_metadata={"messages": [f"missing required: {name}"]},
                )
        return handler(self.ws, args)


def _authenticate(ws: Workspace, method: str, token: str | None) -> None:
    """Slack's token rules: bot token for everything here but apps.connections.open."""
    if not token:
        raise SlackError("not_authed")
    if token not in (ws.bot_token, ws.app_token):
        raise SlackError("invalid_auth")
    wants_app_token = method in APP_TOKEN_METHODS
    if (token == ws.app_token) != wants_app_token:
        raise SlackError("not_allowed_token_type")


async def _read_args(request: web.Request) -> tuple[dict[str, Any], str | None]:
    """Arguments from the query string and a JSON or form body, plus the token."""
    args: dict[str, Any] = dict(request.query)
    form_token = args.pop("token", None)
    content_type = request.content_type
    if request.can_read_body and content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError as error:
            raise SlackError("invalid_json") from error
        if not isinstance(body, dict):
            raise SlackError("json_not_object")
        # Slack reads no token from a JSON body: JSON callers must use the header.
        args.update({k: v for k, v in body.items() if v is not None and k != "token"})
    elif request.can_read_body:
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
        form_token = args.pop("token", form_token)
    for name in JSON_ARGS:
        if isinstance(args.get(name), str):
            try:
                args[name] = json.loads(args[name])
            except json.JSONDecodeError as error:
                raise SlackError(
                    "invalid_blocks" if name == "blocks" else "invalid_arguments",
                    response_metadata={"messages": [f"{name} is not JSON"]},
                ) from error
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else None
    return args, token or form_token
