"""SQLite through aiosqlite with one thread hop per statement instead of three or four."""

from __future__ import annotations

import collections
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util import EMPTY_DICT

DRIVERNAME = "sqlite+copbot_aiosqlite"

# SQLAlchemy's aiosqlite cursor awaits aiosqlite for each cursor step: open, execute, fetch and
# close are four trips to the connection's thread and back, and a command's dozen statements
# spent more time handing over than in SQLite. Here a statement's steps run together in that
# thread (aiosqlite's own queue, so its ordering holds) and the cursor keeps what they left.
_Outcome = tuple[Sequence[Any], Any, int, int | None]


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose execute runs, fetches and closes in one trip to the SQLite thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]  # made and closed inside each trip
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        """The last statement's columns, as sqlite3 described them."""
        return self._description

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed."""
        return self._rowcount

    @property
    def lastrowid(self) -> int:  # type: ignore[override]
        """The rowid the last INSERT made."""
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        """Rows per fetchmany, as DB-API's default."""
        return 1

    async def _async_soft_close(self) -> None:
        return None  # nothing stays open between trips

    def close(self) -> None:
        """Forget the fetched rows; the SQLite cursor closed in its thread already."""
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await self._trip(operation, seq_of_parameters, many=True)

    async def _trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        raw = self._connection._conn

        def steps() -> _Outcome:
            cursor = raw.cursor()
            try:
                if many:
                    cursor.executemany(operation, parameters)
                elif parameters is None:
                    cursor.execute(operation)
                else:
                    cursor.execute(operation, parameters)
                rows = cursor.fetchall() if cursor.description else ()
                return rows, cursor.description, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        async with self._adapt_connection._execute_mutex:
            outcome = await self._connection._execute(steps)
        rows, self._description, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """aiosqlite's adapted connection, handing out one-trip cursors."""

    __slots__ = ()
    _cursor_cls = OneHopCursor


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The aiosqlite DB-API module, connecting with one-trip cursors."""

    def connect(self, *args: Any, **kwargs: Any) -> OneHopConnection:
        """Connect as SQLAlchemy's adapter does, then hand out this module's cursors."""
        adapted = super().connect(*args, **kwargs)
        return OneHopConnection(self, adapted._connection)


class OneHopDialect(SQLiteDialect_aiosqlite):
    """SQLite over aiosqlite, one trip to its thread per statement."""

    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> OneHopDBAPI:  # type: ignore[override]
        """aiosqlite and sqlite3, as the stock dialect imports them."""
        return OneHopDBAPI(__import__("aiosqlite"), __import__("sqlite3"))


registry.register("sqlite.copbot_aiosqlite", __name__, "OneHopDialect")
