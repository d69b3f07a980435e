"""FakeDiscord: lifecycle, test-driver API and inspection helpers."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from . import interactions, payloads, routes_commands, routes_core, routes_interactions
from .failures import FailureRule
from .gateway import Gateway, Session
from .middleware import make_middleware
from .models import (
    DriverError,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    Intents,
    RecordedMessage,
    RecordedRequest,
    snowflake,
)
from .sent import SentInteraction
from .state import FakeState

UserLike = FakeUser | int | str


class FakeDiscord:
    """An in-process Discord API v10 + gateway for discord.py to talk to over localhost."""

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        bot_name: str = "copbot",
        interaction_timeout: float = 3.0,
        heartbeat_interval_ms: int = 41_250,
        privileged_intents: int = Intents.GUILD_MEMBERS,
    ) -> None:
        bot = FakeUser(id=snowflake(), username=bot_name, bot=True)
        owner = FakeUser(id=snowflake(), username="app-owner")
        # Bots' application id equals their user id.
        self.state = FakeState(token, bot.id, bot, owner)
        self.interaction_timeout = interaction_timeout
        self.privileged_intents = privileged_intents
        self.failures: list[FailureRule] = []
        self.gateway = Gateway(
            self.state, lambda: self.gateway_url, heartbeat_interval_ms, privileged_intents
        )
        self._port = 0
        self._runner: web.AppRunner | None = None
        self._changed: asyncio.Condition | None = None

    # -- lifecycle --------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL; set `discord.http.Route.BASE = f"{url}/api/v10"`."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def gateway_url(self) -> str:
        """Websocket URL; set `DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)`."""
        return f"ws://127.0.0.1:{self._port}/gateway"

    @property
    def token(self) -> str:
        """The bot token the fake accepts."""
        return self.state.token

    @property
    def bot(self) -> FakeUser:
        """The bot's user (its id is also the application id)."""
        return self.state.bot

    async def start(self) -> FakeDiscord:
        """Listen on a random free port on 127.0.0.1."""
        self._changed = asyncio.Condition()
        # Uploads may be larger than aiohttp's 1 MiB default; the routes apply Discord's limit.
        app = web.Application(middlewares=[make_middleware(self)], client_max_size=64 * 2**20)
        app.router.add_get("/gateway", self.gateway.handle)
        routes_core.add_routes(app, self)
        routes_commands.add_routes(app, self)
        routes_interactions.add_routes(app, self)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        """Close gateway sockets (1001) and stop the server; close the client first."""
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def notify(self) -> None:
        """Wake `wait_for_*` helpers after the fake's state changed."""
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()

    async def wait_until(self, check: Callable[[], Any], timeout: float = 2.0) -> Any:
        """Wait until `check()` returns something truthy (re-checked after each request)."""
        assert self._changed is not None, "start() the fake first"
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(check), timeout)
        return check()

    # -- setup (no gateway events, except where Discord would send one) -----

    def user(self, name: str, *, bot: bool = False) -> FakeUser:
        """Create a user account."""
        u = FakeUser(id=snowflake(), username=name, bot=bot)
        self.state.users[u.id] = u
        return u

    async def add_guild(
        self, name: str = "Test Guild", *, owner: UserLike | None = None, bot_permissions: int = 0
    ) -> FakeGuild:
        """Create a guild the bot is in, with a #general text channel."""
        owner_user = self.state.ensure_user(owner if owner is not None else f"{name}-owner")
        g = self.state.new_guild(name, owner_user, bot_permissions)
        self.state.new_channel(g.id, "general")
        return g

    async def add_member(
        self,
        guild_id: int,
        user: UserLike,
        roles: Iterable[int | FakeRole] = (),
        nick: str | None = None,
    ) -> FakeUser:
        """Put a user in a guild silently (setup); see `member_join` for the event."""
        u = self.state.ensure_user(user)
        g = self.state.guild(guild_id)
        role_ids = [r.id if isinstance(r, FakeRole) else int(r) for r in roles]
        if any(r not in g.roles or r == g.id for r in role_ids):
            raise DriverError(f"unknown role in {role_ids} for guild {guild_id}")
        g.members[u.id] = FakeMember(user_id=u.id, roles=role_ids, nick=nick)
        return u

    async def add_channel(self, guild_id: int, name: str, type: int = 0) -> FakeChannel:
        """Create a channel; connected bots get CHANNEL_CREATE."""
        c = self.state.new_channel(guild_id, name, type)
        await self.gateway.dispatch("CHANNEL_CREATE", payloads.channel(c), Intents.GUILDS)
        return c

    async def add_role(self, guild_id: int, name: str, permissions: int = 0) -> FakeRole:
        """Create a role; connected bots get GUILD_ROLE_CREATE."""
        g = self.state.guild(guild_id)
        r = FakeRole(id=snowflake(), name=name, permissions=permissions, position=len(g.roles))
        g.roles[r.id] = r
        data = {"guild_id": str(g.id), "role": payloads.role(r)}
        await self.gateway.dispatch("GUILD_ROLE_CREATE", data, Intents.GUILDS)
        return r

    def close_dms(self, user: UserLike) -> None:
        """Make the user refuse DMs from the bot (50007 on send)."""
        self.state.dms_closed.add(self.state.ensure_user(user).id)

    def fail_next(
        self,
        route_pattern: str,
        status: int = 500,
        times: int = 1,
        retry_after: float = 0.05,
        *,
        is_global: bool = False,
        cloudflare: bool = False,
    ) -> None:
        """Fail the next `times` requests like "POST /channels/*/messages": 429, 500, 502-504."""
        rule = FailureRule(route_pattern, times, status, retry_after, is_global, cloudflare)
        self.failures.append(rule)

    def inject_429(
        self,
        route_pattern: str,
        times: int = 1,
        retry_after: float = 0.05,
        *,
        is_global: bool = False,
    ) -> None:
        """Rate-limit the next `times` requests matching the pattern (see `fail_next`)."""
        self.fail_next(route_pattern, 429, times, retry_after, is_global=is_global)

    # -- gateway events ---------------------------------------------------

    async def wait_until_connected(self, timeout: float = 5.0) -> None:
        """Wait until a client has identified on the gateway."""
        await asyncio.wait_for(self.gateway.ready.wait(), timeout)

    async def member_join(
        self, guild_id: int, user: UserLike, roles: Iterable[int | FakeRole] = ()
    ) -> FakeUser:
        """A user joins: GUILD_MEMBER_ADD (needs the GUILD_MEMBERS intent)."""
        u = await self.add_member(guild_id, user, roles)
        data = {**self.state.member_payload(guild_id, u.id), "guild_id": str(guild_id)}
        await self.gateway.dispatch("GUILD_MEMBER_ADD", data, Intents.GUILD_MEMBERS)
        return u

    async def member_leave(self, guild_id: int, user: UserLike) -> None:
        """A user leaves: GUILD_MEMBER_REMOVE (needs the GUILD_MEMBERS intent)."""
        u = self.state.ensure_user(user)
        if self.state.guild(guild_id).members.pop(u.id, None) is None:
            raise DriverError(f"user {u.id} is not in guild {guild_id}")
        data = {"guild_id": str(guild_id), "user": payloads.user(u)}
        await self.gateway.dispatch("GUILD_MEMBER_REMOVE", data, Intents.GUILD_MEMBERS)

    async def message(
        self, guild_id: int, channel_id: int, author: UserLike, content: str = ""
    ) -> RecordedMessage:
        """A user posts: MESSAGE_CREATE; content is blanked without MESSAGE_CONTENT."""
        u = self.state.ensure_user(author)
        g = self.state.guild(guild_id)
        if u.id not in g.members or channel_id not in g.channels:
            raise DriverError("author must be a member and the channel must be in the guild")
        m = self.state.add_message(channel_id, {"content": content}, u.id, "user")
        data = self.state.message_payload(m)
        data["member"] = payloads.member(g.members[u.id], None)
        mentioned = {int(i) for i in re.findall(r"<@!?(\d+)>", content)}
        data["mentions"] = [
            payloads.user(self.state.users[i]) for i in mentioned if i in self.state.users
        ]

        def visible(session: Session) -> dict[str, Any]:
            # Without MESSAGE_CONTENT, content is only visible when the bot is mentioned.
            if session.intents & Intents.MESSAGE_CONTENT or self.bot.id in mentioned:
                return data
            return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

        await self.gateway.dispatch("MESSAGE_CREATE", data, Intents.GUILD_MESSAGES, visible)
        return m

    async def guild_join(
        self, name: str = "New Guild", *, owner: UserLike | None = None, bot_permissions: int = 0
    ) -> FakeGuild:
        """The bot is added to a new guild: GUILD_CREATE."""
        g = await self.add_guild(name, owner=owner, bot_permissions=bot_permissions)
        await self.gateway.send_guild_create(g.id)
        return g

    async def reconnect_gateway(self) -> None:
        """Send op 7 RECONNECT; discord.py reconnects and RESUMEs."""
        await self.gateway.reconnect()

    # -- interactions -----------------------------------------------------

    async def slash(
        self,
        guild_id: int,
        channel_id: int,
        user: UserLike,
        name: str,
        options: dict[str, Any] | None = None,
        resolved: dict[str, Any] | None = None,
    ) -> SentInteraction:
        """Invoke a registered slash command; `name` may be "cmd sub" or "cmd group sub"."""
        u = self.state.ensure_user(user)
        payload = interactions.base_payload(self.state, 2, guild_id, channel_id, u)
        payload["data"] = interactions.slash_data(
            self.state, guild_id, name, options or {}, resolved
        )
        return await self._dispatch_interaction(payload, u)

    async def click(
        self,
        guild_id: int | None,
        channel_id: int,
        user: UserLike,
        custom_id: str,
        message_id: int,
        values: list[str] | None = None,
    ) -> SentInteraction:
        """Click a button (or pick select `values`) on a message the bot sent."""
        u = self.state.ensure_user(user)
        payload = interactions.base_payload(self.state, 3, guild_id, channel_id, u)
        payload["data"], payload["message"] = interactions.click_data(
            self.state, message_id, custom_id, values
        )
        return await self._dispatch_interaction(payload, u, source_message_id=message_id)

    async def autocomplete(
        self, guild_id: int, channel_id: int, user: UserLike, name: str, option: str, typed: str
    ) -> SentInteraction:
        """Type into an autocomplete option of a registered command."""
        u = self.state.ensure_user(user)
        payload = interactions.base_payload(self.state, 4, guild_id, channel_id, u)
        payload["data"] = interactions.autocomplete_data(self.state, guild_id, name, option, typed)
        return await self._dispatch_interaction(payload, u)

    async def submit_modal(
        self,
        guild_id: int | None,
        channel_id: int,
        user: UserLike,
        custom_id: str,
        values: dict[str, Any],
    ) -> SentInteraction:
        """Submit the last modal with `custom_id` the bot showed this user (None: in a DM)."""
        # Text inputs take a string; selects their picks (a list; users as FakeUsers or ids).
        u = self.state.ensure_user(user)
        shown = [
            r
            for r in self.state.interactions.values()
            if r.user_id == u.id and r.modal and r.modal.get("custom_id") == custom_id
        ]
        if not shown:
            raise DriverError(f"the bot never showed modal {custom_id!r} to user {u.id}")
        payload = interactions.base_payload(self.state, 5, guild_id, channel_id, u)
        payload["data"] = interactions.modal_data(shown[-1].modal or {}, values)
        interactions.resolve_picked(self.state, guild_id, payload["data"])
        return await self._dispatch_interaction(payload, u)

    async def _dispatch_interaction(
        self, payload: dict[str, Any], user: FakeUser, source_message_id: int | None = None
    ) -> SentInteraction:
        record = interactions.record_for(payload, user)
        record.source_message_id = source_message_id
        record.callback = asyncio.get_running_loop().create_future()
        self.state.interactions[record.id] = record
        record.dispatched_at = time.monotonic()
        # Interactions reach the bot regardless of intents.
        if not await self.gateway.dispatch("INTERACTION_CREATE", payload, None):
            raise DriverError("no gateway session is connected")
        return SentInteraction(self, record)

    async def wait_for_callback(self, interaction_id: int, timeout: float = 2.0) -> dict[str, Any]:
        """The body of the bot's interaction callback (raises TimeoutError if none)."""
        future = self.state.interactions[interaction_id].callback
        return await asyncio.wait_for(asyncio.shield(future), timeout)

    # -- inspection -------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request, in order."""
        return self.state.requests

    @property
    def messages(self) -> list[RecordedMessage]:
        """Every message created (by the bot or by the driver), in order."""
        return list(self.state.messages.values())

    def messages_in(self, channel_id: int) -> list[RecordedMessage]:
        """Live messages in a channel, oldest first."""
        return self.state.messages_in(channel_id)

    def dm_messages(self, user: UserLike) -> list[RecordedMessage]:
        """Messages the bot delivered into its DM channel with `user`."""
        return self.state.dm_messages(self.state.ensure_user(user).id)

    def commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        """Registered commands: global when `guild_id` is None."""
        return list(self.state.commands.get(guild_id, []))

    @property
    def intents(self) -> int | None:
        """Intents of the most recent IDENTIFY, or None before any."""
        return self.gateway.identifies[-1]["intents"] if self.gateway.identifies else None

    async def wait_for_message(
        self, channel_id: int | None = None, *, count: int = 1, timeout: float = 2.0
    ) -> list[RecordedMessage]:
        """Wait until the bot has sent `count` messages (into `channel_id` if given)."""

        def found() -> list[RecordedMessage]:
            msgs = [
                m
                for m in self.state.messages.values()
                if m.author_id == self.bot.id and (channel_id is None or m.channel_id == channel_id)
            ]
            return msgs if len(msgs) >= count else []

        return await self.wait_until(found, timeout)
