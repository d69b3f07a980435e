"""Storage forensics on anonymous answers: a voter's mark and their answer can't be paired up by
the order rows lie in (a dump's order) or, on Postgres, by the transaction that wrote them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.clock import ManualClock
from bot.runtime import Runtime
from tests.cogs.polling import WEEKLY_AT, Polling, polling_on

LABELS = ("5 ·", "2 ·", "4 ·", "1 ·")
# Eight answers: the chance that their stored order is the order they came in is 1 in 40,320.
PEOPLE = [f"m{n}" for n in range(8)]


@pytest.fixture
async def polling(runtime: Runtime, clock: ManualClock) -> Polling:
    """Everyone answered the weekly check-in, one after the other, choice and words."""
    polling = await polling_on(runtime, clock)
    for name in PEOPLE:
        await polling.run(name, "/ping")
    await polling.at(WEEKLY_AT + timedelta(seconds=1))
    for n, name in enumerate(PEOPLE):
        assert (await polling.press(name, LABELS[n % len(LABELS)])).ok
        assert (await polling.write(name, f"answer {n}")).ok
    return polling


async def _query(polling: Polling, sql: str) -> list[tuple[object, ...]]:
    async with polling.runtime.db.engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(text(sql))).all()]


def _physical(polling: Polling) -> str:
    """How a table's rows are read back in the order they lie on disk."""
    return "ctid" if polling.runtime.db.engine.dialect.name == "postgresql" else "rowid"


async def test_the_order_rows_lie_in_pairs_no_voter_with_an_answer(polling: Polling) -> None:
    order = _physical(polling)
    voters = await _query(
        polling,
        "SELECT m.name FROM poll_voter v JOIN member m ON m.id = v.member_id "
        "WHERE v.part = 'text'"
        + (" ORDER BY v.ctid" if order == "ctid" else ""),  # WITHOUT ROWID: its key's order
    )
    answers = await _query(polling, f"SELECT text FROM poll_answer ORDER BY {order}")
    assert len(voters) == len(answers) == len(PEOPLE)
    # The guess: the k-th voter on disk wrote the k-th answer on disk.
    guessed = {name: answer for (name,), (answer,) in zip(voters, answers, strict=True)}
    truth = {name: f"answer {n}" for n, name in enumerate(PEOPLE)}
    assert guessed != truth
    assert [a for (a,) in answers] != [truth[name] for name in PEOPLE]


# Postgres only: SQLite keeps no writing transaction on a row.
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_no_voters_transaction_is_on_one_answer_or_one_option(polling: Polling) -> None:
    voters = await _query(polling, "SELECT xmin::text, part FROM poll_voter")
    answers = await _query(polling, "SELECT xmin::text FROM poll_answer")
    options = await _query(polling, "SELECT xmin::text FROM poll_option")
    for xmin, part in voters:
        rows = answers if part == "text" else options
        same = [row for row in rows if row[0] == xmin]
        # None of them, or all of them (the last voter's): never the one that was theirs.
        assert len(same) in (0, len(rows)), (part, xmin, same, rows)
