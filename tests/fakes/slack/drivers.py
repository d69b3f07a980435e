"""Test drivers: deliver what a Slack user does to the app, over Socket Mode or HTTP."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp

from . import payloads
from .acks import Ack, apply_ack
from .api_views import full_view
from .modal_state import inputs_for, submission_state
from .socket_mode import SocketModeServer
from .state import Message, ViewRecord
from .workspace import Workspace


class Driver:
    """The calls a test makes as a Slack user; subclasses pick the transport."""

    def __init__(self, ws: Workspace, ack_timeout: float = 5.0) -> None:
        self.ws = ws
        self.ack_timeout = ack_timeout  # how long to wait; Ack.ok still demands Slack's 3 s

    async def slash(
        self,
        command: str = "/intro",
        text: str = "",
        *,
        user_id: str,
        channel_id: str | None = None,
    ) -> Ack:
        """Run a slash command (fresh trigger_id and response_url each time)."""
        channel_id = channel_id or self.ws.dm_channel(user_id).id
        payload = payloads.slash_command(self.ws, command, text, user_id, channel_id)
        return await self._send("slash_commands", payload)

    async def block_action(
        self,
        user_id: str,
        action_id: str,
        value: Any = None,
        *,
        block_id: str | None = None,
        message: Message | None = None,
        view_id: str | None = None,
        channel_id: str | None = None,
    ) -> Ack:
        """Click/select an element in a posted message (message=) or an open view (view_id=)."""
        payload = payloads.block_action(
            self.ws, user_id, action_id, value, block_id, message, view_id, channel_id
        )
        return await self._send("interactive", payload)

    async def view_submission(
        self,
        user_id: str,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        private_metadata: str | None = None,
    ) -> Ack:
        """Submit the user's open modal with `callback_id`: values[block_id][action_id]."""
        record = self.ws.current_modal(user_id, callback_id)
        if record is None:
            # No such modal was opened through the fake: synthesize one with plain inputs.
            view = {
                "type": "modal",
                "callback_id": callback_id,
                "blocks": inputs_for(values),
                "title": {"type": "plain_text", "text": "Modal"},
            }
            record = ViewRecord(self.ws.ids.new("V"), user_id, view, "driver", "0.0")
            self.ws.views[record.id] = record
        view = full_view(self.ws, record)
        view["state"] = {"values": submission_state(view["blocks"], values)}
        if private_metadata is not None:
            view["private_metadata"] = private_metadata
        payload = {
            "type": "view_submission",
            "team": {"id": self.ws.team_id, "domain": self.ws.team_domain},
            "user": payloads.user_ref(self.ws, user_id),
            "api_app_id": self.ws.app_id,
            "token": self.ws.verification_token,
            "trigger_id": self.ws.issue_trigger(user_id),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return await self._send("interactive", payload)

    async def event(
        self,
        type: str,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        **fields: Any,
    ) -> Ack:
        """Deliver an Events API event; retry_num marks it as Slack's retry of event_id."""
        event_id = event_id or f"Ev{self.ws.ids.new('')}"
        event = payloads.event_body(self.ws, type, fields)
        payload = payloads.event_callback(self.ws, event, event_id)
        retry = None if retry_num is None else (retry_num, retry_reason)
        return await self._send("events_api", payload, retry)

    async def _send(
        self, kind: str, payload: dict[str, Any], retry: tuple[int, str] | None = None
    ) -> Ack:
        ack = await self._deliver(kind, payload, retry)
        apply_ack(self.ws, payload, ack)
        return ack

    async def _deliver(
        self, kind: str, payload: dict[str, Any], retry: tuple[int, str] | None
    ) -> Ack:
        raise NotImplementedError


class SocketModeDriver(Driver):
    """Pushes envelopes over the app's Socket Mode websocket and waits for the ack."""

    def __init__(self, ws: Workspace, server: SocketModeServer, ack_timeout: float = 5.0):
        super().__init__(ws, ack_timeout)
        self.server = server

    async def _deliver(
        self, kind: str, payload: dict[str, Any], retry: tuple[int, str] | None
    ) -> Ack:
        extra: dict[str, Any] = {}
        if kind == "events_api":
            # Slack sends these on every event: 0 and "" for a first delivery.
            extra = {
                "retry_attempt": retry[0] if retry else 0,
                "retry_reason": retry[1] if retry else "",
            }
        # Only slash commands and view submissions can answer with a body.
        accepts = kind == "slash_commands" or payload.get("type") == "view_submission"
        envelope = SocketModeServer.new_envelope(kind, payload, accepts, **extra)
        started = time.monotonic()
        reply = await self.server.send(envelope, self.ack_timeout)
        elapsed = time.monotonic() - started
        if reply is None:
            return Ack(kind, None, None, elapsed=elapsed, envelope_id=envelope["envelope_id"])
        return Ack(
            kind, 200, reply.get("payload"), elapsed=elapsed, envelope_id=envelope["envelope_id"]
        )


@dataclasses.dataclass
class Signing:
    """How the HTTP driver signs: the secret and how old the timestamp claims to be."""

    secret: str
    age: float = 0.0
    signature: str | None = None  # send this literal X-Slack-Signature instead


class HttpDriver(Driver):
    """POSTs signed requests to the app's HTTP endpoint, as Slack does."""

    def __init__(
        self, ws: Workspace, app_url: str, signing: Signing | None = None, ack_timeout: float = 5.0
    ) -> None:
        super().__init__(ws, ack_timeout)
        self.app_url = app_url
        self.signing = signing or Signing(ws.signing_secret)

    def tampered(
        self, *, secret: str | None = None, age: float = 0.0, signature: str | None = None
    ) -> HttpDriver:
        """A driver that signs with another secret, an old timestamp, or a given signature."""
        signing = Signing(secret or self.signing.secret, age, signature)
        return HttpDriver(self.ws, self.app_url, signing, self.ack_timeout)

    async def url_verification(self, challenge: str = "fake-challenge") -> Ack:
        """Slack's endpoint check when the Events URL is saved; the app echoes challenge."""
        body = {
            "token": self.ws.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        return await self._post("url_verification", json.dumps(body), "application/json", None)

    async def _deliver(
        self, kind: str, payload: dict[str, Any], retry: tuple[int, str] | None
    ) -> Ack:
        if kind == "slash_commands":
            body, content_type = urlencode(payload), "application/x-www-form-urlencoded"
        elif kind == "interactive":
            # Interactivity posts one form field, payload, holding the JSON.
            body = urlencode({"payload": json.dumps(payload)})
            content_type = "application/x-www-form-urlencoded"
        else:
            body, content_type = json.dumps(payload), "application/json"
        return await self._post(kind, body, content_type, retry)

    async def _post(
        self, kind: str, body: str, content_type: str, retry: tuple[int, str] | None
    ) -> Ack:
        timestamp = str(int(time.time() - self.signing.age))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": self.signing.signature or self._sign(timestamp, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        if retry is not None:
            headers["X-Slack-Retry-Num"] = str(retry[0])
            headers["X-Slack-Retry-Reason"] = retry[1]
        started = time.monotonic()
        timeout = aiohttp.ClientTimeout(total=self.ack_timeout)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(self.app_url, data=body.encode(), headers=headers) as response,
            ):
                text = await response.text()
                is_json = response.content_type == "application/json" and text
                status = response.status
        except TimeoutError:
            return Ack(kind, None, None, elapsed=time.monotonic() - started)
        parsed = json.loads(text) if is_json else ({"text": text} if text else None)
        return Ack(kind, status, parsed, body=text, elapsed=time.monotonic() - started)

    def _sign(self, timestamp: str, body: str) -> str:
        """Slack's v0 signature: HMAC-SHA256 of "v0:{timestamp}:{body}"."""
        digest = hmac.new(
            self.signing.secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256
        ).hexdigest()
        return f"v0={digest}"
