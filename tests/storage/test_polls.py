"""Poll queries: numbering, anonymous and named answers, the count's timing, closing, results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from storage import communities, members, polls
from storage.db import Database
from storage.models import PollOptionRow, PollRow
from tests.conftest import START

HOUR = timedelta(hours=1)


@dataclass
class Place:
    """A community with a few members, for storage tests."""

    db: Database
    community_id: int
    ids: dict[str, int]

    async def poll(
        self,
        *,
        anonymous: bool = True,
        weekly: str | None = None,
        closes_at: datetime | None = None,
    ) -> PollRow:
        """Open a poll with three options (and a written question, when anonymous)."""
        new = polls.NewPoll(
            question="How was it?",
            options=["Low", "Mid", "High"],
            channel="general",
            closes_at=closes_at or START + 72 * HOUR,
            anonymous=anonymous,
            open_question="More of?" if anonymous else None,
            period=weekly,
        )
        async with self.db.session() as session, session.begin():
            return await polls.open_poll(
                session, community_id=self.community_id, new=new, post="k1", now=START
            )


async def _place(db: Database, *names: str, external: str = "T1") -> Place:
    async with db.session() as session, session.begin():
        community = await communities.get_or_create(
            session, platform="test", external_id=external, name=external, now=START
        )
        assert community.id is not None
        ids = {}
        for name in names:
            row = await members.upsert(
                session, community_id=community.id, external_id=name, name=name
            )
            ids[name] = row.id or 0
    return Place(db, community.id, ids)


async def _votes(db: Database, poll: PollRow) -> list[int]:
    async with db.session() as session:
        return [o.votes for o in await polls.options_of(session, poll_id=poll.id or 0)]


async def test_numbers_count_per_community_and_options_start_at_nothing(db: Database) -> None:
    here, there = await _place(db), await _place(db, external="T2")
    first, second = await here.poll(), await here.poll()
    elsewhere = await there.poll()
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert await _votes(db, first) == [0, 0, 0]
    async with db.session() as session:
        found = await polls.by_number(session, community_id=here.community_id, number=2)
        assert found is not None and found.id == second.id
        assert (
            await polls.by_id(session, community_id=there.community_id, poll_id=first.id or 0)
            is None
        )


async def test_an_anonymous_choice_counts_once_and_keeps_no_choice_with_the_voter(
    db: Database,
) -> None:
    place = await _place(db, "ana", "bob")
    poll = await place.poll()
    async with db.session() as session, session.begin():
        for name, position in (("ana", 3), ("bob", 3), ("ana", 1)):
            await polls.choose_anonymously(
                session, poll_id=poll.id or 0, member_id=place.ids[name], position=position
            )
    assert await _votes(db, poll) == [0, 0, 2]  # ana's second press changed nothing
    async with db.engine.connect() as connection:
        voters = (await connection.execute(text("SELECT * FROM poll_voter"))).all()
        schema = ""
        if db.engine.dialect.name == "sqlite":  # Postgres has no WITHOUT ROWID tables
            found = text("SELECT sql FROM sqlite_master WHERE name='poll_voter'")
            schema = (await connection.execute(found)).scalar_one()
    assert sorted(voters) == sorted(
        [(poll.id, place.ids["ana"], "choice"), (poll.id, place.ids["bob"], "choice")]
    )
    if db.engine.dialect.name == "sqlite":
        assert "WITHOUT ROWID" in schema  # not even the physical order says who came first


async def test_written_answers_have_random_keys_and_no_author(db: Database) -> None:
    place = await _place(db, "ana", "bob", "cy")
    poll = await place.poll()
    async with db.session() as session, session.begin():
        for name in ("ana", "bob", "cy"):
            assert await polls.write_answer(
                session, poll_id=poll.id or 0, member_id=place.ids[name], text=f"from {name}"
            )
        again = await polls.write_answer(
            session, poll_id=poll.id or 0, member_id=place.ids["ana"], text="twice"
        )
        assert await polls.answered(session, poll=poll) == 3
        assert await polls.has_answered(
            session, poll_id=poll.id or 0, member_id=place.ids["bob"], part="text"
        )
    assert not again
    async with db.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT id, poll_id, text FROM poll_answer"))).all()
    assert sorted(r.text for r in rows) == ["from ana", "from bob", "from cy"]
    assert all(r.id > 3 for r in rows)  # random 63-bit keys, not 1, 2, 3 in arrival order
    async with db.session() as session:
        assert len(await polls.answers(session, poll_id=poll.id or 0)) == 3


async def test_a_named_choice_can_change_and_moves_the_counts(db: Database) -> None:
    place = await _place(db, "ana")
    poll = await place.poll(anonymous=False)
    ana = place.ids["ana"]
    async with db.session() as session, session.begin():
        assert (
            await polls.choose_openly(session, poll_id=poll.id or 0, member_id=ana, position=1)
            is None
        )
        assert (
            await polls.choose_openly(session, poll_id=poll.id or 0, member_id=ana, position=1) == 1
        )
        assert (
            await polls.choose_openly(session, poll_id=poll.id or 0, member_id=ana, position=2) == 1
        )
        assert await polls.answered(session, poll=poll) == 1
        chose = await polls.choosers(session, poll_id=poll.id or 0)
    assert await _votes(db, poll) == [0, 1, 0]
    assert chose == [polls.Chooser(2, "ana", False)]


@pytest.mark.parametrize(
    ("edited", "now", "due"),
    [
        (START, START + timedelta(seconds=5), START + timedelta(seconds=30)),
        (START, START + timedelta(seconds=95), START + timedelta(seconds=120)),
        (START, START + timedelta(seconds=120), START + timedelta(seconds=120)),
        (
            START + timedelta(seconds=50),
            START + timedelta(seconds=55),
            START + timedelta(seconds=80),
        ),
        (
            START + timedelta(seconds=50),
            START + timedelta(seconds=61),
            START + timedelta(seconds=90),
        ),
    ],
)
def test_the_count_is_due_30_s_after_the_last_edit_on_a_half_minute_grid(
    edited: datetime, now: datetime, due: datetime
) -> None:
    assert polls.count_due(edited_at=edited, now=now) == due


async def test_holding_a_poll_open_marks_its_count_due_and_refuses_a_closed_poll(
    db: Database,
) -> None:
    place = await _place(db)
    poll = await place.poll()
    later = START + timedelta(seconds=47)
    async with db.session() as session, session.begin():
        assert await polls.hold_open(session, poll=poll, now=later)
        assert await polls.hold_open(session, poll=poll, now=later + timedelta(seconds=40))
        assert not await polls.hold_open(session, poll=poll, now=START + 72 * HOUR)
    async with db.session() as session:
        assert await polls.next_count(session) == START + timedelta(seconds=60)  # the first one
        assert await polls.counts_due(session, community_id=place.community_id, now=later) == []
        due = await polls.counts_due(
            session, community_id=place.community_id, now=START + timedelta(seconds=60)
        )
    assert [p.id for p in due] == [poll.id]
    async with db.session() as session, session.begin():
        assert await polls.counted(session, poll=due[0], shown=4, now=START + HOUR)
        assert not await polls.counted(session, poll=due[0], shown=4, now=START + 2 * HOUR)
    async with db.session() as session:
        assert await polls.next_count(session) is None
        stored = await session.get(PollRow, poll.id)
        assert stored is not None and (stored.shown, stored.edited_at) == (4, START + HOUR)
        await session.close()
    async with db.session() as session, session.begin():
        assert await polls.close(session, poll=stored, now=START + HOUR)
        assert not await polls.close(session, poll=stored, now=START + 2 * HOUR)
        assert not await polls.hold_open(session, poll=stored, now=START + HOUR)


async def test_due_polls_close_in_order_and_the_next_close_is_known(db: Database) -> None:
    place = await _place(db)
    late = await place.poll(closes_at=START + 2 * HOUR)
    early = await place.poll(closes_at=START + HOUR)
    async with db.session() as session:
        assert await polls.next_close(session) == START + HOUR
        due = await polls.due_to_close(
            session, community_id=place.community_id, now=START + 3 * HOUR
        )
        waiting = await polls.open_with_text(session, community_id=place.community_id, now=START)
    assert [p.id for p in due] == [early.id, late.id]
    assert [p.number for p in waiting] == [2, 1]  # newest first


async def test_the_weekly_trend_averages_closed_weekly_polls_oldest_first(db: Database) -> None:
    place = await _place(db)
    weeks = [await place.poll(weekly=f"2026-11-{day:02}T15:00") for day in (2, 9, 16)]
    adhoc = await place.poll()
    async with db.session() as session, session.begin():
        for poll, votes in zip(
            [*weeks, adhoc], ([1, 0, 1], [0, 0, 2], [0, 0, 0], [5, 0, 0]), strict=True
        ):
            for position, count in enumerate(votes, start=1):
                option = await session.get(PollOptionRow, (poll.id, position))
                assert option is not None
                option.votes = count
            if poll is not weeks[1]:
                await polls.close(session, poll=poll, now=START)
        # The second week is still open, the third has no ratings: only the first counts.
        trend = await polls.weekly_trend(session, community_id=place.community_id, up_to=4)
    assert trend == [polls.WeekAverage(1, START, 2.0, 2)]


async def test_responses_wait_to_be_listed_once(db: Database) -> None:
    place = await _place(db, "mod")
    asked, weekly = await place.poll(), await place.poll(weekly="2026-11-09T15:00")
    async with db.session() as session, session.begin():
        first = await polls.respond(
            session, poll=asked, text="We did it", by_id=place.ids["mod"], now=START
        )
        waiting = await polls.unlisted(session, community_id=place.community_id)
        assert [(r.id, p.id) for r, p in waiting] == [(first.id, asked.id)]
        await polls.listed(session, responses=[r for r, _ in waiting], poll_id=weekly.id or 0)
    async with db.session() as session:
        assert await polls.unlisted(session, community_id=place.community_id) == []
        shown = await polls.listed_in(session, poll_id=weekly.id or 0)
        assert [r.text for r, _ in shown] == ["We did it"]
        assert [r.text for r in await polls.responses_to(session, poll_id=asked.id or 0)] == [
            "We did it"
        ]
