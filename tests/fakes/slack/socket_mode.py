"""Socket Mode: the websocket Slack pushes envelopes over and the app acks on."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiohttp import WSMsgType, web

from .workspace import Workspace


class SocketModeServer:
    """Serves GET /link/?ticket=... as Slack's Socket Mode endpoint."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.connections: list[web.WebSocketResponse] = []
        self.total_connections = 0
        self.acks: list[dict[str, Any]] = []  # every envelope ack, in arrival order
        self.stray: list[str] = []  # frames that were not acks of an envelope we sent
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._changed = asyncio.Condition()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Accept a websocket for a ticket apps.connections.open issued, then say hello."""
        ticket = request.query.get("ticket", "")
        # A ticket is good for one connection, as Slack's are.
        if ticket not in self.ws.socket_tickets:
            return web.Response(status=401, text="invalid_ticket")
        self.ws.socket_tickets.discard(ticket)
        # autoping answers the pings slack_sdk sends every ping_interval with pongs.
        sock = web.WebSocketResponse(autoping=True)
        await sock.prepare(request)
        await sock.send_json(self._hello())
        await self._register(sock)
        try:
            async for frame in sock:
                if frame.type == WSMsgType.TEXT:
                    self._on_text(frame.data)
        finally:
            await self._unregister(sock)
        return sock

    async def wait_connected(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until `count` connections were ever made and one is open."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(
                    lambda: self.total_connections >= count and bool(self.connections)
                ),
                timeout,
            )

    async def send(self, envelope: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """Push an envelope and wait for its ack; None when none came in time."""
        await self.wait_connected(timeout=timeout)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[envelope["envelope_id"]] = future
        try:
            # Slack picks one of the app's open connections; the newest is as good as any.
            await self.connections[-1].send_str(json.dumps(envelope))
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return None
        finally:
            self._pending.pop(envelope["envelope_id"], None)

    async def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the app to reconnect, as Slack does every few hours."""
        await self.wait_connected()
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}}
        await self.connections[-1].send_str(json.dumps(message))

    async def close_all(self) -> None:
        """Close every open websocket (going away) so no client is left waiting."""
        for sock in list(self.connections):
            await sock.close(code=1001, message=b"server shutting down")

    @staticmethod
    def new_envelope(
        kind: str, payload: dict[str, Any], accepts_response_payload: bool, **extra: Any
    ) -> dict[str, Any]:
        """An envelope in Slack's shape (events_api ones add retry_attempt/retry_reason)."""
        return {
            "envelope_id": str(uuid.uuid4()),
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            **extra,
        }

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": len(self.connections) + 1,
            "debug_info": {
                "host": "applink-fake",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.ws.app_id},
        }

    def _on_text(self, data: str) -> None:
        try:
            message = json.loads(data)
        except json.JSONDecodeError:
            self.stray.append(data)
            return
        future = (
            self._pending.get(message.get("envelope_id", "")) if isinstance(message, dict) else None
        )
        if future is None or future.done():
            self.stray.append(data)
            return
        self.acks.append(message)
        future.set_result(message)

    async def _register(self, sock: web.WebSocketResponse) -> None:
        async with self._changed:
            self.connections.append(sock)
            self.total_connections += 1
            self._changed.notify_all()

    async def _unregister(self, sock: web.WebSocketResponse) -> None:
        async with self._changed:
            if sock in self.connections:
                self.connections.remove(sock)
            self._changed.notify_all()
