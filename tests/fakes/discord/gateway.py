"""The gateway: a real websocket speaking Discord's v10 JSON protocol."""

from __future__ import annotations

import asyncio
import json
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from . import payloads
from .models import Intents
from .state import FakeState

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
# Close codes Discord uses for client mistakes.
UNKNOWN_OPCODE, DECODE_ERROR, NOT_AUTHENTICATED, AUTH_FAILED = 4001, 4002, 4003, 4004
INVALID_SHARD = 4010
ALREADY_AUTHENTICATED, INVALID_API_VERSION, INVALID_INTENTS, DISALLOWED_INTENTS = (
    4005,
    4012,
    4013,
    4014,
)


class Connection:
    """One websocket; serialises sends so the zlib stream stays in order."""

    def __init__(self, ws: web.WebSocketResponse, zlib_stream: bool) -> None:
        self.ws = ws
        self._lock = asyncio.Lock()
        # zlib-stream: one deflate context for the whole connection, each frame Z_SYNC_FLUSHed.
        self._deflate = zlib.compressobj() if zlib_stream else None

    async def send(self, frame: dict[str, Any]) -> None:
        """Send one gateway payload, compressed if the client asked for zlib-stream."""
        text = json.dumps(frame)
        async with self._lock:
            if self.ws.closed:
                return
            if self._deflate is None:
                await self.ws.send_str(text)
            else:
                data = self._deflate.compress(text.encode()) + self._deflate.flush(
                    zlib.Z_SYNC_FLUSH
                )
                await self.ws.send_bytes(data)


