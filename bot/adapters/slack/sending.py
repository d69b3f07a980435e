"""Posts, edits and pictures through the Web API, with Slack's errors sorted for the outbox."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot import render
from bot.adapters.slack import blocks
from bot.adapters.slack.clients import retry_after
from bot.delivery import TransientError
from bot.reply import Attachment, Image, Reply

log = logging.getLogger(__name__)
T = TypeVar("T")

# Slack's answers that say "not now" rather than "no": rate limits and its own 5xx.
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout"}
)
ALT_TEXT = 1000  # files.getUploadURLExternal answers alt_txt_too_large beyond this


class Refused(Exception):
    """Slack said no for good (channel_not_found, cannot_dm_bot, …): `code` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def message_ref(channel: str, ts: str) -> str:
    """The reference deliver() hands back: a message is its channel and its ts."""
    return f"{channel}/{ts}"


def parse_ref(ref: str) -> tuple[str, str] | None:
    """(channel, ts) from a reference message_ref made; None when it is not one."""
    channel, _, ts = ref.partition("/")
    return (channel, ts) if channel and ts and "/" not in ts else None


async def call(what: str, request: Coroutine[Any, Any, T]) -> T:
    """Await Web API work: Refused when Slack said no, TransientError when it may pass."""
    try:
        return await request
    except SlackApiError as error:
        status = error.response.status_code
        code = str(error.response.get("error") or f"HTTP {status}")
        if code in TRANSIENT_ERRORS or status == 429 or status >= 500:
            raise TransientError(f"{what}: {code}", retry_after(error.response.headers)) from error
        raise Refused(code) from error
    except (ClientError, TimeoutError) as error:
        raise TransientError(f"{what}: {type(error).__name__}") from error


async def post(client: AsyncWebClient, channel: str, reply: Reply) -> str:
    """Post a message (and its picture after it); its reference."""
    answer = await call(
        f"chat.postMessage in {channel}",
        client.chat_postMessage(channel=channel, **blocks.message(reply)),
    )
    posted = message_ref(answer["channel"], answer["ts"])
    if reply.image is not None:
        await upload(client, answer["channel"], reply.image)
    for attached in reply.files:
        await upload_file(client, answer["channel"], attached)
    return posted


async def upload(client: AsyncWebClient, channel: str, image: Image) -> None:
    """Share a picture in a channel; a failure is logged, never raised."""
    # The message it goes with is already out: raising would make the outbox send the text
    # again, and a missing picture is the smaller harm.
    try:
        await call(
            f"files_upload_v2 in {channel}",
            client.files_upload_v2(
                channel=channel,
                file=image.png,
                filename=image.filename,
                title=image.filename,
                alt_txt=render.clip(image.alt, ALT_TEXT),
            ),
        )
    except (Refused, TransientError, SlackRequestError) as error:
        log.warning("picture %s not shared in %s: %s", image.filename, channel, error)


async def upload_file(client: AsyncWebClient, channel: str, attached: Attachment) -> None:
    """Share a file in a channel; a failure is logged, never raised (as a picture's is)."""
    extra = {"alt_txt": render.clip(attached.description, ALT_TEXT)} if attached.description else {}
    try:
        await call(
            f"files_upload_v2 in {channel}",
            client.files_upload_v2(
                channel=channel,
                file=attached.data,
                filename=attached.filename,
                title=attached.filename,
                **extra,
            ),
        )
    except (Refused, TransientError, SlackRequestError) as error:
        log.warning("file %s not shared in %s: %s", attached.filename, channel, error)


async def open_dm(client: AsyncWebClient, user_id: str) -> str:
    """The id of the bot's DM with a member."""
    opened = await call(f"conversations.open {user_id}", client.conversations_open(users=user_id))
    return str(opened["channel"]["id"])


async def edit(client: AsyncWebClient, channel: str, ts: str, reply: Reply) -> str:
    """Give a message new text and buttons; its reference."""
    body = blocks.message(reply)
    # chat.update keeps the old blocks unless sent new ones; blocks.message always sends them
    # (an actions block only when there are buttons), which is how buttons come off. A picture
    # shared with the message stays as it was.
    answer = await call(
        f"chat.update {channel}/{ts}", client.chat_update(channel=channel, ts=ts, **body)
    )
    return message_ref(answer["channel"], answer["ts"])
