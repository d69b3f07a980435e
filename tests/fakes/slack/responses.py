"""What Slack shows for a response_url post or an ack body: the messages it creates."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .blockkit import check_blocks, check_text
from .state import Message, ResponsePost
from .workspace import Workspace

MAX_RESPONSE_URL_USES = 5  # Slack honours a response_url up to five times


def show_reply(
    ws: Workspace,
    user: str,
    channel: str,
    body: dict[str, Any],
    source: str,
    message_ts: str | None = None,
) -> list[str]:
    """Apply a reply body (text/blocks/response_type/...); return why Slack would refuse it."""
    problems = reply_problems(body)
    if problems:
        return problems
    original = next((m for m in ws.messages if m.ts == message_ts and m.channel == channel), None)
    if body.get("delete_original") and original is not None:
        ws.messages.remove(original)
        return []
    if body.get("replace_original") and original is not None:
        original.edit(body.get("text"), body.get("blocks"))
        return []
    # Replies are ephemeral unless the app asks for response_type=in_channel.
    visible = body.get("response_type") == "in_channel"
    ws.messages.append(
        Message(
            channel=channel,
            text=body.get("text"),
            blocks=body.get("blocks"),
            ts=ws.ids.ts(),
            user=None if visible else user,
            thread_ts=body.get("thread_ts"),
            author=ws.bot_user.id,
            source=source,
        )
    )
    return []


def reply_problems(body: dict[str, Any]) -> list[str]:
    """Why Slack would refuse a reply body (empty when it is fine)."""
    if body.get("delete_original"):
        return []
    if not body.get("text") and not body.get("blocks"):
        return ["no_text"]
    if body.get("response_type") not in (None, "ephemeral", "in_channel"):
        return [f"invalid response_type {body.get('response_type')!r}"]
    text_error = check_text(body.get("text"))
    if text_error:
        return [text_error]
    if "blocks" in body:
        problems = check_blocks(body["blocks"])
        return ["invalid_blocks", *problems] if problems else []
    return []


class ResponseUrls:
    """Serves POST /response/{key}: the response_urls the drivers hand out."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    async def handle(self, request: web.Request) -> web.Response:
        """Record the post and show the message, answering like Slack's webhook endpoint."""
        entry = self.ws.response_urls.get(request.match_info["key"])
        if entry is None:
            return web.Response(status=404, text="invalid_token")
        try:
            body = json.loads(await request.text())
        except json.JSONDecodeError:
            body = None
        status, text = 200, "ok"
        if not isinstance(body, dict):
            status, text, body = 400, "invalid_payload", {}
        elif entry.uses >= MAX_RESPONSE_URL_USES:
            status, text = 404, "used_url"
        else:
            entry.uses += 1
            problems = show_reply(
                self.ws, entry.user, entry.channel, body, "response_url", entry.message_ts
            )
            if problems:
                status, text = 400, problems[0]
        self.ws.response_posts.append(
            ResponsePost(str(request.url), entry.user, entry.channel, body, status)
        )
        return web.Response(status=status, text=text)