@dataclass
class Session:
    """An identified gateway session; outlives its connection so it can be resumed."""

    id: str
    intents: int
    identify: dict[str, Any]
    seq: int = 0
    backlog: list[dict[str, Any]] = field(default_factory=list)
    conn: Connection | None = None
    shard: tuple[int, int] = (0, 1)  # [shard_id, num_shards] from IDENTIFY

    def carries(self, guild_id: int | None) -> bool:
        """Whether Discord routes this guild's events (None: DMs) to this session's shard."""
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0  # DMs go to shard 0 only
        return (guild_id >> 22) % count == shard_id

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send (or buffer for RESUME) one DISPATCH with the next sequence number."""
        self.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.backlog = [*self.backlog[-999:], frame]
        if self.conn is not None:
            await self.conn.send(frame)


class Gateway:
    """Accepts websocket connections and fans dispatches out to live sessions."""

    def __init__(
        self,
        state: FakeState,
        url: Callable[[], str],
        heartbeat_interval: int,
        privileged_intents: int,
    ) -> None:
        self.state = state
        self.url = url
        self.heartbeat_interval = heartbeat_interval
        self.privileged_intents = privileged_intents
        self.sessions: dict[str, Session] = {}
        self.identifies: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []
        self.connections: set[Connection] = set()
        self.connect_queries: list[dict[str, str]] = []
        self.ready = asyncio.Event()
        self.recommended_shards = 1  # what GET /gateway/bot says (AutoShardedClient's auto)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp handler for the gateway URL."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connect_queries.append(dict(request.query))
        # discord.py asks for zlib-stream (zstd-stream if `zstandard` is installed); anything
        # but zlib-stream gets plain text frames, which discord.py also accepts.
        conn = Connection(ws, request.query.get("compress") == "zlib-stream")
        self.connections.add(conn)
        try:
            if request.query.get("v") != "10" or request.query.get("encoding", "json") != "json":
                # The fake only models API v10 with JSON encoding.
                await ws.close(code=INVALID_API_VERSION, message=b"Invalid API version")
                return ws
            await conn.send(
                {
                    "op": HELLO,
                    "s": None,
                    "t": None,
                    "d": {"heartbeat_interval": self.heartbeat_interval},
                }
            )
            await self._serve(conn)
        finally:
            self.connections.discard(conn)
        return ws

    async def _serve(self, conn: Connection) -> None:
        session: Session | None = None
        async for msg in conn.ws:
            if msg.type != WSMsgType.TEXT:
                await conn.ws.close(code=DECODE_ERROR, message=b"Decode error")
                break
            try:
                frame = json.loads(msg.data)
                op, data = frame["op"], frame.get("d")
            except (ValueError, KeyError, TypeError):
                await conn.ws.close(code=DECODE_ERROR, message=b"Decode error")
                break
            self.received.append(frame)
            if op == HEARTBEAT:
                await conn.send({"op": HEARTBEAT_ACK, "s": None, "t": None, "d": None})
            elif op in (IDENTIFY, RESUME) and session is not None:
                await conn.ws.close(code=ALREADY_AUTHENTICATED, message=b"Already authenticated")
            elif op == IDENTIFY:
                session = await self._identify(conn, data)
            elif op == RESUME:
                session = await self._resume(conn, data)
            elif session is None:
                # Everything but heartbeats needs an identified session first.
                await conn.ws.close(code=NOT_AUTHENTICATED, message=b"Not authenticated")
            elif op == REQUEST_MEMBERS:
                await self._request_members(session, data)
            elif op not in (PRESENCE, VOICE_STATE):
                await conn.ws.close(code=UNKNOWN_OPCODE, message=b"Unknown opcode")
        if session is not None and session.conn is conn:
            session.conn = None
            if conn.ws.close_code in (1000, 1001):
                # A clean close from the client ends the session; it cannot be resumed.
                self.sessions.pop(session.id, None)

    async def _identify(self, conn: Connection, data: Any) -> Session | None:
        if not isinstance(data, dict) or data.get("token") != self.state.token:
            await conn.ws.close(code=AUTH_FAILED, message=b"Authentication failed")
            return None
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents >= 1 << 26:
            await conn.ws.close(code=INVALID_INTENTS, message=b"Invalid intent(s)")
            return None
        shard = _shard(data.get("shard", [0, 1]))
        if shard is None:
            # Discord refuses a shard that is not [id, count] with 0 <= id < count.
            await conn.ws.close(code=INVALID_SHARD, message=b"Invalid shard")
            return None
        self.identifies.append(data)
        if intents & Intents.PRIVILEGED & ~self.privileged_intents:
            # Privileged intents must be switched on for the app in the developer portal.
            await conn.ws.close(code=DISALLOWED_INTENTS, message=b"Disallowed intent(s)")
            return None
        session = Session(
            id=secrets.token_hex(16), intents=intents, identify=data, conn=conn, shard=shard
        )
        self.sessions[session.id] = session
        bot_guilds = [
            g
            for g in self.state.guilds.values()
            if self.state.bot.id in g.members and session.carries(g.id)
        ]
        ready = {
            "v": 10,
            "user": {**payloads.user(self.state.bot), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in bot_guilds],
            "session_id": session.id,
            "resume_gateway_url": self.url(),
            "application": {"id": str(self.state.app_id), "flags": self.application_flags()},
            "private_channels": [],
            "user_settings": {},
            "presences": [],
            "relationships": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        await session.dispatch("READY", ready)
        for g in bot_guilds:
            await self._send_guild(session, g.id)
        self.ready.set()
        return session

    def application_flags(self) -> int:
        """GATEWAY_*_LIMITED flags for the privileged intents enabled in the 'portal'."""
        flags = 0
        if self.privileged_intents & Intents.GUILD_PRESENCES:
            flags |= 1 << 13
        if self.privileged_intents & Intents.GUILD_MEMBERS:
            flags |= 1 << 15
        if self.privileged_intents & Intents.MESSAGE_CONTENT:
            flags |= 1 << 19
        return flags

    async def _send_guild(self, session: Session, guild_id: int, joined: bool = False) -> None:
        if not session.intents & Intents.GUILDS:
            return
        g = self.state.guilds[guild_id]
        # Without GUILD_MEMBERS Discord only includes the bot's own member.
        ids = list(g.members) if session.intents & Intents.GUILD_MEMBERS else [self.state.bot.id]
        await session.dispatch(
            "GUILD_CREATE", payloads.guild_create(g, self.state.users, ids, joined=joined)
        )

    async def _resume(self, conn: Connection, data: Any) -> Session | None:
        data = data if isinstance(data, dict) else {}
        if data.get("token") != self.state.token:
            await conn.ws.close(code=AUTH_FAILED, message=b"Authentication failed")
            return None
        session = self.sessions.get(str(data.get("session_id")))
        if session is None:
            # d=false: the session cannot be resumed; the client must IDENTIFY again.
            await conn.send({"op": INVALID_SESSION, "s": None, "t": None, "d": False})
            return None
        session.conn = conn
        since = data.get("seq") or 0
        for frame in session.backlog:
            if frame["s"] > since:
                await conn.send(frame)
        await session.dispatch("RESUMED", {})
        return session

    async def _request_members(self, session: Session, data: dict[str, Any]) -> None:
        g = self.state.guilds.get(int(data.get("guild_id", 0)))
        if g is None:
            return
        wanted = data.get("user_ids")
        if wanted is not None:
            wanted_ids = [int(u) for u in (wanted if isinstance(wanted, list) else [wanted])]
            ids = [i for i in wanted_ids if i in g.members]
        elif session.intents & Intents.GUILD_MEMBERS:
            query = (data.get("query") or "").lower()
            ids = [i for i in g.members if self.state.users[i].username.lower().startswith(query)]
            if data.get("limit"):
                ids = ids[: data["limit"]]
        else:
            ids = []  # listing members needs the GUILD_MEMBERS intent
        chunk: dict[str, Any] = {
            "guild_id": str(g.id),
            "members": [self.state.member_payload(g.id, i) for i in ids],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        intent: int | None,
        per_session: Callable[[Session], dict[str, Any]] | None = None,
    ) -> int:
        """Send an event to every session subscribed to `intent` whose shard carries its guild;
        return how many got it."""
        guild_id = _guild_of(event, data)
        sent = 0
        for session in list(self.sessions.values()):
            if not session.carries(guild_id):
                continue
            if intent is None or session.intents & intent:
                await session.dispatch(event, per_session(session) if per_session else data)
                sent += 1
        return sent

    async def send_guild_create(self, guild_id: int) -> None:
        """GUILD_CREATE for a guild the bot just joined, to every session."""
        for session in list(self.sessions.values()):
            if session.carries(guild_id):
                await self._send_guild(session, guild_id, joined=True)

    async def reconnect(self) -> None:
        """Op 7 RECONNECT: Discord asks clients to reconnect and RESUME."""
        for conn in list(self.connections):
            await conn.send({"op": RECONNECT, "s": None, "t": None, "d": None})

    async def close(self) -> None:
        """Close every socket with 1001 (going away)."""
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"Server shutting down")


def _shard(value: Any) -> tuple[int, int] | None:
    """IDENTIFY's shard as (id, count), or None if Discord would refuse it."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    shard_id, count = value
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        return None
    return (shard_id, count) if 0 <= shard_id < count else None


def _guild_of(event: str, data: dict[str, Any]) -> int | None:
    """The guild an event belongs to, which decides its shard; None for DMs."""
    if event.startswith("GUILD_") and "guild_id" not in data and "id" in data:
        return int(data["id"])  # GUILD_CREATE, GUILD_UPDATE, GUILD_DELETE carry it as id
    found = data.get("guild_id")
    return int(found) if found is not None else None
