"""Messages out to Discord: parts that fit, an image, nonces, references, edits and errors."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import discord

from bot import render
from bot.adapters.discord import render as ui
from bot.delivery import TransientError
from bot.reply import Attachment, Image, Reply

log = logging.getLogger(__name__)
CANNOT_DM = 50007  # Discord's "Cannot send messages to this user": their DMs are closed
NONCE_LIMIT = 25  # characters Discord allows in a message nonce
ALT_LIMIT = 1024  # characters Discord allows in an attachment's description


def ref_of(message: discord.Message) -> str:
    """A sent message's reference: "<channel id>/<message id>", enough to edit it later."""
    return f"{message.channel.id}/{message.id}"


def parse_ref(ref: str) -> tuple[int, int]:
    """The channel and message ids in a reference; ValueError when it is not one of ours."""
    channel, _, message = ref.partition("/")
    if not (channel.isascii() and channel.isdigit() and message.isascii() and message.isdigit()):
        raise ValueError(f"not a Discord message reference: {ref!r}")
    return int(channel), int(message)


def part_nonces(nonce: str | None, count: int) -> list[str | None]:
    """One nonce per part, the same on every resend; a one-part message keeps the outbox's."""
    if nonce is None:
        return [None] * count
    if len(nonce) > NONCE_LIMIT:
        raise ValueError(f"nonce longer than {NONCE_LIMIT} characters: {nonce!r}")
    if count == 1:
        return [nonce]
    # Each part needs its own nonce (Discord would answer a repeated one with the first part);
    # a digest keeps them within 25 characters however long the outbox's nonce is.
    return [
        hashlib.blake2b(f"{i}:{nonce}".encode(), digest_size=12).hexdigest() for i in range(count)
    ]


async def send_parts(
    target: discord.abc.Messageable,
    reply: Reply,
    *,
    nonce: str | None = None,
    guild_id: int | None = None,
) -> discord.Message:
    """Send a reply split to fit; the last part carries its buttons and image and is returned."""
    pieces = ui.chunks(reply.text)
    nonces = part_nonces(nonce, len(pieces))
    mentions = ui.allowed_mentions(reply.text)
    sent: discord.Message | None = None
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        extras: dict[str, Any] = {}
        if last and reply.buttons:
            extras["view"] = ui.view(reply.buttons, guild_id=guild_id)
        uploads = [as_file(reply.image)] if reply.image is not None else []
        uploads += [as_upload(attached) for attached in reply.files]
        if last and len(uploads) == 1:
            extras["file"] = uploads[0]
        elif last and uploads:
            extras["files"] = uploads
        sent = await target.send(piece, nonce=nonces[index], allowed_mentions=mentions, **extras)
    assert sent is not None  # chunks() always gives at least one piece
    return sent


def without_image(reply: Reply) -> Reply:
    """The reply with its image's description in the text in place of the image (and no files)."""
    if reply.image is None and not reply.files:
        return reply
    text = reply.text
    if reply.image is not None:
        text = f"{text}\n\n*{render.safe(reply.image.alt)}*"
    return dataclasses.replace(reply, text=text, image=None, files=())


def as_file(image: Image) -> discord.File:
    """An image as an upload, its alt text as the attachment's description (screen readers)."""
    return discord.File(
        io.BytesIO(image.png),
        filename=image.filename,
        description=render.clip(image.alt, ALT_LIMIT),
    )


def as_upload(attached: Attachment) -> discord.File:
    """A file as an upload, its description as the attachment's."""
    return discord.File(
        io.BytesIO(attached.data),
        filename=attached.filename,
        description=render.clip(attached.description, ALT_LIMIT) or None,
    )


async def edit(
    client: discord.Client, ref: str, reply: Reply, *, guild_id: int | None = None
) -> str:
    """New text and buttons (none removes them) for the sent message a reference names."""
    channel_id, message_id = parse_ref(ref)
    pieces = ui.chunks(reply.text)
    content = pieces[0]
    if len(pieces) > 1:
        # A reference names one message (a long one's last part): the rest can't come along.
        log.warning("an edit of %s is longer than one message: clipped", ref)
        content = content[: ui.CONTENT_LIMIT - 1].rstrip() + "…"
    # A partial messageable needs no fetch, and works for guild and DM channels alike. Leaving
    # attachments out of the edit keeps the picture the message was sent with.
    channel = client.get_partial_messageable(channel_id)
    view = ui.view(reply.buttons, guild_id=guild_id) if reply.buttons else None
    await channel.get_partial_message(message_id).edit(
        content=content, view=view, allowed_mentions=ui.allowed_mentions(reply.text)
    )
    return ref


@asynccontextmanager
async def transient_errors() -> AsyncIterator[None]:
    """Turn what may work later (5xx, rate limits, network trouble) into TransientError."""
    try:
        yield
    except discord.RateLimited as error:  # a wait longer than the client's max_ratelimit_timeout
        raise TransientError("rate limited", error.retry_after) from error
    except discord.DiscordServerError as error:
        raise TransientError(f"Discord answered {error.status}") from error
    except discord.HTTPException as error:
        if error.status != 429:
            raise
        # A 429 discord.py gave up on (Cloudflare's, without a Via header): wait as told.
        raise TransientError("rate limited", _retry_after(error)) from error
    except (aiohttp.ClientError, TimeoutError) as error:
        raise TransientError(f"could not reach Discord: {type(error).__name__}") from error


def _retry_after(error: discord.HTTPException) -> float | None:
    try:
        return float(error.response.headers.get("Retry-After", ""))
    except ValueError:
        return None
