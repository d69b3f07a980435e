"""files.* methods: Slack's external upload (announce, POST the bytes, complete and share)."""

from __future__ import annotations

import secrets
from typing import Any

from aiohttp import web

from .api_chat import check_postable, resolve_channel
from .errors import SlackError
from .state import Channel, Message, UploadedFile
from .workspace import Workspace

MAX_ALT_TXT = 1000  # files.getUploadURLExternal answers alt_txt_too_large beyond this
FILE_FIELDS = frozenset({"id", "title", "highlight_type"})  # what an entry of `files` may hold
# channel_id takes a conversation id only (C, G, D or Z...); a user id is invalid_arguments.
CHANNEL_PREFIXES = ("C", "G", "D", "Z")


def get_upload_url(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """files.getUploadURLExternal"""
    try:
        length = int(args["length"])
    except (TypeError, ValueError) as error:
        raise SlackError("invalid_arguments") from error
    # Slack's docs: missing_argument "typically only occurs when the length provided is 0".
    if length <= 0:
        raise SlackError("missing_argument")
    alt_txt = args.get("alt_txt")
    if isinstance(alt_txt, str) and len(alt_txt) > MAX_ALT_TXT:
        raise SlackError("alt_txt_too_large")
    upload = UploadedFile(
        id=ws.ids.new("F"),
        filename=str(args["filename"]),
        length=length,
        alt_txt=alt_txt,
        snippet_type=args.get("snippet_type"),
    )
    key = secrets.token_urlsafe(12)
    ws.files[upload.id] = upload
    ws.upload_keys[key] = upload.id
    return {"ok": True, "upload_url": f"{ws.url}/upload/v1/{key}", "file_id": upload.id}


def complete_upload(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """files.completeUploadExternal"""
    entries = args.get("files")
    if not isinstance(entries, list) or not entries:
        raise SlackError("invalid_arguments", response_metadata={"messages": ["files"]})
    uploads: list[tuple[UploadedFile, dict[str, Any]]] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise SlackError("invalid_arguments", response_metadata={"messages": ["files"]})
        upload = ws.files.get(entry["id"])
        # Slack discards an upload once completed, and has nothing to share before its bytes.
        if upload is None or upload.completed or upload.data is None:
            raise SlackError("file_not_found")
        ignored = sorted(set(entry) - FILE_FIELDS)
        if ignored:
            ws.warnings.append(
                f"files.completeUploadExternal: file fields Slack ignores: {ignored}"
            )
        uploads.append((upload, entry))
    channels = _share_targets(ws, args)
    thread_ts = args.get("thread_ts")
    comment = args.get("initial_comment")
    for upload, entry in uploads:
        upload.title = entry.get("title") or upload.filename
        upload.completed = True
        upload.channels = [channel.id for channel in channels]
        upload.thread_ts, upload.initial_comment = thread_ts, comment
    for channel in channels:
        # Sharing shows as one message from the bot carrying the files.
        ws.messages.append(
            Message(
                channel=channel.id,
                text=comment or "",
                blocks=None,
                ts=ws.ids.ts(),
                thread_ts=thread_ts,
                author=ws.bot_user.id,
                source="files.completeUploadExternal",
                files=[upload.id for upload, _ in uploads],
            )
        )
    return {
        "ok": True,
        "files": [{"id": upload.id, "title": upload.title} for upload, _ in uploads],
    }


def _share_targets(ws: Workspace, args: dict[str, Any]) -> list[Channel]:
    """The conversations channel_id / channels name, checked as chat.postMessage checks them."""
    wanted: list[str] = []
    if args.get("channel_id"):
        wanted.append(str(args["channel_id"]))
    if args.get("channels"):
        wanted += [c.strip() for c in str(args["channels"]).split(",") if c.strip()]
    if args.get("thread_ts") and len(wanted) != 1:
        raise SlackError("invalid_arguments", response_metadata={"messages": ["thread_ts"]})
    channels: list[Channel] = []
    for channel_id in wanted:
        if not channel_id.startswith(CHANNEL_PREFIXES):
            raise SlackError("invalid_arguments", response_metadata={"messages": ["channel_id"]})
        channel = resolve_channel(ws, channel_id)
        check_postable(ws, channel)
        channels.append(channel)
    return channels


class UploadUrls:
    """Serves POST /upload/v1/{key}: where the app sends a file's bytes."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    async def handle(self, request: web.Request) -> web.Response:
        """Keep the bytes (raw or a multipart form's file), answering as Slack's file service."""
        file_id = self.ws.upload_keys.get(request.match_info["key"])
        if file_id is None:
            return web.Response(status=404, text="not_found")
        upload = self.ws.files[file_id]
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            part = next((v for v in form.values() if isinstance(v, web.FileField)), None)
            data = part.file.read() if part is not None else b""
        else:
            data = await request.read()
        if len(data) != upload.length:
            self.ws.warnings.append(
                f"upload of {upload.id}: {len(data)} bytes, getUploadURLExternal said "
                f"{upload.length}"
            )
        upload.data = data
        return web.Response(text=f"OK - {len(data)}")


HANDLERS = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
}
