"""/impact: periods, refusals, the DM with its two files, every cog's section, and verify."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.clock import ManualClock
from bot.commands import Level
from bot.reply import ToMember
from bot.runtime import Runtime
from cogs.impact import periods
from storage.models import (
    ActiveDayRow,
    BadgeAwardRow,
    IssuedReportRow,
    MatchGroupRow,
    MatchRoundRow,
    MatchSeatRow,
    MemberRow,
    NeedRow,
)
from tests.conftest import PLACE, START, Driver


@pytest.fixture
async def people(driver: Driver, runtime: Runtime) -> Driver:
    """ana, ben and cy have been seen; ben thanked ana; ana holds a badge, helped, matched."""
    for name in ("ana", "ben", "cy"):
        await driver.run(name, "/ping")
    await driver.run("ben", "/kudos @ana for the grant review @everyone <b>")
    async with runtime.db.session() as session:
        ids = {row.name: row.id for row in (await session.exec(select(MemberRow))).all()}
        ana, ben = ids["ana"], ids["ben"]
        at = START - timedelta(days=40)
        session.add(BadgeAwardRow(community_id=1, member_id=ana, badge="helper", awarded_at=at))
        session.add(
            NeedRow(
                community_id=1,
                number=1,
                kind="need",
                member_id=ben,
                what="a grant <script>",
                tags="grants",
                status="met",
                created_at=at,
                closed_at=at,
                helper_id=ana,
                renewed_at=at,
            )
        )
        session.add(
            MatchRoundRow(
                id=1,
                community_id=1,
                number=3,
                period="p",
                started_at=at,
                pool=2,
                follow_up_at=at,
            )
        )
        await session.flush()  # no relationships: the round must be in before its group
        session.add(MatchGroupRow(id=1, round_id=1, position=0, community_id=1, score=1, why="[]"))
        await session.flush()
        session.add(MatchSeatRow(group_id=1, member_id=ana, answer="met", came_of_it="made"))
        for day in (date(2026, 9, 1), date(2026, 9, 2), date(2026, 10, 5)):
            session.add(ActiveDayRow(community_id=1, member_id=ana, day=day))
        await session.commit()
    driver.transport.clear()
    return driver


def report_dm(driver: Driver) -> ToMember:
    [dm] = [item for item in driver.transport.sent if isinstance(item, ToMember)]
    return dm


def code_in(driver: Driver) -> str:
    text = report_dm(driver).reply.text
    return text.split("Verification code: ")[1].split(".")[0]


async def test_the_report_is_dmed_with_every_section_and_two_files(people: Driver) -> None:
    assert (await people.run("ana", "/impact")).ok
    dm = report_dm(people)
    text = dm.reply.text
    assert dm.member.name == "ana" and dm.reply.buttons == ()  # asked for: no way-out buttons
    assert "**Impact report for ana**" in text and "the last 12 months" in text
    for section in ("Kudos received", "Badges", "Needs helped meet", "Matches that led"):
        assert section in text
    assert "1 kudos received." in text and "(from ben)" in text
    assert "Round 3" in text and "you made something" in text
    assert "**Active months**" in text and "2026-09: 2 active days" in text
    assert "@everyone" not in text.replace("@\u200beveryone", "")
    md, html = dm.reply.files
    assert (md.filename, html.filename) == (
        "impact-ana-2026-11-02.md",
        "impact-ana-2026-11-02.html",
    )
    assert md.mime == "text/markdown" and html.mime == "text/html"
    assert b"<script>" not in html.data and b"&lt;script&gt;" in html.data
    assert (
        b"## Needs helped meet" in md.data
        and code_in(people).replace("-", "\\-").encode() in md.data
    )
    assert "in your DMs" in people.transport.answer()


@pytest.mark.parametrize(
    ("typed", "since", "until"),
    [
        ("6m", "2026-05-02", "2026-11-03"),
        ("30d", "2026-10-03", "2026-11-03"),
        ("2026", "2026-01-01", "2027-01-01"),
        ("2026-01..2026-06", "2026-01-01", "2026-07-01"),
        ("2025-11..2025-12", "2025-11-01", "2026-01-01"),
    ],
)
def test_periods_read_as_said(typed: str, since: str, until: str) -> None:
    period = periods.parse(typed, now=START, zone=START.tzinfo)  # type: ignore[arg-type]
    assert (f"{period.since:%Y-%m-%d}", f"{period.until:%Y-%m-%d}") == (since, until)


async def test_bad_periods_are_refused_naming_the_forms(people: Driver) -> None:
    for bad in ("soon", "0m", "2026-13..2026-14", "2026-06..2026-01", "99999d", "12x"):
        outcome = await people.run("ana", f"/impact {bad}")
        assert not outcome.ok
        assert "`12m`" in str(outcome.error) and "`2026-01..2026-06`" in str(outcome.error)
    assert not [item for item in people.transport.sent if isinstance(item, ToMember)]


async def test_a_period_without_anything_in_it_says_so_in_the_summary(
    people: Driver, runtime: Runtime
) -> None:
    assert (await people.run("ana", "/impact 2024")).ok
    async with runtime.db.session() as session:
        [row] = (await session.exec(select(IssuedReportRow))).all()
    assert row.summary == "2024; nothing recorded yet"


async def test_the_printed_code_verifies_and_an_altered_one_does_not(people: Driver) -> None:
    await people.run("ana", "/impact")
    code = code_in(people)
    await people.run("cy", f"/impact verify {code}")
    answer = people.transport.answer()
    assert answer.startswith("✅ Genuine: an impact report for **ana**, issued 2026-11-02")
    assert "Kudos received: 1 kudos received." in answer
    await people.run("cy", f"/impact verify {code.replace('-', '').lower()}")
    assert people.transport.answer().startswith("✅ Genuine")
    flipped = ("B" if code[0] != "B" else "C") + code[1:]
    for forged in (flipped, "AAAA-BBBB-CCCC-DDDD", "short", code + "X"):
        outcome = await people.run("cy", f"/impact verify {forged}")
        assert outcome.ok and people.transport.answer().startswith("This code isn't genuine")


async def test_a_row_altered_in_the_database_no_longer_verifies(
    people: Driver, runtime: Runtime
) -> None:
    await people.run("ana", "/impact")
    code = code_in(people)
    async with runtime.db.session() as session:
        [row] = (await session.exec(select(IssuedReportRow))).all()
        row.summary = "the last 12 months; Kudos received: 900 kudos received."
        await session.commit()
    await people.run("cy", f"/impact verify {code}")
    assert people.transport.answer().startswith("This code isn't genuine")


async def test_another_communitys_code_is_not_genuine_here(
    people: Driver, runtime: Runtime, clock: ManualClock
) -> None:
    await people.run("ana", "/impact")
    code = code_in(people)
    other = PLACE.__class__("test", "T2", "Others", "general")
    from bot.dispatch import Actor

    outcome = await runtime.dispatcher.run_line(
        other, Actor("zed", "zed", Level.MEMBER), f"/impact verify {code}", people.transport
    )
    assert outcome.ok and people.transport.answer().startswith("This code isn't genuine")
