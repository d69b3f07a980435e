"""Anonymity at the storage layer: after anonymous votes, no row anywhere ties a member to an
answer, and no stored time is the moment anyone answered."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from bot.clock import ManualClock
from bot.dispatch import Actor
from bot.runtime import Runtime, build_runtime
from config.settings import Settings
from storage.models import MemberRow, PollOptionRow, PollVoterRow
from tests.cogs.polling import MOD, WEEKLY_AT, Polling, Referenced, polling_on
from tests.conftest import PLACE, START

VOTERS = {"ana": "5 ·", "bob": "2 ·", "cy": "4 ·", "dee": "2 ·"}
WRITTEN = {"ana": "ana wants more demos", "bob": "Friday pizza", "cy": "a reading group"}


@pytest.fixture
async def polling(runtime: Runtime, clock: ManualClock) -> Polling:
    """The community, seen at START; jobs deliver to the test transport."""
    return await polling_on(runtime, clock)


async def _every_row(runtime: Runtime) -> list[tuple[str, dict[str, Any]]]:
    """Every row of every table, as (table, column → value)."""
    found = []
    async with runtime.db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in (await connection.execute(select(table))).mappings():
                found.append((table.name, dict(row)))
    return found


def _member_columns(table_name: str) -> set[str]:
    table = SQLModel.metadata.tables[table_name]
    columns = {
        c.name
        for c in table.columns
        if any(f.column.table.name == "member" for f in c.foreign_keys)
    }
    return columns | ({"id"} if table_name == "member" else set())


async def test_no_row_ties_a_member_to_what_they_chose_or_wrote(polling: Polling) -> None:
    for name in VOTERS:
        await polling.run(name, "/ping")  # seen before: their last activity is START
    await polling.at(WEEKLY_AT + timedelta(seconds=1))
    moments: list[datetime] = []
    for minutes, name in enumerate(VOTERS, start=3):
        await polling.at(WEEKLY_AT + timedelta(minutes=minutes, seconds=7))  # off the grid
        moments.append(polling.clock.now())
        assert (await polling.press(name, VOTERS[name])).ok
        if name in WRITTEN:
            assert (await polling.write(name, WRITTEN[name])).ok
    await polling.at(WEEKLY_AT + timedelta(days=3))
    await polling.runtime.activity.flush()

    rows = await _every_row(polling.runtime)
    members = {r["id"]: r for table, r in rows if table == "member"}
    people = {m["id"] for m in members.values() if m["name"] in VOTERS}
    marks = {
        str(m[key])
        for m in members.values()
        if m["id"] in people
        for key in ("name", "external_id")
    }
    secrets = [*WRITTEN.values(), *(label for label in VOTERS.values())]
    for table, row in rows:
        refers = {row[c] for c in _member_columns(table)} & people
        texts = [str(v) for v in row.values() if isinstance(v, str)]
        # A member is named by a column holding their id, name or platform id, or a mention.
        mentions = [f"\ue000{mark}\ue001" for mark in marks]
        named = refers or marks & set(texts) or any(m in t for m in mentions for t in texts)
        told = [s for s in secrets if any(s in text for text in texts)]
        assert not (named and told), f"{table} ties a member to {told}: {row}"
        if table == "poll_voter":
            assert set(row) == {"poll_id", "member_id", "part"}  # no choice, no time
        for value in row.values():
            assert value not in moments, f"{table} keeps the moment of an answer: {row}"
    for member in members.values():
        if member["id"] in people:
            assert member["last_active_at"] == START  # answering is not activity
    # Only what ana typed herself says it is hers: "ana wants more demos" is stored as written.
    assert [r for t, r in rows if t == "poll_answer" and r["text"].startswith("ana ")] != []


async def test_a_thousand_presses_at_once_are_each_counted_exactly_once(
    file_database_url: str,
) -> None:
    # A file database: concurrent presses each get their own connection, as in production.
    clock = ManualClock(START, frozen=True)
    settings = Settings(database_url=file_database_url)
    runtime = await build_runtime(settings, clock=clock)
    sent = Referenced()
    runtime.dispatcher.transports[PLACE.platform] = lambda place: sent
    dispatcher = runtime.dispatcher
    try:
        await dispatcher.run_line(
            PLACE, Actor("mod", "mod", MOD), '/poll ask Q? options="A; B"', sent
        )
        button = sent.polls()[-1].reply.buttons
        people = [Actor(f"m{n:04}", f"m{n:04}") for n in range(1000)]

        async def press(actor: Actor, n: int) -> bool:
            outcome = await dispatcher.press(PLACE, actor, button[n % 2].custom_id, Referenced())
            return outcome.ok

        first = await asyncio.gather(*(press(a, n) for n, a in enumerate(people)))
        again = await asyncio.gather(*(press(a, n + 1) for n, a in enumerate(people[:100])))
        assert all(first) and not any(again)
        async with runtime.db.session() as session:
            votes = (await session.exec(select(PollOptionRow.votes))).all()  # type: ignore[call-overload]
            voters = (await session.exec(select(func.count()).select_from(PollVoterRow))).one()  # type: ignore[call-overload]
            seen = (await session.exec(select(func.count()).select_from(MemberRow))).one()  # type: ignore[call-overload]
        assert [v for (v,) in votes] == [500, 500] and voters[0] == 1000 and seen[0] == 1001
        await runtime.scheduler.advance(clock, START + timedelta(seconds=29))
        assert sent.edits() == []
        await runtime.scheduler.advance(clock, START + timedelta(minutes=5))
        assert len(sent.edits()) == 1 and "1000 answered" in sent.edits()[0].reply.text
    finally:
        await runtime.close()
