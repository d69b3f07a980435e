"""FakeSlack: the Web API, Socket Mode and response_urls on one localhost server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from .api import Hold, WebApi
from .api_files import UploadUrls
from .drivers import HttpDriver, SocketModeDriver
from .responses import ResponseUrls
from .socket_mode import SocketModeServer
from .workspace import Workspace

T = TypeVar("T")


class FakeSlack(Workspace):
    """A Slack workspace served on 127.0.0.1 for slack_sdk / slack-bolt to talk to.

    Close the app's Socket Mode handler before leaving `async with FakeSlack()`:
    slack_sdk reconnects when the server closes the socket first.
    """

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.web_api = WebApi(self)
        self.socket = SocketModeServer(self)
        self._response_urls = ResponseUrls(self)
        self._upload_urls = UploadUrls(self)
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()

    @property
    def api_url(self) -> str:
        """The base_url to give AsyncWebClient (slack_sdk appends the method name)."""
        return f"{self.url}/api/"

    async def start(self) -> FakeSlack:
        """Listen on a free localhost port."""
        app = web.Application(middlewares=[self._notify_change])
        app.router.add_route("*", "/api/{method}", self.web_api.handle)
        app.router.add_get("/link/", self.socket.handle)
        app.router.add_post("/response/{key}", self._response_urls.handle)
        app.router.add_post("/upload/v1/{key}", self._upload_urls.handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        """Close open websockets, then the server."""
        for hold in self.web_api.holds:
            hold.released.set()
        await self.socket.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 3.0) -> T:
        """Wait until predicate() is truthy, re-checking after every request the fake serves.

        Bolt runs listeners after acking, so their Web API calls can land after the ack.
        """
        async with self._changed:
            return await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    @web.middleware
    async def _notify_change(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Wake wait_for() callers once a request has been recorded."""
        try:
            return await handler(request)
        finally:
            async with self._changed:
                self._changed.notify_all()

    def inject_429(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next `times` calls to `method` with HTTP 429 + Retry-After."""
        self.fail_next(method, "ratelimited", status=429, retry_after=retry_after, count=times)

    def fail_next(
        self,
        method: str,
        error: str = "ratelimited",
        *,
        status: int = 429,
        retry_after: int | None = 1,
        count: int = 1,
    ) -> None:
        """Answer the next `count` calls to `method` with ok=false `error`, HTTP `status`."""
        self.web_api.fail_next(method, error, status=status, retry_after=retry_after, count=count)

    def hold(self, method: str, **args: Any) -> Hold:
        """Serve the next such call (Slack acts on it), but answer only once it is released."""
        hold = Hold(method, args)
        self.web_api.holds.append(hold)
        return hold

    def socket_driver(self, ack_timeout: float = 5.0) -> SocketModeDriver:
        """A driver that delivers over the app's Socket Mode connection."""
        return SocketModeDriver(self, self.socket, ack_timeout)

    def http_driver(
        self, app_url: str, signing_secret: str | None = None, ack_timeout: float = 5.0
    ) -> HttpDriver:
        """A driver that POSTs signed requests to the app's HTTP endpoint."""
        driver = HttpDriver(self, app_url, ack_timeout=ack_timeout)
        if signing_secret is not None:
            driver = driver.tampered(secret=signing_secret)
        return driver
