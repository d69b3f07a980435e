"""Slack API clients whose retries stay short: a long wait is the outbox's to pace, not ours."""

from __future__ import annotations

from aiohttp import ClientSession
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

TIMEOUT = 30  # seconds per Web API call
# slack_sdk sleeps Retry-After (plus up to 1 s) before retrying a 429, holding the caller (and
# a worker) all that time; only a wait this short is taken here, a longer one goes back to the
# caller, which the outbox turns into a paced retry.
SHORT_WAIT = 1


class ShortRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Retries a 429 only when Slack asks for a short wait (Retry-After <= SHORT_WAIT)."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is not None and wait <= SHORT_WAIT


def retry_after(headers: dict[str, list[str]] | dict[str, str]) -> float | None:
    """Slack's Retry-After in seconds, from headers in either of slack_sdk's shapes."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list) else value
            try:
                return float(first)
            except ValueError:
                return None
    return None


def retry_handlers() -> list[AsyncRetryHandler]:
    """One quick retry of a short 429 or a 5xx; a few for a dropped connection."""
    return [
        ShortRateLimitRetryHandler(max_retry_count=1),
        AsyncConnectionErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=1),
    ]


def web_client(token: str, base_url: str) -> AsyncWebClient:
    """The bot's Web API client (bolt's `client`); Socket Mode reuses it to connect."""
    return AsyncWebClient(
        token=token, base_url=base_url, timeout=TIMEOUT, retry_handlers=retry_handlers()
    )


def webhook_client(url: str, session: ClientSession | None = None) -> AsyncWebhookClient:
    """A client for one interaction's response_url, on the front-end's shared session."""
    return AsyncWebhookClient(
        url, timeout=TIMEOUT, retry_handlers=retry_handlers(), session=session
    )
