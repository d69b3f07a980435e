"""SQLite statements cost one trip to aiosqlite's thread, with results and counts intact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import insert, select, text, update

from storage.db import Database
from storage.models import CommunityRow
from storage.sqlite_driver import OneHopCursor
from tests.conftest import START


@pytest.fixture
async def database(tmp_path: Path) -> Any:
    """A migrated SQLite file database."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}")
    await db.upgrade()
    yield db
    await db.close()


def count_trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every function aiosqlite runs in its thread, by name, from now on."""
    trips: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return trips


async def test_the_engine_uses_one_trip_cursors(database: Database) -> None:
    async with database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, aiosqlite.Connection)
        assert raw.dbapi_connection._cursor_cls is OneHopCursor  # type: ignore[union-attr]


async def test_a_statement_is_one_trip_and_keeps_rows_counts_and_ids(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with database.engine.begin() as connection:
        trips = count_trips(monkeypatch)
        made = await connection.execute(
            insert(CommunityRow).values(platform="t", external_id="A", name="A", created_at=START)
        )
        assert made.inserted_primary_key == (1,)  # from the cursor's lastrowid
        assert trips == ["steps"]

        rows = [{"platform": "t", "external_id": x, "name": x, "created_at": START} for x in "BC"]
        assert (await connection.execute(insert(CommunityRow), rows)).rowcount == 2
        renamed = await connection.execute(
            update(CommunityRow).where(CommunityRow.platform == "t").values(name="same")
        )
        assert renamed.rowcount == 3
        found = await connection.execute(select(CommunityRow.external_id).order_by("external_id"))
        assert found.scalars().all() == ["A", "B", "C"]
        assert trips == ["steps"] * 4


async def test_an_error_still_reaches_the_caller_as_sqlalchemys(database: Database) -> None:
    from sqlalchemy.exc import OperationalError

    async with database.engine.connect() as connection:
        with pytest.raises(OperationalError, match="no such table"):
            await connection.execute(text("SELECT * FROM nowhere"))
        assert (await connection.execute(text("SELECT 1"))).scalar() == 1  # still usable
