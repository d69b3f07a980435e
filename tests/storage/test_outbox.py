"""Outbox queries: keys said once, what is due in order, outcomes written for any batch."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from sqlalchemy import event
from sqlmodel import col, select

from storage import outbox
from storage.db import Database
from storage.models import CommunityRow, OutboxRow
from tests.conftest import START

_handles = count(1)


async def community(db: Database, platform: str = "test") -> int:
    """A community on a platform; its id."""
    async with db.session() as session, session.begin():
        row = CommunityRow(platform=platform, external_id=platform, name=platform, created_at=START)
        session.add(row)
        await session.flush()
        assert row.id is not None
        return row.id


def row(community_id: int, *, key: str | None = None, **fields: object) -> OutboxRow:
    """A pending post due at START, unless told otherwise."""
    values: dict[str, object] = dict(
        kind="post", channel="news", handle=f"h{next(_handles)}", not_before=START
    )
    values.update(fields)
    return OutboxRow(
        community_id=community_id,
        key=key,
        body="{}",
        created_at=START,
        **values,  # type: ignore[arg-type]
    )


async def add(db: Database, *rows: OutboxRow) -> list[int]:
    """Queue rows in one transaction; the ids of those kept."""
    async with db.session() as session, session.begin():
        kept = await outbox.queue(session, rows=list(rows))
        return [r.id for r in kept if r.id is not None]


async def test_a_key_is_queued_once_within_a_batch_and_ever_after(db: Database) -> None:
    place = await community(db)
    first = await add(db, row(place, key="poll:W45"), row(place, key="poll:W45"), row(place))
    again = await add(db, row(place, key="poll:W45"), row(place, key="poll:W46"))

    assert len(first) == 2 and len(again) == 1
    async with db.session() as session:
        keys = (await session.exec(select(OutboxRow.key).order_by(col(OutboxRow.id)))).all()
    assert keys == ["poll:W45", None, "poll:W46"]


async def test_due_gives_replies_first_then_the_oldest_of_the_platforms_served(
    db: Database,
) -> None:
    here, elsewhere = await community(db), await community(db, "slack")
    ids = await add(
        db,
        row(here, kind="dm", unsolicited=True),
        row(here),
        row(here, not_before=START + timedelta(minutes=5)),  # not yet
        row(elsewhere),  # not this process's platform
        row(here, status=outbox.SENT),
        row(here, kind="dm", unsolicited=True),
        row(here),
    )
    async with db.session() as session:
        due = await outbox.due(session, now=START, limit=10, platforms=["test"])
        first = await outbox.due(session, now=START, limit=2, platforms=["test"])
        later = await outbox.next_due(session, platforms=["test"], after=START)
        soonest = await outbox.next_due(session, platforms=["test"])
        nothing = await outbox.next_due(session, platforms=["discord"])

    assert [r.id for r in due] == [ids[1], ids[6], ids[0], ids[5]]
    assert [r.id for r in first] == [ids[1], ids[6]]
    assert (later, soonest, nothing) == (START + timedelta(minutes=5), START, None)


async def test_record_writes_finished_and_retried_rows_and_spends_tries_only_on_attempts(
    db: Database,
) -> None:
    place = await community(db)
    sent, retried, waited, refused = await add(db, *(row(place) for _ in range(4)))
    later = START + timedelta(seconds=8)
    async with db.session() as session, session.begin():
        await outbox.record(
            session,
            now=START + timedelta(seconds=1),
            results=[
                outbox.Result(sent, outbox.SENT, ref="C1/42"),
                outbox.Result(retried, outbox.PENDING, outcome="429", not_before=later),
                outbox.Result(waited, outbox.PENDING, not_before=later, tried=False),
                outbox.Result(refused, outbox.REFUSED, outcome="DMs closed"),
            ],
        )
    async with db.session() as session:
        rows = (await session.exec(select(OutboxRow).order_by(col(OutboxRow.id)))).all()

    assert [(r.status, r.ref, r.outcome, r.attempts) for r in rows] == [
        ("sent", "C1/42", "", 1),
        ("pending", None, "429", 1),
        ("pending", None, "", 0),
        ("refused", None, "DMs closed", 1),
    ]
    assert [r.not_before for r in rows] == [START, later, later, START]
    assert [r.sent_at for r in rows] == [START + timedelta(seconds=1), None, None, rows[0].sent_at]


async def test_a_batch_of_thousands_is_written_without_thousands_of_parameters(
    db: Database,
) -> None:
    # SQLite as commonly built takes at most 32,766 parameters per statement, asyncpg 32,767:
    # 6,000 outcomes in one statement with a few parameters each passed both.
    size = 6_000
    place = await community(db)
    ids = await add(db, *(row(place, key=f"k{n}") for n in range(size)))
    widest = 0

    def note(conn: object, cursor: object, statement: str, params: object, *rest: object) -> None:
        nonlocal widest
        many = rest[-1]
        one = params[0] if many and params else params  # type: ignore[index]
        widest = max(widest, len(one or ()))  # type: ignore[arg-type]

    event.listen(db.engine.sync_engine, "before_cursor_execute", note)
    try:
        async with db.session() as session, session.begin():
            results = [outbox.Result(i, outbox.SENT, ref=f"C/{i}") for i in ids]
            await outbox.record(session, results=results, now=START)
            assert await outbox.pending_count(session) == 0
            keyed = [row(place, key=f"k{n}") for n in range(size)]
            assert await outbox.queue(session, rows=keyed) == []  # thousands of keys looked up
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", note)
    assert 0 < widest <= outbox.CHUNK


async def test_newest_edits_names_the_last_pending_edit_of_each_message(db: Database) -> None:
    place = await community(db)
    await add(db, row(place, handle="poll"), row(place, handle="tally"))
    old, new, other, done = await add(
        db,
        row(place, kind="edit", target="poll"),
        row(place, kind="edit", target="poll"),
        row(place, kind="edit", target="tally"),
        row(place, kind="edit", target="tally", status=outbox.SENT),
    )
    async with db.session() as session:
        newest = await outbox.newest_edits(session, targets=["poll", "tally", "gone"])
        targets = await outbox.by_handles(session, handles=["poll", "gone"])
        pending = await outbox.pending_count(session, community_id=place)

    assert newest == {"poll": new, "tally": other} and old < new and done > other
    assert list(targets) == ["poll"]
    assert pending == 5
