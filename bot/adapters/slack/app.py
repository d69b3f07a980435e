"""The Slack front-end: a slack-bolt AsyncApp over Socket Mode or signed HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import ClientSession, TCPConnector, web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError

from bot import heap, render
from bot.adapters.slack import blocks
from bot.adapters.slack.clients import web_client
from bot.adapters.slack.deliveries import Deliveries
from bot.adapters.slack.directory import Channels, People
from bot.adapters.slack.home import publish_home
from bot.adapters.slack.incoming import command_line
from bot.adapters.slack.transport import Interaction, SlackTransport
from bot.dispatch import Outcome, Place
from bot.runtime import Runtime
from config.errors import ConfigError

log = logging.getLogger(__name__)

PLATFORM = "slack"
EVENTS_PATH = "/slack/events"
# Slack waits 3 s for a modal submission's ack; past ~2 s we close it and answer by message.
SUBMIT_DEADLINE = 2.0
CLOSE_GRACE = 5.0  # seconds in-flight work gets to finish when the front-end stops
# Work after the ack runs at most this many at once, so a burst of commands can't starve the
# event loop of the acks Slack is waiting for (they must all land within 3 s).
WORKERS = 2
# Message subtypes a member wrote; edits, joins, deletions and bot posts are not activity.
ACTIVE_SUBTYPES = {None, "thread_broadcast", "file_share"}

Body = dict[str, Any]


class SlackFrontEnd:
    """Serves one Slack app until close(): Socket Mode with an app token, else HTTP."""

    def __init__(self, runtime: Runtime, *, host: str = "0.0.0.0", port: int | None = None):
        settings = runtime.settings
        if settings.slack_bot_token is None:
            raise ConfigError("SLACK_BOT_TOKEN is not set, so there is no Slack app to serve.")
        self.socket_mode = settings.slack_app_token is not None
        secret = settings.slack_signing_secret
        if not self.socket_mode and not secret:
            raise ConfigError(
                "Slack runs in HTTP mode (SLACK_BOT_TOKEN is set, SLACK_APP_TOKEN is not), which "
                "needs SLACK_SIGNING_SECRET to check that requests come from Slack. Copy the "
                "Signing Secret from the app's Basic Information page into SLACK_SIGNING_SECRET, "
                "or set SLACK_APP_TOKEN to use Socket Mode instead."
            )
        self.runtime = runtime
        self.dispatcher = runtime.dispatcher
        self.host, self.port = host, settings.slack_port if port is None else port
        self.client = web_client(
            settings.slack_bot_token.get_secret_value(), settings.slack_api_url
        )
        self.people = People(self.client, runtime.clock)
        self.channels = Channels(self.client, runtime.clock)
        self.seen = Deliveries(runtime.db, runtime.clock)
        self.top_level = {path[0] for path in runtime.registry.commands}
        self.bot_user_id = ""
        self.team_names: dict[str, str] = {}
        self.url = ""  # HTTP mode: where Slack should send requests, once started
        self._app_token = settings.slack_app_token
        self._busy: set[asyncio.Task[Any]] = set()
        self._workers = asyncio.Semaphore(WORKERS)
        self._handler: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self.app = AsyncApp(
            name="copbot",
            client=self.client,
            # Explicit values, so bolt reads nothing from the environment (DESIGN rule 7).
            signing_secret=secret.get_secret_value() if secret else "",
            # Socket Mode frames come over a websocket the app opened: nothing to sign.
            request_verification_enabled=not self.socket_mode,
        )
        self._register()
        # Scheduled jobs post through the Web API with no request to answer.
        runtime.dispatcher.transports[PLATFORM] = lambda place: self._transport(Interaction(""))

    def _register(self) -> None:
        app = self.app
        app.command(re.compile(r"^/"))(self._on_command)
        app.action(re.compile(r"^cb:"))(self._on_action)
        app.view(re.compile(r".*"))(self._on_submit)
        app.event("team_join")(self._on_team_join)
        app.event("app_home_opened")(self._on_home_opened)
        app.event("member_joined_channel")(self._on_member_joined_channel)
        app.event("message")(self._on_message)

    async def start(self) -> None:
        """Check the token, then connect (Socket Mode) or listen (HTTP)."""
        # One pooled session for every Web API call and response_url post.
        self.client.session = ClientSession(connector=TCPConnector(limit=50))
        try:
            auth = await self.client.auth_test()
        except SlackApiError as error:
            raise ConfigError(
                f"Slack refused SLACK_BOT_TOKEN ({error.response.get('error')}). Copy the Bot "
                "User OAuth Token (xoxb-…) from the app's OAuth & Permissions page."
            ) from None
        self.bot_user_id = auth["user_id"]
        self.team_names[auth["team_id"]] = auth.get("team") or auth["team_id"]
        # Known from the start, as Discord's guilds are on connecting: a fresh install's
        # weekly poll and other jobs must not wait for someone to speak first.
        await self.dispatcher.community(self._place(auth["team_id"], None))
        heap.freeze_start_up()  # before requests can arrive: the collection takes a moment
        if self._app_token is not None:
            self._handler = AsyncSocketModeHandler(self.app, self._app_token.get_secret_value())
            await self._handler.connect_async()
            log.info("Slack: connected over Socket Mode as %s", auth.get("user"))
            return
        served = self.app.web_app(path=EVENTS_PATH, port=self.port)
        served.middlewares.append(_refuse_odd_timestamps)
        self._runner = web.AppRunner(served, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}{EVENTS_PATH}"
        log.info("Slack: listening on %s", self.url)

    async def close(self) -> None:
        """Stop taking requests, let in-flight work finish briefly, then cancel the rest."""
        if self._handler is not None:
            await self._handler.close_async()
            self._handler = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._busy:
            _, pending = await asyncio.wait(set(self._busy), timeout=CLOSE_GRACE)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self.client.session is not None:
            await self.client.session.close()
            self.client.session = None

    async def idle(self) -> None:
        """Wait until no request is being worked on (tests and the bench use it)."""
        while self._busy:
            await asyncio.wait(set(self._busy))

    # -- requests --------------------------------------------------------------------------

    async def _on_command(self, ack: AsyncAck, command: Body) -> None:
        await ack()  # first, always: Slack shows the member an error after 3 s
        async with self._tracked():
            line = command_line(command["command"], command.get("text", ""), self.top_level)
            place = self._place(command["team_id"], command.get("channel_id"))
            actor = await self.people.actor(command["user_id"], command.get("user_name", ""))
            interaction = Interaction(
                command["user_id"], command.get("trigger_id"), command.get("response_url")
            )
            await self.dispatcher.run_line(place, actor, line, self._transport(interaction))

    async def _on_action(self, ack: AsyncAck, body: Body, action: Body) -> None:
        await ack()
        async with self._tracked():
            user = body["user"]
            container = body.get("container") or {}
            channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
            place = self._place(_team_of(body), channel)
            actor = await self.people.actor(user["id"], user.get("name", ""))
            interaction = Interaction(
                user["id"], body.get("trigger_id"), body.get("response_url"), pressed=True
            )
            custom_id = action.get("value") or action["action_id"]
            await self.dispatcher.press(place, actor, custom_id, self._transport(interaction))

    async def _on_submit(self, ack: AsyncAck, body: Body, view: Body) -> None:
        # The one request answered after the work (only its ack can put an error beside a field);
        # it skips the worker queue, as the ack waits on it.
        async with self._tracked(urgent=True):
            user = body["user"]
            transport = self._transport(Interaction(user["id"]), holding=True)
            work = asyncio.ensure_future(self._submit(body, view, transport))
            done, _ = await asyncio.wait({work}, timeout=SUBMIT_DEADLINE)
            inputs = blocks.input_ids(view)
            if work in done and inputs:
                outcome = work.result()
                if not outcome.ok and outcome.error is not None:
                    field = outcome.error.field
                    block = field if field in inputs else inputs[0]
                    message = render.clip(render.to_plain(outcome.error.message), 300)
                    await ack(response_action="errors", errors={block: message})
                    return  # the member fixes it in the open modal; no message too
            await ack()
            await transport.release()
            await work

    async def _submit(self, body: Body, view: Body, transport: SlackTransport) -> Outcome:
        user = body["user"]
        place = self._place(_team_of(body), _metadata(view).get("channel"))
        actor = await self.people.actor(user["id"], user.get("name", ""))
        hidden = _metadata(view).get("hidden")
        carried = {str(k): str(v) for k, v in hidden.items()} if isinstance(hidden, dict) else {}
        # What the form carried, where nothing was typed under that name (as Form.returned).
        values = {**carried, **blocks.submitted_values(view)}
        return await self.dispatcher.submit_form(
            place, actor, view["callback_id"], values, transport
        )

    # -- events (bolt acks them before the listener runs) ---------------------------------

    async def _on_team_join(self, body: Body, event: Body) -> None:
        user = event["user"]
        if user.get("is_bot"):
            return
        async with self._tracked():
            if not await self.seen.first_time(body.get("event_id")):
                return
            actor = self.people.remember(user)
            place = self._place(user.get("team_id") or _team_of(body), None)
            transport = self._transport(Interaction(actor.external_id))
            await self.dispatcher.emit(place, actor, "member_joined", transport)

    async def _on_home_opened(self, body: Body, event: Body) -> None:
        # The event also fires for the Messages tab, which copbot leaves alone.
        if event.get("tab", "home") != "home":
            return
        async with self._tracked():
            if not await self.seen.first_time(body.get("event_id")):
                return
            actor = await self.people.actor(event["user"])
            place = self._place(_team_of(body), None)
            await publish_home(self.client, self.dispatcher, place, actor)

    async def _on_member_joined_channel(self, body: Body, event: Body) -> None:
        async with self._tracked():
            if not await self.seen.first_time(body.get("event_id")):
                return
            if event["user"] == self.bot_user_id:
                self.channels.forget()  # a channel the bot can now post in
                return
            await self._note_activity(body, event["user"], event.get("channel"))

    async def _on_message(self, body: Body, event: Body) -> None:
        if event.get("bot_id") or event.get("subtype") not in ACTIVE_SUBTYPES:
            return
        if not event.get("user"):
            return
        async with self._tracked():
            if await self.seen.first_time(body.get("event_id")):
                await self._note_activity(body, event["user"], event.get("channel"))

    async def _note_activity(self, body: Body, user_id: str, channel: str | None) -> None:
        actor = await self.people.actor(user_id)
        await self.dispatcher.note_message(self._place(_team_of(body), channel), actor)

    # -- helpers ---------------------------------------------------------------------------

    def _place(self, team_id: str, channel: str | None) -> Place:
        return Place(PLATFORM, team_id, self.team_names.get(team_id, team_id), channel)

    def _transport(self, interaction: Interaction, *, holding: bool = False) -> SlackTransport:
        return SlackTransport(self.client, self.channels, interaction, holding=holding)

    @contextlib.asynccontextmanager
    async def _tracked(self, *, urgent: bool = False) -> AsyncIterator[None]:
        """Count the current listener as in flight (close() waits for it); wait for a worker."""
        task = asyncio.current_task()
        assert task is not None
        self._busy.add(task)
        try:
            if urgent:
                yield
            else:
                async with self._workers:
                    yield
        finally:
            self._busy.discard(task)


@web.middleware
async def _refuse_odd_timestamps(request: web.Request, handler: Any) -> web.StreamResponse:
    """Refuse a request whose signing timestamp is not a number, as an unsigned one."""
    # slack_sdk's verifier calls int() on it and raises, so bolt would answer 500 and log a
    # traceback for any forger; Slack itself always sends digits.
    stamp = request.headers.get("X-Slack-Request-Timestamp")
    if stamp is not None and not (stamp.isascii() and stamp.isdigit()):
        return web.json_response({"error": "invalid request"}, status=401)
    return await handler(request)


def _team_of(body: Body) -> str:
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    return team or (body.get("user") or {}).get("team_id", "")


def _metadata(view: Body) -> dict[str, Any]:
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) else {}
