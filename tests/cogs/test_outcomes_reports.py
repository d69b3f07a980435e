"""Outcomes and work groups on the Home page, in the digest and in a member's impact report."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.binding import as_member
from bot.context import Context
from bot.dispatch import Actor
from bot.pages import Gathering, Line
from bot.runtime import Runtime
from storage.models import MemberRow
from tests.conftest import PLACE, START, Driver

LAB = (
    '/outcome add title="Open lab manual" type=guide link=https://example.org/lab '
    'contributors="@ben reviewer"'
)
LABS = (
    '/group propose name="Open labs" purpose="p" produces=guide capacity=4 ends=2027-03-01 '
    'roles="writer"'
)


async def _gather(runtime: Runtime, driver: Driver, event: str, who: str | None) -> Gathering:
    gathering = Gathering(START, START + timedelta(days=1))

    async def body(ctx: Context) -> None:
        if who is not None:
            found = await ctx.session.exec(select(MemberRow).where(MemberRow.name == who))
            gathering.member = as_member(found.one())
        for listen in ctx.registry.listeners[event]:
            await listen(ctx, gathering)

    assert await runtime.dispatcher.run_as_bot(PLACE, body, driver.transport)
    return gathering


async def test_digest_impact_and_home(driver: Driver, runtime: Runtime) -> None:
    for name in ("ana", "ben"):
        await driver.run(name, "/ping")
    await driver.run("ana", LAB)
    await driver.run("ana", LABS)
    await driver.run("ben", '/group join "Open labs" writer')
    digest = await _gather(runtime, driver, "digest", None)
    sections = {s.title: s.lines for s in digest.sections}
    assert sections["Outcomes published"] == [
        Line(
            "Open lab manual (guide, CC BY 4.0) by ana and ben",
            "https://example.org/lab",
            members=(1, 2),  # ana and ben, whom the line credits
        )
    ]
    assert sections["Work groups"] == [Line("Open labs (guide): started")]
    impact = await _gather(runtime, driver, "impact", "ben")
    mine = {s.title: s.lines for s in impact.sections}
    assert mine["Outcomes"] == [
        Line("Outcome #1 Open lab manual (guide, CC BY 4.0) as reviewer", "https://example.org/lab")
    ]
    assert mine["Work groups"] == [Line("Open labs (active) as writer")]
    driver.transport.clear()
    await runtime.dispatcher.emit(PLACE, Actor("ben", "ben"), "home_opened", driver.transport)
    texts = driver.transport.texts()
    assert any(
        "Credited on 1 outcome (latest: Outcome #1 Open lab manual as reviewer)" in t for t in texts
    )
    assert any("In 1 group: Open labs (active, writer)" in t for t in texts)
