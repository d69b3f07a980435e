"""Slack API clients with slack_sdk's retry handlers, so a 429 or a dropped link loses nothing."""

from __future__ import annotations

from aiohttp import ClientSession
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

TIMEOUT = 30  # seconds per Web API call


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retry 429s after Slack's Retry-After, and connection and 5xx failures with backoff."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=5),
        AsyncConnectionErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=2),
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
