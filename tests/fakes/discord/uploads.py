"""Files sent with a message: multipart parts checked against `attachments`, as Discord does."""

from __future__ import annotations

import mimetypes
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from .errors import DiscordHTTPError, FormErrors
from .models import RecordedAttachment, snowflake

MAX_ATTACHMENTS = 10
# What a bot may upload per file where the server has no boosts (Discord's limit since 2024).
MAX_FILE_BYTES = 10 * 1024 * 1024
ENTITY_TOO_LARGE = 40005
CDN = "https://cdn.discordapp.com/attachments"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Upload:
    """One file part of a multipart request body."""

    field: str  # "files[0]"
    filename: str
    data: bytes
    content_type: str


def attachments_for(
    body: dict[str, Any], files: list[Upload], kept: list[RecordedAttachment] | None = None
) -> list[RecordedAttachment] | None:
    """The message's attachments after this create or edit; None when an edit keeps them as is."""
    # `attachments` names every file of the result: uploads by their `files[n]` index and, on an
    # edit, existing attachments by id (those left out are removed; without the list all stay).
    # Uploads it does not name are attached too, after the rest.
    wanted = body.get("attachments")
    if wanted is None and not files:
        return None
    errors = FormErrors()
    result: list[RecordedAttachment] = list(kept or []) if wanted is None else []
    if not isinstance(wanted, list):
        if wanted is not None:
            errors.add(("attachments",), "BASE_TYPE_LIST", "Must be a list.")
        wanted = []
    errors.max_items(("attachments",), wanted, MAX_ATTACHMENTS)
    uploads = {upload.field: upload for upload in files}
    existing = {str(a.id): a for a in kept or []}
    named: set[str] = set()
    for index, meta in enumerate(wanted[:MAX_ATTACHMENTS]):
        at = ("attachments", index)
        if not isinstance(meta, dict) or "id" not in meta:
            errors.add((*at, "id"), "BASE_TYPE_REQUIRED", "This field is required")
            continue
        ref = str(meta["id"])
        if ref in existing:
            result.append(existing[ref])
            continue
        upload = uploads.get(f"files[{ref}]")
        if upload is None:
            errors.add(at, "ATTACHMENT_NOT_FOUND", "Attachment data not found")
            continue
        named.add(upload.field)
        filename = meta.get("filename", upload.filename)
        errors.length_between((*at, "filename"), filename, 1, 1024)
        errors.max_length((*at, "description"), meta.get("description"), 1024)
        result.append(_stored(upload, str(filename or ""), meta.get("description")))
    result += [_stored(u, u.filename, None) for u in files if u.field not in named]
    if len(result) > MAX_ATTACHMENTS:
        errors.add(("files",), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_ATTACHMENTS} or fewer.")
    errors.raise_if_any()
    if any(a.size > MAX_FILE_BYTES for a in result):
        raise DiscordHTTPError(413, ENTITY_TOO_LARGE, "Request entity too large")
    return result


def _stored(upload: Upload, filename: str, description: Any) -> RecordedAttachment:
    # Discord decides the content type from the name, not from what the client declared.
    guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    text = description if isinstance(description, str) else None
    return RecordedAttachment(snowflake(), filename, upload.data, text, guessed)


def attachment_payload(a: RecordedAttachment, channel_id: int) -> dict[str, Any]:
    """An attachment object as the API returns it."""
    url = f"{CDN}/{channel_id}/{a.id}/{a.filename}"
    data: dict[str, Any] = {
        "id": str(a.id),
        "filename": a.filename,
        "size": a.size,
        "url": url,
        "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
        "content_type": a.content_type,
    }
    if a.description is not None:
        data["description"] = a.description
    if a.data.startswith(PNG_SIGNATURE) and len(a.data) >= 24:
        # Images come back with their size, read from the PNG's header chunk.
        data["width"], data["height"] = struct.unpack(">II", a.data[16:24])
    return data


def tiny_png(width: int = 2, height: int = 1) -> bytes:
    """A valid all-black PNG, for tests that send an image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" * (width + 1) for _ in range(height)))
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
