"""Injected failures: the 429s and 5xx answers real Discord (and Cloudflare before it) sends."""

from __future__ import annotations

import fnmatch
import hashlib
import math
import time
from dataclasses import dataclass

from aiohttp import web

from .errors import json_response
from .models import DriverError

# What each status looks like from Discord: its API answers 500 in JSON, while 502, 503 and 504
# come from the proxies in front of it as plain text or HTML (discord.py must cope with both).
BODIES: dict[int, tuple[str, str]] = {
    502: ("text/html", "<html><head><title>502 Bad Gateway</title></head></html>"),
    503: (
        "text/plain",
        "upstream connect error or disconnect/reset before headers. reset reason: overflow",
    ),
    504: ("text/html", "<html><head><title>504 Gateway Time-out</title></head></html>"),
}
STATUSES = {429, 500, *BODIES}


@dataclass
class FailureRule:
    """Answer the next `times` requests matching `pattern` with `status` instead of the route."""

    pattern: str
    times: int
    status: int = 429
    retry_after: float = 0.05  # a 429's wait, in seconds
    is_global: bool = False  # a 429 for every route, not just this bucket
    cloudflare: bool = False  # a 429 from Cloudflare's ban on too many invalid requests

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise DriverError(f"can only inject {sorted(STATUSES)}, not {self.status}")

    def matches(self, method: str, path: str) -> bool:
        """`pattern` is "METHOD /path/glob" or just "/path/glob" for any method."""
        if " " in self.pattern:
            return fnmatch.fnmatchcase(f"{method} {path}", self.pattern)
        return fnmatch.fnmatchcase(path, self.pattern)

    def response(self) -> web.Response:
        """The answer Discord gives for this status."""
        if self.status == 429 and self.cloudflare:
            # Cloudflare answers in HTML without Via; discord.py raises rather than waits.
            headers = {"Retry-After": str(max(1, math.ceil(self.retry_after)))}
            text = "<html><title>Error 1015: You are being rate limited</title></html>"
            return web.Response(status=429, text=text, content_type="text/html", headers=headers)
        if self.status == 429:
            return rate_limited(self)
        if self.status in BODIES:
            content_type, text = BODIES[self.status]
            return web.Response(status=self.status, text=text, content_type=content_type)
        return json_response({"message": "500: Internal Server Error", "code": 0}, status=500)


def rate_limited(rule: FailureRule) -> web.Response:
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
