"""Request pipeline: record, inject failures, check bot auth, render errors."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from .errors import DiscordHTTPError, json_response
from .models import RecordedRequest
from .uploads import Upload

if TYPE_CHECKING:
    from .server import FakeDiscord

API = "/api/v10"
# aiohttp >= 3.12 wants typed request keys; older versions take plain strings.
BODY_KEY: Any = web.RequestKey("json_body", object) if hasattr(web, "RequestKey") else "json_body"
FILES_KEY: Any = web.RequestKey("files", object) if hasattr(web, "RequestKey") else "files"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def needs_bot_auth(path: str) -> bool:
    """Interaction callbacks and interaction webhooks are authorised by their token."""
    return not (path.startswith("/interactions/") or path.startswith("/webhooks/"))


def make_middleware(fake: FakeDiscord) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Build the middleware bound to one FakeDiscord."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API + "/"):
            return await handler(request)  # the gateway websocket
        path = request.path[len(API) :]
        record = RecordedRequest(request.method, path, dict(request.query), None)
        fake.state.requests.append(record)
        try:
            response = await _respond(fake, request, record, handler)
        except DiscordHTTPError as exc:
            response = exc.response()
        record.status = response.status
        await fake.notify()
        return response

    return middleware


async def _respond(
    fake: FakeDiscord, request: web.Request, record: RecordedRequest, handler: Handler
) -> web.StreamResponse:
    record.json, files = await _read_body(request)
    record.files = {upload.field: upload.data for upload in files}
    request[BODY_KEY] = record.json
    request[FILES_KEY] = files
    for rule in fake.failures:
        if rule.times > 0 and rule.matches(record.method, record.path):
            rule.times -= 1
            return rule.response()
    # Unknown routes 404 before authentication is considered.
    unmatched = request.match_info.http_exception
    if isinstance(unmatched, web.HTTPMethodNotAllowed):
        return json_response({"message": "405: Method Not Allowed", "code": 0}, status=405)
    if unmatched is not None:
        return json_response({"message": "404: Not Found", "code": 0}, status=404)
    if needs_bot_auth(record.path) and request.headers.get("Authorization") != (
        f"Bot {fake.state.token}"
    ):
        return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
    return await handler(request)


async def _read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    """Parse a JSON body, or a multipart upload's `payload_json` and its `files[n]` parts."""
    if not request.can_read_body:
        return None, []
    try:
        if request.content_type == "multipart/form-data":
            return await _read_multipart(request)
        text = await request.text()
        return (json.loads(text) if text else None), []
    except ValueError:
        raise DiscordHTTPError(400, 50109, "The request body contains invalid JSON.") from None


async def _read_multipart(request: web.Request) -> tuple[Any, list[Upload]]:
    payload: Any = None
    files: list[Upload] = []
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue  # nested multiparts are not something Discord reads
        if part.name == "payload_json":
            payload = json.loads(await part.text())
        elif part.name is not None:
            data = bytes(await part.read())
            content_type = part.headers.get("Content-Type", "application/octet-stream")
            files.append(Upload(part.name, part.filename or "", data, content_type))
    return payload, files
