"""Request pipeline: record, inject 429s, check bot auth, render errors."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import DiscordHTTPError, json_response
from .models import RecordedRequest

if TYPE_CHECKING:
    from .server import FakeDiscord

API = "/api/v10"
# aiohttp >= 3.12 wants typed request keys; older versions take plain strings.
BODY_KEY: Any = web.RequestKey("json_body", object) if hasattr(web, "RequestKey") else "json_body"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class RateLimitRule:
    """An injected 429: answer the next `times` requests matching `pattern`."""

    pattern: str
    times: int
    retry_after: float
    is_global: bool

    def matches(self, method: str, path: str) -> bool:
        """`pattern` is "METHOD /path/glob" or just "/path/glob" for any method."""
        if " " in self.pattern:
            return fnmatch.fnmatchcase(f"{method} {path}", self.pattern)
        return fnmatch.fnmatchcase(path, self.pattern)


def rate_limited(rule: RateLimitRule, path: str) -> web.Response:
    """A 429 as Discord sends it; discord.py only retries when `Via` is present."""
    bucket = hashlib.sha1(rule.pattern.encode()).hexdigest()[:16]
    headers = {
        "Retry-After": str(max(1, math.ceil(rule.retry_after))),
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + rule.retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{rule.retry_after:.3f}",
        "X-RateLimit-Bucket": bucket,
        "X-RateLimit-Scope": "global" if rule.is_global else "user",
        # Cloudflare's own bans lack Via; discord.py treats a Via-less 429 as fatal.
        "Via": "1.1 google",
    }
    if rule.is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {
        "message": "You are being rate limited.",
        "retry_after": rule.retry_after,
        "global": rule.is_global,
    }
    return json_response(body, status=429, headers=headers)


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
    record.json = await _read_body(request)
    request[BODY_KEY] = record.json
    for rule in fake.rate_limits:
        if rule.times > 0 and rule.matches(record.method, record.path):
            rule.times -= 1
            return rate_limited(rule, record.path)
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


async def _read_body(request: web.Request) -> Any:
    """Parse a JSON body, or the `payload_json` part of a multipart upload."""
    if not request.can_read_body:
        return None
    if request.content_type == "multipart/form-data":
        form = await request.post()
        raw = form.get("payload_json")
        return json.loads(raw) if isinstance(raw, str) else None
    text = await request.text()
    try:
        return json.loads(text) if text else None
    except ValueError:
        raise DiscordHTTPError(400, 50109, "The request body contains invalid JSON.") from None
